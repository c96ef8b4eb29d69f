//! Broken internal links and `#anchors`: a link that stays on the site must lead to a file the site
//! publishes, and its fragment to an id of that file. `check` judges the Markdown links against the
//! site model; the build judges every link of every HTML file it wrote. Both report here, at the
//! place the link was written (the Markdown line when it came from a page).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::audit::broken_link;
use crate::diagnostic::{Diagnostic, Position};

/// One internal link, and where to report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    /// The link as the published HTML will carry it (`.md` links already resolved to URLs).
    pub href: String,
    /// The file a diagnostic names: the Markdown source, else the output file.
    pub file: String,
    pub position: Position,
}

/// The links of one published file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkingFile {
    /// The site-absolute URL path the file answers, without the base path (`/news/a/`).
    pub url: String,
    pub links: Vec<FoundLink>,
}

/// What the published site holds, as the link check asks it.
pub trait PublishedFiles {
    /// Whether the output has this file (output-root-relative: `news/a/index.html`).
    fn exists(&self, path: &str) -> bool;
    /// Whether that file has this id; `None` when its ids are not known (not checked then).
    fn has_id(&self, path: &str, id: &str) -> Option<bool>;
}

/// Ids every page of the theme carries besides its body's (the skip link's target, the top).
pub const LAYOUT_IDS: [&str; 2] = ["top", "main"];

/// Every link of `files` that leads to no file, or to a missing id, as a `build.broken-link` error.
/// `base_url` is the site's URL ending in `/`; `base_path` its path (`/` or `/portal/`).
pub fn broken_links(
    files: &[LinkingFile],
    published: &dyn PublishedFiles,
    base_url: &url::Url,
    base_path: &str,
) -> Vec<Diagnostic> {
    LinkJudge::new(published, base_url, base_path).broken_links(files)
}

/// Judges the links of one site's files, remembering the verdict of each link that starts with `/`:
/// such a link resolves against the site's origin alone, never the page's path, so its verdict is the
/// same on every page — and most links are the navigation every page repeats.
pub struct LinkJudge<'a> {
    published: &'a dyn PublishedFiles,
    base_url: &'a url::Url,
    base_path: &'a str,
    verdicts: HashMap<String, Option<bool>>,
}

impl<'a> LinkJudge<'a> {
    /// `base_url` is the site's URL ending in `/`; `base_path` its path (`/` or `/portal/`).
    pub fn new(published: &'a dyn PublishedFiles, base_url: &'a url::Url, base_path: &'a str) -> LinkJudge<'a> {
        LinkJudge { published, base_url, base_path, verdicts: HashMap::new() }
    }

    /// [`broken_links`] of `files`.
    pub fn broken_links(&mut self, files: &[LinkingFile]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for file in files {
            let page = format!("{}{}", self.base_path.trim_end_matches('/'), file.url);
            let Ok(page_url) = self.base_url.join(&page) else { continue };
            for link in &file.links {
                if let Some(missing_anchor) = self.judge(&page_url, &link.href) {
                    out.push(
                        broken_link(&link.href, missing_anchor).at(link.position, link.position).in_file(&link.file),
                    );
                }
            }
        }
        out
    }

    fn judge(&mut self, page_url: &url::Url, href: &str) -> Option<bool> {
        if !href.starts_with('/') {
            return judge(page_url, href, self.published, self.base_path);
        }
        if let Some(&verdict) = self.verdicts.get(href) {
            return verdict;
        }
        let verdict = judge(page_url, href, self.published, self.base_path);
        self.verdicts.insert(href.to_string(), verdict);
        verdict
    }
}

/// `Some(false)`: no such file; `Some(true)`: no such id; `None`: fine (or not ours to judge).
fn judge(page_url: &url::Url, href: &str, published: &dyn PublishedFiles, base_path: &str) -> Option<bool> {
    let target = page_url.join(href).ok()?;
    if target.origin() != page_url.origin() {
        return None;
    }
    let relative = target.path().strip_prefix(base_path)?;
    let relative = percent_decode(relative);
    let Some(found) = candidates(&relative).into_iter().find(|candidate| published.exists(candidate)) else {
        return Some(false);
    };
    let fragment = target.fragment().map(percent_decode).filter(|fragment| !fragment.is_empty())?;
    if LAYOUT_IDS.contains(&fragment.as_ref()) {
        return None;
    }
    match published.has_id(&found, &fragment) {
        Some(false) => Some(true),
        _ => None,
    }
}

/// Output files a site path may be served from: `a/` → `a/index.html`; `a` → `a`, `a/index.html`.
fn candidates(relative: &str) -> Vec<String> {
    if relative.is_empty() || relative.ends_with('/') {
        vec![format!("{relative}index.html")]
    } else {
        vec![relative.to_string(), format!("{relative}/index.html")]
    }
}

pub fn percent_decode(text: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    struct Files(HashMap<&'static str, HashSet<&'static str>>);

    impl PublishedFiles for Files {
        fn exists(&self, path: &str) -> bool {
            self.0.contains_key(path)
        }
        fn has_id(&self, path: &str, id: &str) -> Option<bool> {
            self.0.get(path).map(|ids| ids.contains(id))
        }
    }

    #[test]
    fn missing_pages_and_anchors_are_reported_where_written() {
        let published = Files(HashMap::from([
            ("news/a/index.html", HashSet::from(["要点"])),
            ("news/b/index.html", HashSet::new()),
            ("files/x.pdf", HashSet::new()),
        ]));
        let at = |line| Position { line, column: 1 };
        let link = |href: &str, line| FoundLink { href: href.into(), file: "content/b.md".into(), position: at(line) };
        let files = [LinkingFile {
            url: "/news/b/".into(),
            links: vec![
                link("../a/#%E8%A6%81%E7%82%B9", 1),
                link("/news/a/#missing", 2),
                link("/news/gone/", 3),
                link("/files/x.pdf", 4),
                link("#top", 5),
                link("https://elsewhere.example.com/x", 6),
            ],
        }];
        let base = url::Url::parse("https://www.example.gov.cn/").unwrap();
        let found: Vec<_> =
            broken_links(&files, &published, &base, "/").into_iter().map(|d| (d.start.line, d.message.en)).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 2);
        assert!(found[0].1.contains("anchor"));
        assert_eq!(found[1].0, 3);
    }

    /// One judge over many pages remembers only what cannot depend on the page: a relative link is
    /// judged on each page, and every answer equals that of a judge that saw only that page.
    #[test]
    fn a_judge_reused_across_pages_answers_as_a_fresh_one() {
        let published = Files(HashMap::from([
            ("news/a/index.html", HashSet::from(["要点"])),
            ("news/a/x/index.html", HashSet::new()),
            ("index.html", HashSet::new()),
        ]));
        let link = |href: &str| FoundLink { href: href.into(), file: "f".into(), position: Position::default() };
        let hrefs =
            ["x/", "/news/a/x/", "/news/a/#要点", "/news/a/#nope", "/gone/", "//www.example.gov.cn/gone/", "/\\x"];
        let files: Vec<LinkingFile> = ["/news/a/", "/news/b/", "/", "/news/a/"]
            .into_iter()
            .map(|url| LinkingFile { url: url.into(), links: hrefs.iter().map(|href| link(href)).collect() })
            .collect();
        let base = url::Url::parse("https://www.example.gov.cn/").unwrap();
        let shared = LinkJudge::new(&published, &base, "/").broken_links(&files);
        let fresh: Vec<_> =
            files.iter().flat_map(|file| broken_links(std::slice::from_ref(file), &published, &base, "/")).collect();
        assert_eq!(shared, fresh);
        let relative_misses = fresh.iter().filter(|diagnostic| diagnostic.message.en.contains("x/")).count();
        assert!(relative_misses >= 2, "the relative link x/ is missing from some pages only: {fresh:?}");
    }
}
