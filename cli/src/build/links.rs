//! Broken internal links and `#anchors` across the built site: every HTML file the build wrote,
//! judged by the core (`govpress::site::links`), each link reported where it was written — the
//! Markdown source's file:line when it came from a page, else the output file.

use std::collections::{HashMap, HashSet};

use govpress::site::links::{self as core_links, percent_decode, FoundLink, LinkingFile, PublishedFiles};
use govpress::Diagnostic;

use super::pages::Written;
use super::writer::Staging;

/// The output as written: files in the staging directory, ids of the HTML files among them.
struct Output<'a> {
    staging: &'a Staging,
    ids: HashMap<&'a str, HashSet<&'a str>>,
}

impl PublishedFiles for Output<'_> {
    fn exists(&self, path: &str) -> bool {
        self.staging.contains(path)
    }

    // Only HTML files the build wrote have known ids; anchors into other files are not checked.
    fn has_id(&self, path: &str, id: &str) -> Option<bool> {
        self.ids.get(path).map(|ids| ids.contains(id))
    }
}

/// Finds internal links of every written HTML file that lead to no file, or to a missing id.
pub fn broken_links(
    written: &[Written],
    staging: &Staging,
    base_url: &url::Url,
    base_path: &str,
    out_label: &str,
) -> Vec<Diagnostic> {
    let ids =
        written.iter().map(|file| (file.path.as_str(), file.audit.ids.iter().map(String::as_str).collect())).collect();
    let files: Vec<LinkingFile> = written
        .iter()
        .map(|file| LinkingFile {
            url: file.url.clone(),
            links: file
                .audit
                .internal_links
                .iter()
                .map(|link| locate(file, &link.href, link.position, out_label))
                .collect(),
        })
        .collect();
    core_links::broken_links(&files, &Output { staging, ids }, base_url, base_path)
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
