//! The site as it will be published: pages with their URLs and output paths, sections (栏目) with
//! their pages newest first, and the mapping of Markdown paths to URLs for `[…](other.md)` links.
//! Built once from every page's front matter; the checks (blank and stale sections, duplicate
//! output paths, broken links) and the build read this one model.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use std::sync::Arc;

use crate::front_matter::FrontMatter;
use crate::time::Timestamp;

/// One Markdown page to publish (drafts are not in the model).
#[derive(Debug)]
pub struct SitePage {
    /// Site-relative source path, e.g. `content/news/a.md`.
    pub source_path: String,
    /// Index of the page in the sources the model was built from.
    pub source_index: usize,
    /// Shared with the page's job (`crate::page::PageHead`), not copied.
    pub front_matter: Arc<FrontMatter>,
    pub date: Option<Timestamp>,
    /// Site-absolute URL path, e.g. `/news/a/` (without the base path).
    pub url: String,
    /// The page's directory under `content/` (`news`, `news/local`, or `` for the root).
    pub directory: String,
    /// Key of the section the page is listed in: the nearest enclosing directory with an `_index.md`
    /// (`None` when not even `content/_index.md` exists). For a section's own `_index.md`, its key.
    pub section: Option<String>,
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
    /// The directory under `content/`: `news`, `news/local`, `` for the home page.
    pub key: String,
    /// Index into `SiteModel::pages` of its `_index.md`.
    pub index_page: usize,
    /// Indices of its (non-index) pages, newest first.
    pub pages: Vec<usize>,
    /// Keys of the sections directly inside it.
    pub children: Vec<String>,
    pub paginate_by: usize,
    pub weight: i64,
}

impl Section {
    /// How many list pages the section has (`/news/`, `/news/page/2/`, …).
    pub fn list_pages(&self) -> usize {
        self.pages.len().div_ceil(self.paginate_by).max(1)
    }
}

#[derive(Debug, Default)]
pub struct SiteModel {
    pub pages: Vec<SitePage>,
    pub sections: Vec<Section>,
    /// `news/a.md` (relative to `content/`) → `/news/a/`.
    by_source: HashMap<String, usize>,
    by_url: HashMap<String, usize>,
    /// Pages left out because their `publish_at` is still ahead (site-relative path, when).
    pub scheduled: Vec<(String, Timestamp)>,
}

const DEFAULT_PAGINATE_BY: usize = 20;

/// A page's front matter as the model takes it: shared with its owner (`&Arc`, the build's jobs), or
/// copied once (`&FrontMatter`).
pub trait SharedFrontMatter {
    fn get(&self) -> &FrontMatter;
    fn shared(self) -> Arc<FrontMatter>;
}

impl SharedFrontMatter for &Arc<FrontMatter> {
    fn get(&self) -> &FrontMatter {
        self
    }
    fn shared(self) -> Arc<FrontMatter> {
        Arc::clone(self)
    }
}

impl SharedFrontMatter for &FrontMatter {
    fn get(&self) -> &FrontMatter {
        self
    }
    fn shared(self) -> Arc<FrontMatter> {
        Arc::new(self.clone())
    }
}

impl SiteModel {
    /// Builds the model from `(source index, site-relative path, front matter)` of every readable page.
    /// Drafts and files outside `content/` are left out.
    pub fn new<'f, F: SharedFrontMatter>(pages: impl IntoIterator<Item = (usize, &'f str, F)>) -> SiteModel {
        SiteModel::published_at(pages, None)
    }

    /// [`SiteModel::new`] as of `now`: pages scheduled later (`publish_at` ahead of `now`) are left out too,
    /// and listed in [`SiteModel::scheduled`].
    pub fn published_at<'f, F: SharedFrontMatter>(
        pages: impl IntoIterator<Item = (usize, &'f str, F)>,
        now: Option<DateTime<FixedOffset>>,
    ) -> SiteModel {
        let mut model = SiteModel::default();
        let pages = pages.into_iter();
        // Held for the whole build: no room left over from growing.
        model.pages.reserve_exact(pages.size_hint().0);
        for (source_index, relative, front_matter) in pages {
            let Some(content_path) = relative.strip_prefix("content/").filter(|path| path.ends_with(".md")) else {
                continue;
            };
            if front_matter.get().draft {
                continue;
            }
            if let (Some(now), Some(at)) = (now, front_matter.get().publish_at()) {
                if at.instant() > now {
                    model.scheduled.push((relative.to_string(), at));
                    continue;
                }
            }
            let front_matter = front_matter.shared();
            let is_section_index = content_path.rsplit('/').next() == Some("_index.md");
            let directory = content_path.rsplit_once('/').map_or("", |(directory, _)| directory).to_string();
            let url = page_url(content_path, &directory, is_section_index, &front_matter);
            let index = model.pages.len();
            model.by_source.insert(content_path.to_string(), index);
            model.by_url.entry(url.clone()).or_insert(index);
            model.pages.push(SitePage {
                source_path: relative.to_string(),
                source_index,
                date: front_matter.date(),
                front_matter,
                url,
                directory,
                section: None,
                is_section_index,
            });
        }
        model.collect_sections();
        model
    }

    /// `serve`, after one published page's front matter changed: the model rebuilt from the pages' front
    /// matters (no page is read again), when every page keeps its place, URL and section and every section
    /// its index page (so only lists, feeds, the sitemap and the page itself can change). `None` when the
    /// structure changed, the page is a section's index or either side carries 政府信息公开 metadata
    /// (which other pages read): the caller then processes the whole site again.
    pub fn with_front_matter(
        &self,
        source_index: usize,
        front_matter: &Arc<FrontMatter>,
        now: Option<DateTime<FixedOffset>>,
    ) -> Option<SiteModel> {
        let old = self.pages.iter().find(|page| page.source_index == source_index)?;
        if old.is_section_index || old.front_matter.disclosure().is_some() || front_matter.disclosure().is_some() {
            return None;
        }
        let model = SiteModel::published_at(
            self.pages.iter().map(|page| {
                let front_matter = if page.source_index == source_index { front_matter } else { &page.front_matter };
                (page.source_index, page.source_path.as_str(), front_matter)
            }),
            now,
        );
        let same_pages = model.pages.len() == self.pages.len()
            && model.pages.iter().zip(&self.pages).all(|(new, old)| {
                (new.source_index, &new.url, &new.section) == (old.source_index, &old.url, &old.section)
            });
        let same_sections = model.sections.len() == self.sections.len()
            && model.sections.iter().zip(&self.sections).all(|(new, old)| {
                (&new.key, new.index_page, &new.children, new.paginate_by, new.weight)
                    == (&old.key, old.index_page, &old.children, old.paginate_by, old.weight)
            });
        (same_pages && same_sections).then(|| SiteModel { scheduled: self.scheduled.clone(), ..model })
    }

    fn collect_sections(&mut self) {
        let mut sections: Vec<Section> = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, page)| page.is_section_index)
            .map(|(index, page)| Section {
                key: page.directory.clone(),
                index_page: index,
                pages: Vec::new(),
                children: Vec::new(),
                // A disclosure directory lists every document on one page: its filter needs them all.
                paginate_by: if page.front_matter.is_disclosure_section() {
                    usize::MAX
                } else {
                    page.front_matter.paginate_by.filter(|&by| by > 0).unwrap_or(DEFAULT_PAGINATE_BY)
                },
                weight: page.front_matter.weight.unwrap_or(0),
            })
            .collect();
        // Two `_index.md` cannot share a directory, so keys are unique.
        let positions: HashMap<String, usize> =
            sections.iter().enumerate().map(|(position, section)| (section.key.clone(), position)).collect();
        let nearest = |directory: &str| -> Option<usize> {
            let mut key = directory;
            loop {
                if let Some(&position) = positions.get(key) {
                    return Some(position);
                }
                match key.rsplit_once('/') {
                    Some((parent, _)) => key = parent,
                    None if !key.is_empty() => key = "",
                    None => return None,
                }
            }
        };
        for (index, page) in self.pages.iter_mut().enumerate() {
            if page.is_section_index {
                page.section = Some(page.directory.clone());
                // A section lies in the nearest section above its own directory.
                if page.directory.is_empty() {
                    continue;
                }
                let parent = page.directory.rsplit_once('/').map_or("", |(parent, _)| parent);
                if let Some(position) = nearest(parent) {
                    let key = page.directory.clone();
                    sections[position].children.push(key);
                }
                continue;
            }
            if let Some(position) = nearest(&page.directory) {
                sections[position].pages.push(index);
                page.section = Some(sections[position].key.clone());
            }
        }
        for section in &mut sections {
            let pages = &self.pages;
            section.pages.sort_by(|&a, &b| {
                let date = |index: usize| pages[index].date.map(|date| date.instant());
                date(b).cmp(&date(a)).then_with(|| pages[a].url.cmp(&pages[b].url))
            });
            section.children.sort();
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

    /// The pages listed in a section or in any section inside it (what makes a 栏目 not blank).
    pub fn pages_within(&self, key: &str) -> Vec<usize> {
        let mut found = Vec::new();
        let mut pending = vec![key.to_string()];
        while let Some(key) = pending.pop() {
            if let Some(section) = self.section(&key) {
                found.extend(section.pages.iter().copied());
                pending.extend(section.children.iter().cloned());
            }
        }
        found
    }

    /// The page published at a site-absolute URL path (`/news/a/`), if any.
    pub fn page_at(&self, url: &str) -> Option<&SitePage> {
        self.by_url.get(url).map(|&index| &self.pages[index])
    }

    /// The page rendered from a site-relative source path (`content/news/a.md`).
    pub fn page_from(&self, source_path: &str) -> Option<&SitePage> {
        let content_path = source_path.strip_prefix("content/")?;
        self.by_source.get(content_path).map(|&index| &self.pages[index])
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
        let url = &self.pages.get(*self.by_source.get(&normalise(&joined)?)?)?.url;
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
pub(crate) mod tests {
    use super::*;
    use crate::page::PageHead;

    pub(crate) fn model(files: &[(&str, &str)]) -> SiteModel {
        let heads: Vec<_> = files.iter().map(|(_, text)| PageHead::read(text)).collect();
        SiteModel::new(
            files.iter().zip(&heads).enumerate().map(|(index, ((path, _), head))| (index, *path, &head.front_matter)),
        )
    }

    #[test]
    fn urls_sections_and_markdown_links() {
        let model = model(&[
            ("content/_index.md", "+++\ntitle = \"首页\"\n+++\n"),
            ("content/about.md", "+++\ntitle = \"关于\"\n+++\n"),
            ("content/news/_index.md", "+++\ntitle = \"要闻\"\npaginate_by = 2\n+++\n"),
            ("content/news/a.md", "+++\ntitle = \"旧\"\ndate = 2024-01-01\n+++\n"),
            ("content/news/b.md", "+++\ntitle = \"新\"\ndate = 2024-05-01\nslug = \"new\"\n+++\n"),
            ("content/news/draft.md", "+++\ntitle = \"草稿\"\ndraft = true\n+++\n"),
        ]);
        let urls: Vec<_> = model.pages.iter().map(|page| page.url.as_str()).collect();
        assert_eq!(urls, ["/", "/about/", "/news/", "/news/a/", "/news/new/"]);
        let news = model.section("news").unwrap();
        assert_eq!(news.paginate_by, 2);
        let titles: Vec<_> = news.pages.iter().map(|&index| model.pages[index].title()).collect();
        assert_eq!(titles, ["新", "旧"]);
        assert_eq!(model.section("").unwrap().pages.len(), 1);
        assert_eq!(model.section("").unwrap().children, ["news"]);
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "b.md#x").as_deref(), Some("/news/new/#x"));
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "../about.md").as_deref(), Some("/about/"));
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "/content/news/a.md").as_deref(), Some("/news/a/"));
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "missing.md"), None);
        assert_eq!(model.resolve_markdown_link("content/news/a.md", "../../x.md"), None);
        assert_eq!(model.pages[3].output_path(), "news/a/index.html");
        assert_eq!(model.page_at("/news/new/").map(SitePage::title), Some("新"));
    }

    #[test]
    fn a_disclosure_directory_lists_every_document_on_one_page() {
        let mut files = vec![(
            "content/policies/_index.md".to_string(),
            "+++\ntitle = \"政策文件\"\ndisclosure = true\npaginate_by = 2\n+++\n".to_string(),
        )];
        for number in 0..5 {
            files.push((format!("content/policies/{number}.md"), format!("+++\ntitle = \"文件{number}\"\n+++\n")));
        }
        let files: Vec<(&str, &str)> = files.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect();
        let model = model(&files);
        let section = model.section("policies").unwrap();
        assert_eq!(section.pages.len(), 5);
        assert_eq!(section.list_pages(), 1, "no /policies/page/2/: the filter needs every row");
        assert_eq!(section.pages.chunks(section.paginate_by).count(), 1);
    }

    #[test]
    fn a_page_in_a_directory_without_index_belongs_to_the_nearest_section() {
        let model = model(&[
            ("content/policy/_index.md", "+++\ntitle = \"政策文件\"\n+++\n"),
            ("content/policy/2024/a.md", "+++\ntitle = \"文件\"\n+++\n"),
            ("content/policy/local/_index.md", "+++\ntitle = \"地方\"\n+++\n"),
            ("content/policy/local/b.md", "+++\ntitle = \"地方文件\"\n+++\n"),
        ]);
        assert_eq!(model.pages[1].section.as_deref(), Some("policy"));
        assert_eq!(model.section("policy").unwrap().pages, [1]);
        assert_eq!(model.section("policy").unwrap().children, ["policy/local"]);
        let mut within = model.pages_within("policy");
        within.sort();
        assert_eq!(within, [1, 3]);
    }
}
