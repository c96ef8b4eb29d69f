//! Every web link of a site, where it was written: the Markdown sources (through the core's one
//! parse) and, with `--built`, the built HTML (theme and footer links the sources never name).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use govpress::page::Page;
use govpress::rules::links::{parse_target, LinkTarget};
use govpress::source::LineIndex;
use govpress::Position;
use regex::RegexSet;
use url::Url;

use crate::site::{self, Site};

/// One place a link is written.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub file: String,
    pub start: Position,
    pub end: Position,
    /// As written in the source.
    pub written: String,
    /// Parsed, fragment included.
    pub url: Url,
}

/// The links of a site: occurrences, and the distinct URLs (without fragment) to check once each.
#[derive(Debug, Default)]
pub struct Links {
    pub occurrences: Vec<Occurrence>,
    pub files_scanned: usize,
    pub excluded: usize,
    /// Where each report file is on disk.
    pub paths: BTreeMap<String, PathBuf>,
}

impl Links {
    /// Distinct URLs without fragment, each with the fragments its occurrences ask for.
    pub fn targets(&self, check_fragments: bool) -> BTreeMap<String, (Url, BTreeSet<String>)> {
        let mut targets: BTreeMap<String, (Url, BTreeSet<String>)> = BTreeMap::new();
        for occurrence in &self.occurrences {
            let url = link_checker::engine::without_fragment(&occurrence.url);
            let entry = targets.entry(url.to_string()).or_insert_with(|| (url, BTreeSet::new()));
            if let Some(fragment) = checkable_fragment(&occurrence.url, check_fragments) {
                entry.1.insert(fragment);
            }
        }
        targets
    }
}

/// The fragment to look for on the target page, if it is an anchor (not a route or a text fragment).
pub fn checkable_fragment(url: &Url, check_fragments: bool) -> Option<String> {
    let fragment = url.fragment().filter(|_| check_fragments)?;
    let decoded = govpress::site::links::percent_decode(fragment).into_owned();
    let skip = decoded.is_empty() || decoded == "top" || decoded.starts_with([':', '/', '!']);
    (!skip).then_some(decoded)
}

pub fn collect(site: &Site, built: Option<&Path>, exclude: &RegexSet) -> anyhow::Result<Links> {
    let mut links = Links::default();
    for file in site.content_files()? {
        links.files_scanned += 1;
        links.paths.insert(file.relative.clone(), file.absolute.clone());
        let Ok(text) = &file.text else { continue };
        let (page, _) = Page::parse(&file.relative, text);
        for link in &page.links {
            if let LinkTarget::Web(url) = parse_target(&link.url) {
                links.push(
                    Occurrence {
                        file: file.relative.clone(),
                        start: page.position(link.range.start),
                        end: page.position(link.range.end),
                        written: link.url.clone(),
                        url,
                    },
                    exclude,
                );
            }
        }
    }
    if let Some(built) = built {
        collect_built(site, built, exclude, &mut links)?;
    }
    Ok(links)
}

impl Links {
    fn push(&mut self, occurrence: Occurrence, exclude: &RegexSet) {
        if exclude.is_match(&occurrence.written) || exclude.is_match(occurrence.url.as_str()) {
            self.excluded += 1;
        } else {
            self.occurrences.push(occurrence);
        }
    }
}

/// Links in built HTML whose URL the Markdown does not already name: a broken link is reported
/// where it is fixed, and the leave-site pages the build generates repeat every external link.
fn collect_built(site: &Site, built: &Path, exclude: &RegexSet, links: &mut Links) -> anyhow::Result<()> {
    if !built.is_dir() {
        return Err(crate::user_error::bilingual(
            format!("{}：构建输出目录不存在", built.display()),
            format!("{}: no such output directory", built.display()),
        ));
    }
    let in_sources: BTreeSet<String> = links
        .occurrences
        .iter()
        .map(|occurrence| link_checker::engine::without_fragment(&occurrence.url).to_string())
        .collect();
    let root = site.root.canonicalize().unwrap_or_else(|_| site.root.clone());
    for entry in walkdir::WalkDir::new(built).follow_links(false).sort_by_file_name() {
        let entry = entry.with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", built.display()))?;
        let is_html =
            entry.path().extension().and_then(|extension| extension.to_str()).is_some_and(|extension| {
                extension.eq_ignore_ascii_case("html") || extension.eq_ignore_ascii_case("htm")
            });
        if !is_html || !entry.file_type().is_file() {
            continue;
        }
        links.files_scanned += 1;
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("无法读取 {0} / cannot read {0}", entry.path().display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let absolute = entry.path().canonicalize().unwrap_or_else(|_| entry.path().to_path_buf());
        let file = if absolute.starts_with(&root) {
            site::relative_path(&root, &absolute)
        } else {
            entry.path().to_string_lossy().replace('\\', "/")
        };
        links.paths.insert(file.clone(), entry.path().to_path_buf());
        let lines = LineIndex::new(&text);
        for (written, offset) in html_link_values(&text) {
            let LinkTarget::Web(url) = parse_target(written) else { continue };
            if in_sources.contains(link_checker::engine::without_fragment(&url).as_str()) {
                continue;
            }
            let start = lines.position(&text, offset);
            let end = lines.position(&text, offset + written.len());
            links.push(Occurrence { file: file.clone(), start, end, written: written.to_string(), url }, exclude);
        }
    }
    Ok(())
}

/// URL-bearing attribute values of an HTML document, with their byte offsets.
fn html_link_values(html: &str) -> Vec<(&str, usize)> {
    let mut values = Vec::new();
    for tag in govpress::html_scan::start_tags(html) {
        let attribute = match tag.name.as_str() {
            "a" | "area" => "href",
            "link" => {
                let rel = tag.attribute("rel").map(|rel| rel.value.to_ascii_lowercase()).unwrap_or_default();
                if !rel.split_whitespace().any(|word| matches!(word, "stylesheet" | "icon")) {
                    continue;
                }
                "href"
            }
            "img" | "script" | "iframe" | "frame" | "video" | "audio" | "source" | "track" | "embed" => "src",
            "object" => "data",
            _ => continue,
        };
        if let Some(found) = tag.attributes.iter().find(|found| found.name == attribute) {
            values.push((found.value, found.value_start));
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_worth_checking() {
        let url = |text: &str| Url::parse(text).unwrap();
        assert_eq!(checkable_fragment(&url("https://a.example/p#intro"), true).as_deref(), Some("intro"));
        assert_eq!(checkable_fragment(&url("https://a.example/p#intro"), false), None);
        assert_eq!(checkable_fragment(&url("https://a.example/p#%E7%AC%AC"), true).as_deref(), Some("第"));
        assert_eq!(checkable_fragment(&url("https://a.example/app#/route"), true), None);
        assert_eq!(checkable_fragment(&url("https://a.example/p#:~:text=x"), true), None);
        assert_eq!(checkable_fragment(&url("https://a.example/p#"), true), None);
    }

    #[test]
    fn html_values_come_with_offsets() {
        let html = "<a href=\"https://x.example/a\">x</a>\n<link rel=\"preconnect\" href=\"https://cdn.example\"><img src='https://y.example/i.png'>";
        let values = html_link_values(html);
        assert_eq!(values.len(), 2);
        assert_eq!(&html[values[1].1..values[1].1 + values[1].0.len()], "https://y.example/i.png");
    }
}
