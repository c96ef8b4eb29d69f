//! The site as the build sees it: pages with their URLs and output paths, sections (栏目) with their
//! pages newest first, and the mapping of Markdown paths to URLs for `[…](other.md)` links.

use std::collections::HashMap;

use govpress::front_matter::{self, FrontMatter};
use govpress::time::Timestamp;

/// One Markdown page to publish.
#[derive(Debug)]
pub struct SitePage {
    /// Site-relative source path, e.g. `content/news/a.md`.
    pub source_path: String,
    pub text: String,
    pub front_matter: FrontMatter,
    pub date: Option<Timestamp>,
    /// Site-absolute URL path, e.g. `/news/a/` (without the base path).
    pub url: String,
    /// Section key (`news`, `news/local`, or `` for the root) the page belongs to.
    pub section: String,
    pub is_section_index: bool,
}

impl SitePage {
    pub fn title(&self) -> &str {
        self.front_matter.title.as_deref().unwrap_or("无标题")
    }

    /// Output file relative to the output root: `news/a/index.html`.
    pub fn output_path(&self) -> String {
        format!("{}index.html", self.url.trim_start_matches('/'))
    }
}

/// A section (栏目): a directory of `content/` with an `_index.md`.
#[derive(Debug)]
pub struct Section {
    pub key: String,
    /// Index into `SiteModel::pages` of its `_index.md`.
    pub index_page: usize,
    /// Indices of its (non-index) pages, newest first.
    pub pages: Vec<usize>,
    pub paginate_by: usize,
    pub weight: i64,
}

#[derive(Debug, Default)]
pub struct SiteModel {
    pub pages: Vec<SitePage>,
    pub sections: Vec<Section>,
    /// `news/a.md` (relative to `content/`) → `/news/a/`.
    by_source: HashMap<String, String>,
}

const DEFAULT_PAGINATE_BY: usize = 20;

impl SiteModel {
    /// Builds the model from the Markdown sources the check read: `(site-relative path, text)`.
    /// Drafts are left out; unreadable files never get here (the check reported them).
    pub fn new<'t>(files: impl IntoIterator<Item = (&'t str, &'t str)>) -> SiteModel {
        let mut model = SiteModel::default();
        for (relative, text) in files {
            if !(relative.starts_with("content/") && relative.ends_with(".md")) {
                continue;
            }
            let text = text.to_string();
            let front_matter = front_matter::split(&text)
                .ok()
                .and_then(|split| front_matter::parse(&text, &split).ok())
                .map(|(front_matter, _)| front_matter)
                .unwrap_or_default();
            if front_matter.draft {
                continue;
            }
            let content_path = relative.strip_prefix("content/").unwrap_or(relative).to_string();
            let is_section_index = content_path.rsplit('/').next() == Some("_index.md");
            let directory = content_path.rsplit_once('/').map_or("", |(directory, _)| directory).to_string();
            let url = page_url(&content_path, &directory, is_section_index, &front_matter);
            model.by_source.insert(content_path, url.clone());
            model.pages.push(SitePage {
                source_path: relative.to_string(),
                date: front_matter.date(),
                text,
                front_matter,
                url,
                section: directory,
                is_section_index,
            });
        }
        model.collect_sections();
        model
    }

    fn collect_sections(&mut self) {
        let mut sections: Vec<Section> = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, page)| page.is_section_index)
            .map(|(index, page)| Section {
                key: page.section.clone(),
                index_page: index,
                pages: Vec::new(),
                paginate_by: page.front_matter.paginate_by.filter(|&by| by > 0).unwrap_or(DEFAULT_PAGINATE_BY),
                weight: page.front_matter.weight.unwrap_or(0),
            })
            .collect();
        for (index, page) in self.pages.iter().enumerate().filter(|(_, page)| !page.is_section_index) {
            // A page belongs to the nearest enclosing directory that is a section.
            let mut key = page.section.as_str();
            loop {
                if let Some(section) = sections.iter_mut().find(|section| section.key == key) {
                    section.pages.push(index);
                    break;
                }
                match key.rsplit_once('/') {
                    Some((parent, _)) => key = parent,
                    None if !key.is_empty() => key = "",
                    None => break,
                }
            }
        }
        for section in &mut sections {
            let pages = &self.pages;
            section.pages.sort_by(|&a, &b| {
                let date = |index: usize| pages[index].date.map(|date| date.instant());
                date(b).cmp(&date(a)).then_with(|| pages[a].url.cmp(&pages[b].url))
            });
        }
        sections.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.key.cmp(&b.key)));
        self.sections = sections;
    }

    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|section| section.key == key)
    }

    /// Top-level sections for the navigation, in weight order.
    pub fn top_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|section| !section.key.is_empty() && !section.key.contains('/'))
    }

    /// `[…](b.md#x)` written in `content/news/a.md` → `/news/b/#x`; `None` for anything else.
    pub fn resolve_markdown_link(&self, from_source: &str, href: &str) -> Option<String> {
        let (path, fragment) = match href.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (href, None),
        };
        if !path.ends_with(".md") || path.contains("://") {
            return None;
        }
        let from = from_source.strip_prefix("content/").unwrap_or(from_source);
        let directory = from.rsplit_once('/').map_or("", |(directory, _)| directory);
        let joined = if let Some(absolute) = path.strip_prefix('/') {
            absolute.strip_prefix("content/").unwrap_or(absolute).to_string()
        } else if directory.is_empty() {
            path.to_string()
        } else {
            format!("{directory}/{path}")
        };
        let url = self.by_source.get(&normalise(&joined)?)?;
        Some(match fragment {
            Some(fragment) => format!("{url}#{fragment}"),
            None => url.clone(),
        })
    }
}

/// `news/a.md` → `/news/a/`; `news/_index.md` → `/news/`; `slug` and `path` front matter override.
fn page_url(content_path: &str, directory: &str, is_section_index: bool, front_matter: &FrontMatter) -> String {
    if let Some(path) = front_matter.path.as_deref().map(|path| path.trim_matches('/')).filter(|path| !path.is_empty())
    {
        return format!("/{path}/");
    }
    if is_section_index {
        return if directory.is_empty() { "/".to_string() } else { format!("/{directory}/") };
    }
    let stem = content_path.rsplit('/').next().unwrap_or(content_path).trim_end_matches(".md");
    let slug = front_matter.slug.as_deref().map(str::trim).filter(|slug| !slug.is_empty()).unwrap_or(stem);
    if directory.is_empty() {
        format!("/{slug}/")
    } else {
        format!("/{directory}/{slug}/")
    }
}

/// Folds `.` and `..` segments; `None` when the path climbs out of `content/`.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source<'t>(relative: &'t str, text: &'t str) -> (&'t str, &'t str) {
        (relative, text)
    }

    #[test]
    fn urls_sections_and_markdown_links() {
        let model = SiteModel::new(vec![
            source("content/_index.md", "+++\ntitle = \"首页\"\n+++\n"),
            source("content/about.md", "+++\ntitle = \"关于\"\n+++\n"),
            source("content/news/_index.md", "+++\ntitle = \"要闻\"\npaginate_by = 2\n+++\n"),
            source("content/news/a.md", "+++\ntitle = \"旧\"\ndate = 2024-01-01\n+++\n"),
            source("content/news/b.md", "+++\ntitle = \"新\"\ndate = 2024-05-01\nslug = \"new\"\n+++\n"),
            source("content/news/draft.md", "+++\ntitle = \"草稿\"\ndraft = true\n+++\n"),
        ]);
        let urls: Vec<_> = model.pages.iter().map(|page| page.url.as_str()).collect();
        assert_eq!(urls, ["/", "/about/", "/news/", "/news/a/", "/news/new/"]);
        let news = model.section("news").unwrap();
        assert_eq!(news.paginate_by, 2);
        let titles: Vec<_> = news.pages.iter().map(|&index| model.pages[index].title()).collect();
        assert_eq!(titles, ["新", "旧"]);
        assert_eq!(model.section("").unwrap().pages.len(), 1);
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "b.md#x").as_deref(), Some("/news/new/#x"));
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "../about.md").as_deref(), Some("/about/"));
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "/content/news/a.md").as_deref(), Some("/news/a/"));
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "missing.md"), None);
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "../../x.md"), None);
        assert_eq!(model.pages[3].output_path(), "news/a/index.html");
    }
}
