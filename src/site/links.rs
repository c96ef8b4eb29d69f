//! Broken internal links and `#anchors`: a link that stays on the site must lead to a file the site
//! publishes, and its fragment to an id of that file. `check` judges the Markdown links against the
//! site model; the build judges every link of every HTML file it wrote. Both report here, at the
//! place the link was written (the Markdown line when it came from a page).

use std::borrow::Cow;

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
    let mut out = Vec::new();
    for file in files {
        let Ok(page_url) = base_url.join(&format!("{}{}", base_path.trim_end_matches('/'), file.url)) else { continue };
        for link in &file.links {
            if let Some(missing_anchor) = judge(&page_url, &link.href, published, base_path) {
                out.push(broken_link(&link.href, missing_anchor).at(link.position, link.position).in_file(&link.file));
            }
        }
    }
    out
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
}
