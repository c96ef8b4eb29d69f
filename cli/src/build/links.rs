//! Broken internal links and `#anchors` across the built site: every HTML file the build wrote,
//! judged by the core (`govpress::site::links`), each link reported where it was written — the
//! Markdown source's file:line when it came from a page, else the output file.

use std::collections::HashMap;

use govpress::site::links::{self as core_links, percent_decode, FoundLink, LinkingFile, PublishedFiles};
use govpress::Diagnostic;

use super::pages::Written;
use super::writer::Staging;

/// The output as written: files in the staging directory, ids of the HTML files among them.
struct Output<'a> {
    staging: &'a Staging,
    written: &'a [Written],
    places: &'a HashMap<String, usize>,
}

impl PublishedFiles for Output<'_> {
    fn exists(&self, path: &str) -> bool {
        self.staging.contains(path)
    }

    // Only HTML files the build wrote have known ids; anchors into other files are not checked.
    fn has_id(&self, path: &str, id: &str) -> Option<bool> {
        let file = &self.written[*self.places.get(path)?];
        Some(file.audit.ids.iter().any(|known| known == id))
    }
}

/// Where each written file is in `written`, by output path.
pub fn places(written: &[Written]) -> HashMap<String, usize> {
    written.iter().enumerate().map(|(index, file)| (file.path.clone(), index)).collect()
}

/// The site's origin and base path, as links are judged against them.
pub struct Site<'a> {
    pub base_url: &'a url::Url,
    pub base_path: &'a str,
    pub out_label: &'a str,
}

/// Internal links of the written files `check` (indices into `written`) that lead to no file, or to a
/// missing id; one list per file checked, in order.
pub fn broken_links(
    written: &[Written],
    places: &HashMap<String, usize>,
    check: impl Iterator<Item = usize>,
    staging: &Staging,
    site: &Site<'_>,
) -> Vec<Vec<Diagnostic>> {
    let output = Output { staging, written, places };
    check
        .map(|index| {
            let file = &written[index];
            let linking = LinkingFile {
                url: file.url.clone(),
                links: file
                    .audit
                    .internal_links
                    .iter()
                    .map(|link| locate(file, &link.href, link.position, site.out_label))
                    .collect(),
            };
            core_links::broken_links(std::slice::from_ref(&linking), &output, site.base_url, site.base_path)
        })
        .collect()
}

/// Where to report a link of an output file: at the Markdown line it was written on, if it came from one.
fn locate(file: &Written, href: &str, position: govpress::Position, out_label: &str) -> FoundLink {
    let in_source = file.source.as_ref().and_then(|source| {
        source
            .links
            .iter()
            .find(|(written, _)| written == href || percent_decode(written) == percent_decode(href))
            .map(|(_, at)| (source.path.clone(), *at))
    });
    let (file, position) = in_source.unwrap_or_else(|| (format!("{out_label}/{}", file.path), position));
    FoundLink { href: href.to_string(), file, position }
}
