//! One site pipeline for every host: `govpress check`, `govpress build`, `govpress serve` and the
//! browser's `checkSite` run this sequence; they differ only in what they do with each page's result.
//!
//! 1. [`SiteRun::start`] (cheap, all pages): each page's front matter is read once into a
//!    [`PageHead`]; the [`SiteModel`] (URLs, output paths, sections, titles, dates) is built from them.
//! 2. [`SiteRun::page`] (per page, in any order, in parallel if the host likes): the body is parsed
//!    once, the page rules run, the body is rendered with `.md` links resolved, and the links and ids
//!    are kept; the parsed events are dropped. The build writes each page right there.
//! 3. [`SiteRun::site_diagnostics`]: blank and stale sections from the model, output paths with two
//!    owners, broken internal links and anchors; [`SiteRun::reviews`]: every page's sign-off.
//!
//! [`check_site`] runs the three in order on one thread, without rendering (the browser, tests); the
//! CLI spreads step 2 over threads and calls the same functions.

pub mod disclosure;
pub mod links;
pub mod model;
pub mod paths;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use pulldown_cmark::Event;

use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::page::{LinkKind, Page, PageHead};
use crate::render::RenderedBody;
#[cfg(feature = "render")]
use crate::render::Renderer;
use crate::review::log::signature_holds;
use crate::review::record::Record;
use crate::review::{Roster, SiteReview};
use crate::rules::timeliness;

pub use links::{FoundLink, LinkingFile, PublishedFiles};
pub use model::{Section, SharedFrontMatter, SiteModel, SitePage};

/// One Markdown file as the host read it: its text, or why it could not be read.
#[derive(Debug, Clone, Copy)]
pub struct SourceText<'t> {
    /// Site-relative path with `/` (`content/news/a.md`).
    pub path: &'t str,
    pub text: Result<&'t str, &'t Diagnostic>,
}

/// The review files' texts (`None` when a file does not exist).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewTexts<'t> {
    pub roster: Option<&'t str>,
    pub log: Option<&'t str>,
}

/// One page still to process: its front matter, read in step 1. Not `Clone`: each head is turned
/// into exactly one `Page`, so a page's front matter and body are each parsed once.
#[derive(Debug)]
pub struct PageJob {
    /// Index into the sources given to `SiteRun::start`.
    pub source_index: usize,
    head: PageHead,
}

impl PageJob {
    /// Step 1 for one page read again (`serve`, after an edit): its front matter, for [`SiteRun::page`].
    pub fn read(source_index: usize, source: &str) -> PageJob {
        PageJob { source_index, head: PageHead::read(source) }
    }

    /// The page's front matter, as read.
    pub fn front_matter(&self) -> &std::sync::Arc<crate::front_matter::FrontMatter> {
        &self.head.front_matter
    }

    /// Where the body starts: the source before it is the front matter block.
    pub fn body_offset(&self) -> usize {
        self.head.body_offset
    }
}

/// What step 2 left of one page.
#[derive(Debug)]
pub struct PageResult {
    pub source_index: usize,
    /// The page rules' findings (severity overrides not yet applied).
    pub diagnostics: Vec<Diagnostic>,
    /// The rendered body, for pages the site publishes (drafts have none, nor has a check).
    pub body: Option<RenderedBody>,
    /// Its internal-link candidates with their Markdown positions, as the published HTML will carry them.
    pub links: Option<LinkingFile>,
    /// Ids its body carries (heading anchors and ids written in raw HTML).
    pub ids: Vec<String>,
    /// The body's visible text for the search index (published pages, when the run collects it).
    pub text: Option<String>,
}

/// A site being processed: the checker, the model, and the base path links are published under.
pub struct SiteRun<'c> {
    pub checker: &'c Checker,
    pub model: SiteModel,
    base_path: String,
    disclosure: disclosure::Directory,
    /// Keep each published page's visible text (`PageResult::text`) for the search index.
    pub collect_text: bool,
}

impl<'c> SiteRun<'c> {
    /// Step 1: every readable page's front matter, read once; the model built from them.
    /// Pages whose `publish_at` is after `now` are checked but left out of the model (and so the build).
    pub fn start(
        checker: &'c Checker,
        sources: &[SourceText<'_>],
        now: DateTime<FixedOffset>,
    ) -> (SiteRun<'c>, Vec<PageJob>) {
        // Held until each page is processed: no room left over from growing (a job is large).
        let mut jobs: Vec<PageJob> = Vec::with_capacity(sources.iter().filter(|source| source.text.is_ok()).count());
        jobs.extend(sources.iter().enumerate().filter_map(|(source_index, source)| {
            let text = source.text.ok()?;
            Some(PageJob { source_index, head: PageHead::read(text) })
        }));
        let model = SiteModel::published_at(
            jobs.iter().map(|job| {
                let path = sources.get(job.source_index).map_or("", |source| source.path);
                (job.source_index, path, &job.head.front_matter)
            }),
            Some(now),
        );
        let base_path = crate::leave_site::base_path(checker.config());
        let disclosure = disclosure::Directory::new(&model);
        (SiteRun { checker, model, base_path, disclosure, collect_text: false }, jobs)
    }

    /// The base path links are published under (`/` or `/portal/`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// A site-absolute URL path with the base path (`/portal/news/a/`).
    pub fn href(&self, url: &str) -> String {
        format!("{}{}", self.base_path.trim_end_matches('/'), url)
    }

    /// Step 2 for one page: `path` and `source` are the job's source. Parses the body once, runs the
    /// page rules, renders it (published pages) and keeps its links and ids.
    #[cfg(feature = "render")]
    pub fn page(
        &self,
        job: PageJob,
        path: &str,
        source: &str,
        now: DateTime<FixedOffset>,
        renderer: &Renderer<'_>,
    ) -> PageResult {
        self.process(job, path, source, now, |page, resolve| {
            let body = renderer.render_with(page, Some(resolve));
            (body.headings.iter().map(|heading| heading.id.clone()).collect(), Some(body))
        })
    }

    /// Step 2 without rendering, for a check: the same diagnostics, links and ids as [`SiteRun::page`]
    /// (heading ids come from the same code as the rendered anchors), and no body.
    pub fn check_page(&self, job: PageJob, path: &str, source: &str, now: DateTime<FixedOffset>) -> PageResult {
        self.process(job, path, source, now, |page, _| {
            (crate::render::headings(page).into_iter().map(|heading| heading.id).collect(), None)
        })
    }

    /// Step 2 with `render` giving a published page's heading ids and, when it renders, its body.
    fn process(
        &self,
        job: PageJob,
        path: &str,
        source: &str,
        now: DateTime<FixedOffset>,
        render: impl FnOnce(&Page<'_>, crate::render::LinkResolver<'_>) -> (Vec<String>, Option<RenderedBody>),
    ) -> PageResult {
        let source_index = job.source_index;
        let (page, mut diagnostics) = Page::with_head(path, source, job.head);
        diagnostics.extend(self.checker.check_parsed(&page, now));
        let Some(published) = self.model.page_from(path).filter(|published| published.source_index == source_index)
        else {
            return PageResult { source_index, diagnostics, body: None, links: None, ids: Vec::new(), text: None };
        };
        diagnostics.extend(self.disclosure.check_page(&self.model, &page, published));
        let resolve = |href: &str| self.model.resolve_markdown_link(path, href).map(|url| self.href(&url));
        let (mut ids, body) = render(&page, &resolve);
        let links = page
            .links
            .iter()
            .filter(|link| link.kind == LinkKind::Link)
            .map(|link| FoundLink {
                href: resolve(&link.url).unwrap_or_else(|| link.url.clone()),
                file: path.to_string(),
                position: page.position(link.range.start),
            })
            .collect();
        ids.extend(raw_html_ids(&page));
        let links = LinkingFile { url: published.url.clone(), links };
        let text = self.collect_text.then(|| crate::search::text::visible_text(&page));
        PageResult { source_index, diagnostics, body, links: Some(links), ids, text }
    }

    /// Step 3: blank and stale sections, output paths with two owners, and (when `links` is given)
    /// broken internal links and anchors of the pages' Markdown. `reserved` are files the build
    /// generates besides pages, feeds and leave pages (theme assets): no page may take their place.
    /// `other_files` are the further output files (static files, theme assets) links may lead to;
    /// output files (static files, theme assets) links may lead to; severity overrides not applied.
    pub fn site_diagnostics(
        &self,
        results: &[&PageResult],
        reserved: &[&str],
        other_files: &[&str],
        now: DateTime<FixedOffset>,
        check_links: bool,
    ) -> Vec<Diagnostic> {
        let mut diagnostics = timeliness::check_sections(self.checker.config(), &self.model, now);
        diagnostics.extend(paths::conflicts(&self.model, reserved));
        if check_links {
            diagnostics.extend(self.markdown_links(results, other_files));
        }
        diagnostics
    }

    fn markdown_links(&self, results: &[&PageResult], other_files: &[&str]) -> Vec<Diagnostic> {
        let Some(base_url) =
            self.checker.config().site.base_url.as_deref().unwrap_or("https://localhost/").parse::<url::Url>().ok()
        else {
            return Vec::new();
        };
        let Ok(origin) = base_url.join("/") else { return Vec::new() };
        let mut published = SitePublished { files: HashMap::new() };
        for file in paths::GENERATED_FILES.iter().chain(other_files) {
            published.files.insert(file.to_string(), None);
        }
        for section in self.model.sections.iter().filter(|section| !section.key.is_empty()) {
            let base = self.model.pages[section.index_page].url.trim_start_matches('/').to_string();
            published.files.insert(format!("{base}atom.xml"), None);
            for number in 2..=section.list_pages() {
                published.files.insert(format!("{base}page/{number}/index.html"), Some(HashSet::new()));
            }
        }
        let mut linking = Vec::new();
        for result in results {
            let Some(links) = &result.links else { continue };
            let Some(page) = self.model.page_at(&links.url) else { continue };
            published.files.insert(page.output_path(), Some(result.ids.iter().cloned().collect()));
            linking.push(links.clone());
        }
        links::broken_links(&linking, &published, &origin, &self.base_path)
    }

    /// Every page's sign-off (article 13). `check_signatures` checks one bool per record (the CLI
    /// spreads it over threads); `pages` are the readable sources.
    pub fn reviews(
        &self,
        texts: ReviewTexts<'_>,
        pages: &[(&str, &str)],
        check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
    ) -> Vec<Diagnostic> {
        let review = &self.checker.config().review;
        SiteReview::evaluate_with(review, texts.roster, texts.log, pages, check_signatures).diagnostics()
    }
}

/// The site's output as the Markdown check knows it: every file, with its ids when they are known.
struct SitePublished {
    files: HashMap<String, Option<HashSet<String>>>,
}

impl PublishedFiles for SitePublished {
    fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    fn has_id(&self, path: &str, id: &str) -> Option<bool> {
        self.files.get(path)?.as_ref().map(|ids| ids.contains(id))
    }
}

/// `id` attributes written in the page's raw HTML (the sanitiser keeps them).
fn raw_html_ids(page: &Page<'_>) -> Vec<String> {
    let mut ids = Vec::new();
    for (event, _) in &page.events {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            for tag in crate::html_scan::start_tags(html) {
                ids.extend(tag.attribute("id").map(|id| id.value.trim().to_string()));
            }
        }
    }
    ids
}

/// The whole sequence on one thread: config, every page, then the site (and sign-off when `reviews`
/// is given). What `govpress check DIR` reports, with severity overrides applied.
pub fn check_site(
    checker: &Checker,
    config_file: &str,
    sources: &[SourceText<'_>],
    reviews: Option<ReviewTexts<'_>>,
    other_files: &[&str],
    now: DateTime<FixedOffset>,
) -> Vec<Diagnostic> {
    check_site_then(checker, config_file, sources, other_files, now, |run| {
        let Some(texts) = reviews else { return Vec::new() };
        let pages: Vec<(&str, &str)> =
            sources.iter().filter_map(|source| Some((source.path, source.text.ok()?))).collect();
        run.reviews(texts, &pages, |records, roster| {
            records.iter().map(|record| signature_holds(record, roster)).collect()
        })
    })
}

/// [`check_site`] without the sign-off: the same report as with `reviews: None`, in code that does
/// not link the review (the browser's checking module leaves SM2 and the log to its review module).
pub fn check_site_without_review(
    checker: &Checker,
    config_file: &str,
    sources: &[SourceText<'_>],
    other_files: &[&str],
    now: DateTime<FixedOffset>,
) -> Vec<Diagnostic> {
    check_site_then(checker, config_file, sources, other_files, now, |_| Vec::new())
}

/// Config, pages and site, then `last` (the sign-off, or nothing), with overrides applied.
fn check_site_then(
    checker: &Checker,
    config_file: &str,
    sources: &[SourceText<'_>],
    other_files: &[&str],
    now: DateTime<FixedOffset>,
    last: impl FnOnce(&SiteRun<'_>) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let (run, jobs) = SiteRun::start(checker, sources, now);
    let mut diagnostics = Vec::new();
    for source in sources {
        if let Err(diagnostic) = source.text {
            diagnostics.push(diagnostic.clone());
        }
    }
    let results: Vec<PageResult> = jobs
        .into_iter()
        .filter_map(|job| {
            let source = sources.get(job.source_index)?;
            let text = source.text.ok()?;
            Some(run.check_page(job, source.path, text, now))
        })
        .collect();
    let result_refs: Vec<&PageResult> = results.iter().collect();
    diagnostics.extend(results.iter().flat_map(|result| result.diagnostics.iter().cloned()));
    diagnostics.extend(run.site_diagnostics(&result_refs, &[], other_files, now, true));
    diagnostics.extend(last(&run));
    let mut all = checker.check_config(config_file);
    all.extend(checker.apply_overrides(diagnostics));
    all
}

#[cfg(test)]
mod tests;
