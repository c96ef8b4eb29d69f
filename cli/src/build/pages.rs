//! Turning the model into HTML files: Markdown pages, section lists with pagination, the home page,
//! leave pages and 404. Every HTML file goes through the leave-site rewriting and the audit before
//! it is written.

use govpress::audit::{Auditor, DocumentAudit, DocumentKind, LeaveTemplate, LEAVE_PLACEHOLDER};
use govpress::diagnostic::Position;
use govpress::leave_site::{LeaveSite, LeaveTarget};
use govpress::site::links::percent_decode;
use govpress::site::{LinkingFile, SiteModel, SitePage};
use govpress::time::Timestamp;
use govpress::Diagnostic;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::disclosure;
use super::names::{Name, Names};
use super::render_cache::{Keyed, RenderCache};
use super::templates::{MetaVars, Templates};
use super::writer::{Recorded, Reuse, Staging};

/// Newest items per section on the home page.
const HOME_ITEMS: usize = 8;

/// What writing one HTML file left for the site-wide checks, compactly: a build holds one per file
/// to the end (the broken-link check, the render cache's index), so strings are interned ([`Names`])
/// and each link's place in its Markdown source is found once, here.
#[derive(Debug)]
pub struct Written {
    /// Output path relative to the output root.
    pub path: String,
    /// Site-absolute URL path the file answers (`/news/a/`).
    pub url: String,
    /// What the HTML pass reported.
    pub diagnostics: Vec<Diagnostic>,
    /// The Markdown source it was rendered from (site-relative path).
    pub source: Option<Name>,
    /// Internal links, in the order of the HTML.
    pub links: Box<[Link]>,
    /// Ids the HTML carries.
    pub ids: Box<[Name]>,
    pub targets: Box<[LeaveTarget]>,
}

/// An internal link of a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub href: Name,
    /// Line and column in the HTML file.
    pub at: (u32, u32),
    /// Line and column in the Markdown source, when the link was written there.
    pub in_source: Option<(u32, u32)>,
}

impl Written {
    /// The record of a file after its HTML pass: `source` are the links its Markdown source wrote.
    pub fn new(
        names: &Names,
        (path, url): (String, String),
        source: Option<SourceLinks>,
        audit: DocumentAudit,
        targets: Vec<LeaveTarget>,
    ) -> Written {
        let links = audit
            .internal_links
            .iter()
            .map(|link| Link {
                href: names.intern(&link.href),
                at: compact(link.position),
                in_source: source.as_ref().and_then(|source| source.position_of(&link.href)).map(compact),
            })
            .collect();
        Written {
            path,
            url,
            diagnostics: audit.diagnostics,
            source: source.map(|source| names.intern(&source.path)),
            links,
            ids: audit.ids.iter().map(|id| names.intern(id)).collect(),
            targets: targets.into_boxed_slice(),
        }
    }
}

fn compact(position: Position) -> (u32, u32) {
    let narrow = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
    (narrow(position.line), narrow(position.column))
}

/// A position of [`Link`] as diagnostics take it.
pub fn position((line, column): (u32, u32)) -> Position {
    Position { line: line as usize, column: column as usize }
}

#[derive(Debug, Default, Clone)]
pub struct SourceLinks {
    pub path: String,
    pub links: Vec<(String, Position)>,
}

impl SourceLinks {
    /// The links the core found in a page's Markdown, as the HTML carries them.
    pub fn of(page: &SitePage, found: LinkingFile) -> SourceLinks {
        let links = found.links.into_iter().map(|link| (link.href, link.position)).collect();
        SourceLinks { path: page.source_path.clone(), links }
    }

    /// Where the Markdown wrote the link the HTML carries as `href` (the same, or the same once
    /// percent-decoded: only worth decoding when either has a `%`, else decoding changes nothing).
    fn position_of(&self, href: &str) -> Option<Position> {
        let escaped = href.contains('%');
        self.links
            .iter()
            .find(|(written, _)| {
                written == href
                    || ((escaped || written.contains('%')) && percent_decode(written) == percent_decode(href))
            })
            .map(|(_, at)| *at)
    }
}

/// Everything a page render needs, shared by the worker threads.
pub struct Pipeline<'a> {
    pub model: &'a SiteModel,
    pub templates: &'a Templates,
    pub leave: &'a LeaveSite<'a>,
    pub auditor: &'a Auditor<'a>,
    pub staging: &'a Staging,
    /// What earlier builds made of the same inputs.
    pub cache: &'a RenderCache,
    /// How diagnostics name the output directory (`public`).
    pub out_label: &'a str,
    /// The path the site is published under (`/` or `/portal/`).
    pub base_path: &'a str,
    /// The strings of the build's [`Written`] records.
    pub names: &'a Names,
}

#[derive(Debug, Serialize)]
struct Item {
    title: String,
    url: String,
    date: String,
    date_iso: String,
}

#[derive(Debug, Serialize)]
struct Reprint {
    source_name: String,
    source_url: String,
    reprinted_at: String,
}

impl Pipeline<'_> {
    /// Site-absolute URL with the base path (`/portal/news/a/` for a site under `/portal/`).
    pub fn href(&self, url: &str) -> String {
        format!("{}{}", self.base_path.trim_end_matches('/'), url)
    }

    /// Rewrites, audits and writes one HTML file that no template made (a static file), with findings
    /// reported against `label` (its own name under `static/`). Not cached: it is read from disk anyway.
    pub fn finish_as(
        &self,
        label: &str,
        path: String,
        url: String,
        html: &str,
        kind: DocumentKind,
        source: Option<SourceLinks>,
    ) -> anyhow::Result<Written> {
        // One lol_html pass: leave-site rewriting, the audit and link collection together.
        let processed =
            self.auditor.process(label, &url, html, kind).map_err(|error| anyhow::anyhow!("{path}: {error}"))?;
        self.staging.write(&path, processed.html.as_bytes())?;
        Ok(Written::new(self.names, (path, url), source, processed.audit, processed.targets))
    }

    /// A template context for [`Pipeline::render`], hashed for the render cache as it is filled.
    pub fn context(&self) -> Keyed {
        self.cache.context()
    }

    /// Renders `template` over `context`, then the HTML pass, and writes the file; or, when an earlier
    /// build made this file from the same inputs, reuses its output after re-hashing it (render cache).
    pub fn render(
        &self,
        template: &str,
        context: Keyed,
        place: (String, String),
        kind: DocumentKind,
        source: Option<SourceLinks>,
    ) -> anyhow::Result<Written> {
        self.render_shared(template, context, place, kind, source, None)
    }

    /// [`Pipeline::render`], taking a leave page's pass from `shared` (the shared leave-page pass and
    /// the page's destination as the theme escapes it) when the theme rendered it as that pass expects.
    fn render_shared(
        &self,
        template: &str,
        context: Keyed,
        (path, url): (String, String),
        kind: DocumentKind,
        source: Option<SourceLinks>,
        shared: Option<(&LeaveTemplate, &str)>,
    ) -> anyhow::Result<Written> {
        use std::sync::atomic::Ordering;
        let key = context.key(template, &path, &url, &format!("{kind:?}"));
        let cached = key.as_ref().and_then(|key| Some((key, self.cache.take(key, &path)?)));
        if let Some((key, entry)) = cached {
            if let Some(recorded) = entry.recorded() {
                if self.staging.reuse_verified(&path, recorded)? != Reuse::No {
                    let (digest, len, sha256) = (entry.digest.clone(), entry.len, recorded.sha256);
                    let (audit, targets) = entry.into_found();
                    self.cache.put(key.clone(), &path, Recorded { digest: &digest, len, sha256 }, &audit);
                    self.cache.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(Written::new(self.names, (path, url), source, audit, targets));
                }
            }
        }
        let html = self.templates.render(template, &context.context)?;
        let label = format!("{}/{path}", self.out_label);
        let from_shared = shared.and_then(|(leave_template, escaped)| leave_template.page(&label, &html, escaped));
        let processed = match from_shared {
            Some(processed) => processed,
            None => {
                self.auditor.process(&label, &url, &html, kind).map_err(|error| anyhow::anyhow!("{path}: {error}"))?
            }
        };
        let digest = self.staging.write(&path, processed.html.as_bytes())?;
        if let Some(key) = key {
            self.cache.misses.fetch_add(1, Ordering::Relaxed);
            let sha256 = Some(Sha256::digest(processed.html.as_bytes()).into());
            let recorded = Recorded { digest: &digest, len: processed.html.len() as u64, sha256 };
            self.cache.put(key, &path, recorded, &processed.audit);
        }
        Ok(Written::new(self.names, (path, url), source, processed.audit, processed.targets))
    }

    fn item(&self, page: &SitePage) -> Item {
        Item {
            title: page.title().to_string(),
            url: self.href(&page.url),
            date: page.date.map(|date| date.china_date().format("%Y-%m-%d").to_string()).unwrap_or_default(),
            date_iso: iso(page.date.as_ref()),
        }
    }

    fn section_title(&self, key: &str) -> String {
        self.model
            .section(key)
            .map(|section| self.model.pages[section.index_page].title().to_string())
            .unwrap_or_default()
    }

    fn meta(&self, page: &SitePage, column: &str) -> MetaVars {
        let front_matter = &page.front_matter;
        let source = front_matter
            .reprint
            .as_ref()
            .filter(|_| front_matter.is_reprint())
            .and_then(|reprint| reprint.source_name.clone())
            .or_else(|| front_matter.department.clone())
            .unwrap_or_default();
        MetaVars {
            column_name: self.section_title(column),
            article_title: page.title().to_string(),
            pub_date: page.date.map(|date| date.display()).unwrap_or_default(),
            content_source: source,
            description: front_matter.description.clone().unwrap_or_default(),
            current: column.split('/').next().unwrap_or_default().to_string(),
            feed_url: None,
            disclosure: disclosure::document(self.model, page, &|url| self.href(url)),
        }
    }

    /// An article page around its rendered body.
    pub fn article(&self, page: &SitePage, content: String, links: SourceLinks) -> anyhow::Result<Written> {
        let front_matter = &page.front_matter;
        let reprint = front_matter.reprint.as_ref().filter(|_| front_matter.is_reprint()).map(|reprint| Reprint {
            source_name: reprint.source_name.clone().unwrap_or_default(),
            source_url: reprint.source_url.clone().unwrap_or_default(),
            reprinted_at: reprint
                .reprinted_at
                .as_deref()
                .and_then(Timestamp::parse)
                .map(|at| at.display())
                .unwrap_or_default(),
        });
        let section_key = page.section.clone().unwrap_or_default();
        let section = self.model.section(&section_key);
        let mut context = self.context();
        context.insert(
            "page",
            &serde_json::json!({
                "title": page.title(),
                "date": page.date.map(|date| date.display()),
                "date_iso": iso(page.date.as_ref()),
                "department": front_matter.department,
                "content": content,
                "url": self.href(&page.url),
                "section_title": self.section_title(&section_key),
                "section_url": section.map(|section| self.href(&self.model.pages[section.index_page].url)),
                "reprint": reprint,
                "disclosure": disclosure::document(self.model, page, &|url| self.href(url)),
            }),
        );
        context.insert("meta", &self.meta(page, &section_key));
        self.render("page.html", context, (page.output_path(), page.url.clone()), DocumentKind::Page, Some(links))
    }

    /// A section's list pages: `/news/`, `/news/page/2/`, ….
    pub fn section_pages(
        &self,
        section_index: usize,
        content: &str,
        links: Option<SourceLinks>,
    ) -> anyhow::Result<Vec<Written>> {
        let section = &self.model.sections[section_index];
        let index_page = &self.model.pages[section.index_page];
        let chunks: Vec<&[usize]> = section.pages.chunks(section.paginate_by).collect();
        let total = chunks.len().max(1);
        let page_url = |number: usize| {
            if number == 1 {
                index_page.url.clone()
            } else {
                format!("{}page/{number}/", index_page.url)
            }
        };
        let mut written = Vec::with_capacity(total);
        let mut links = links;
        for number in 1..=total {
            let items: Vec<Item> = chunks
                .get(number - 1)
                .map(|chunk| chunk.iter().map(|&index| self.item(&self.model.pages[index])).collect())
                .unwrap_or_default();
            let mut context = self.context();
            context.insert(
                "section",
                &serde_json::json!({
                    "key": section.key,
                    "title": index_page.title(),
                    "url": self.href(&index_page.url),
                    "content": content,
                    "pages": items,
                    "disclosure": disclosure::directory(self.model, section, &|url| self.href(url)),
                }),
            );
            context.insert(
                "pagination",
                &serde_json::json!({
                    "current": number,
                    "total": total,
                    "previous": (number > 1).then(|| self.href(&page_url(number - 1))),
                    "next": (number < total).then(|| self.href(&page_url(number + 1))),
                }),
            );
            let mut meta = self.meta(index_page, &section.key);
            meta.feed_url = Some(self.href(&format!("{}atom.xml", index_page.url)));
            context.insert("meta", &meta);
            let url = page_url(number);
            let path = format!("{}index.html", url.trim_start_matches('/'));
            // The section's own Markdown links are on page 1 only.
            written.push(self.render("section.html", context, (path, url), DocumentKind::Page, links.take())?);
        }
        Ok(written)
    }

    /// The home page: `content/_index.md` and the newest items of each top-level section.
    pub fn home(&self, content: &str, links: Option<SourceLinks>) -> anyhow::Result<Written> {
        let home = self.model.section("").map(|section| &self.model.pages[section.index_page]);
        let columns: Vec<_> = self
            .model
            .top_sections()
            .map(|section| {
                let index_page = &self.model.pages[section.index_page];
                serde_json::json!({
                    "key": section.key,
                    "title": index_page.title(),
                    "url": self.href(&index_page.url),
                    "pages": section.pages.iter().take(HOME_ITEMS).map(|&index| self.item(&self.model.pages[index])).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut context = self.context();
        context.insert("home", &serde_json::json!({ "content": content }));
        context.insert("columns", &columns);
        let mut meta = home.map(|page| self.meta(page, "")).unwrap_or_default();
        meta.column_name = "首页".into();
        context.insert("meta", &meta);
        self.render("index.html", context, ("index.html".into(), "/".into()), DocumentKind::Page, links)
    }

    pub fn leave_page(&self, target: &LeaveTarget, shared: Option<&LeaveTemplate>) -> anyhow::Result<Written> {
        let (template, context, place) = self.leave_context(target);
        let escaped = shared.map(|_| escape_html(&target.url));
        let shared = shared.zip(escaped.as_deref());
        self.render_shared(template, context, place, DocumentKind::LeavePage, None, shared)
    }

    /// The pass every leave page of this build can share: the theme's leave page for a placeholder
    /// destination, passed once (`None` when the theme puts destinations where the pass reads).
    pub fn leave_template(&self) -> anyhow::Result<Option<LeaveTemplate>> {
        let placeholder = LeaveTarget { hash: "0000000000000000".into(), url: LEAVE_PLACEHOLDER.into() };
        let (template, context, (path, url)) = self.leave_context(&placeholder);
        let html = self.templates.render(template, &context.context)?;
        let label = format!("{}/{path}", self.out_label);
        self.auditor
            .leave_template(&label, &url, &html, &escape_html(LEAVE_PLACEHOLDER))
            .map_err(|error| anyhow::anyhow!("{path}: {error}"))
    }

    /// The template, context and place of a target's leave page.
    fn leave_context(&self, target: &LeaveTarget) -> (&'static str, Keyed, (String, String)) {
        let mut context = self.context();
        context.insert("leave", &serde_json::json!({ "warning": self.leave.warning(), "url": target.url }));
        context.insert(
            "meta",
            &MetaVars {
                column_name: "离站提示".into(),
                article_title: self.leave.warning().into(),
                current: "leave".into(),
                ..MetaVars::default()
            },
        );
        let path = format!("{}/{}.html", govpress::leave_site::LEAVE_DIR, target.hash);
        let url = format!("/{path}");
        ("leave.html", context, (path, url))
    }

    pub fn not_found(&self) -> anyhow::Result<Written> {
        let mut context = self.context();
        context.insert(
            "meta",
            &MetaVars {
                column_name: "404".into(),
                article_title: "页面不存在".into(),
                current: "404".into(),
                ..MetaVars::default()
            },
        );
        self.render("404.html", context, ("404.html".into(), "/404.html".into()), DocumentKind::Page, None)
    }
}

/// `text` as the templates escape it (tera's autoescape).
fn escape_html(text: &str) -> String {
    let mut escaped = Vec::with_capacity(text.len());
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(text, &mut escaped);
    String::from_utf8(escaped).unwrap_or_default()
}

fn iso(date: Option<&Timestamp>) -> String {
    match date {
        Some(Timestamp::Date(day)) => day.format("%Y-%m-%d").to_string(),
        Some(date) => date.instant().to_rfc3339(),
        None => String::new(),
    }
}
