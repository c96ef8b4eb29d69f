//! Broken internal links and `#anchors` across the built site: every HTML file the build wrote,
//! judged by the core (`govpress::site::links`), each link reported where it was written — the
//! Markdown source's file:line when it came from a page, else the output file.

use std::collections::HashMap;
use std::sync::Arc;

use govpress::site::links::{FoundLink, LinkJudge, LinkingFile, PublishedFiles};
use govpress::Diagnostic;
use rayon::prelude::*;

use super::names::Names;
use super::pages::{position, Written};
use super::writer::Staging;

/// The output as written: files in the staging directory, ids of the HTML files among them.
struct Output<'a> {
    staging: &'a Staging,
    written: &'a [Written],
    places: &'a HashMap<String, usize>,
    names: &'a Names,
}

impl PublishedFiles for Output<'_> {
    fn exists(&self, path: &str) -> bool {
        self.staging.contains(path)
    }

    // Only HTML files the build wrote have known ids; anchors into other files are not checked.
    fn has_id(&self, path: &str, id: &str) -> Option<bool> {
        let file = &self.written[*self.places.get(path)?];
        Some(self.names.find(id).is_some_and(|id| file.ids.contains(&id)))
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
    pub names: &'a Names,
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
    let output = Output { staging, written, places, names: site.names };
    let strings = site.names.snapshot();
    let check: Vec<usize> = check.collect();
    // In parallel, one judge per thread: a judge remembers the verdicts of links every page repeats.
    check
        .par_iter()
        .map_init(
            || LinkJudge::new(&output, site.base_url, site.base_path),
            |judge, &index| {
                let file = &written[index];
                let linking = LinkingFile {
                    url: file.url.clone(),
                    links: file.links.iter().map(|link| locate(file, link, &strings, site.out_label)).collect(),
                };
                judge.broken_links(std::slice::from_ref(&linking))
            },
        )
        .collect()
}

/// Where to report a link of an output file: at the Markdown line it was written on, if it came from one.
fn locate(file: &Written, link: &super::pages::Link, strings: &[Arc<str>], out_label: &str) -> FoundLink {
    let name = |number: u32| strings.get(number as usize).map_or("", |text| &**text);
    let href = name(link.href).to_string();
    match (file.source, link.in_source) {
        (Some(source), Some(at)) => FoundLink { href, file: name(source).to_string(), position: position(at) },
        _ => FoundLink { href, file: format!("{out_label}/{}", file.path), position: position(link.at) },
    }
}
