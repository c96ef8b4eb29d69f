//! Template data for 政府信息公开 (SPEC §9): a document's disclosure table, meta tags and 已废止 /
//! 已修订 notice (`page.disclosure`, `meta.disclosure`), and a disclosure section's directory with
//! the values its filter offers (`section.disclosure`). The values come from the core's typed view.

use std::collections::BTreeSet;

use govpress::disclosure::Status;
use govpress::site::disclosure::replacement_page;
use govpress::site::{Section, SiteModel, SitePage};
use serde::Serialize;

/// One document's metadata as the page, the meta tags and the directory show it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocumentVars {
    pub index_no: String,
    pub issuer: String,
    pub doc_no: String,
    /// `2024-05-10` (as written when it is not a date).
    pub written_at: String,
    /// `2024`, for the year filter.
    pub year: String,
    pub topic: String,
    /// `valid`, `amended`, `repealed` (as written when unknown).
    pub status: String,
    /// 有效, 已修订, 已废止.
    pub status_label: String,
    /// The page that repealed or amended this one, when the status calls for a notice.
    pub replaced_by: Option<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A document in a directory: its metadata with its title and link.
#[derive(Debug, Serialize)]
pub struct Row {
    pub title: String,
    pub url: String,
    #[serde(flatten)]
    pub disclosure: DocumentVars,
}

/// A disclosure section's list: every document, and the distinct values to filter by.
#[derive(Debug, Serialize)]
pub struct DirectoryVars {
    pub documents: Vec<Row>,
    pub topics: Vec<String>,
    pub issuers: Vec<String>,
    /// Newest first.
    pub years: Vec<String>,
    /// `{ value, label }` in the order valid, amended, repealed; only those present.
    pub statuses: Vec<StatusOption>,
}

#[derive(Debug, Serialize)]
pub struct StatusOption {
    pub value: &'static str,
    pub label: &'static str,
}

/// The metadata of a page with a `[disclosure]` table; `href` adds the base path to a URL path.
pub fn document(model: &SiteModel, page: &SitePage, href: &dyn Fn(&str) -> String) -> Option<DocumentVars> {
    let disclosure = page.front_matter.disclosure()?;
    let text = |key: &str| disclosure.value(key).unwrap_or_default().to_string();
    let written = disclosure.written_at();
    let status = disclosure.status();
    let replaced_by = disclosure
        .replacement()
        .and_then(|(_, path)| replacement_page(model, path))
        .map(|target| Link { title: target.title().to_string(), url: href(&target.url) });
    Some(DocumentVars {
        index_no: text("index_no"),
        issuer: text("issuer"),
        doc_no: text("doc_no"),
        written_at: written.map_or_else(|| text("written_at"), |date| date.china_date().format("%Y-%m-%d").to_string()),
        year: written.map(|date| date.china_date().format("%Y").to_string()).unwrap_or_default(),
        topic: text("topic"),
        status: status.map_or_else(|| text("status"), |status| status.key().to_string()),
        status_label: status.map_or_else(|| text("status"), |status| status.label().to_string()),
        replaced_by,
    })
}

/// The directory of a section whose `_index.md` says `disclosure = true`.
pub fn directory(model: &SiteModel, section: &Section, href: &dyn Fn(&str) -> String) -> Option<DirectoryVars> {
    if !model.pages[section.index_page].front_matter.is_disclosure_section() {
        return None;
    }
    let documents: Vec<Row> = section
        .pages
        .iter()
        .map(|&index| {
            let page = &model.pages[index];
            Row {
                title: page.title().to_string(),
                url: href(&page.url),
                disclosure: document(model, page, href).unwrap_or_default(),
            }
        })
        .collect();
    let distinct = |value: fn(&DocumentVars) -> &String| -> BTreeSet<String> {
        documents.iter().map(|row| value(&row.disclosure)).filter(|value| !value.is_empty()).cloned().collect()
    };
    let present = distinct(|document| &document.status);
    Some(DirectoryVars {
        topics: distinct(|document| &document.topic).into_iter().collect(),
        issuers: distinct(|document| &document.issuer).into_iter().collect(),
        years: distinct(|document| &document.year).into_iter().rev().collect(),
        statuses: Status::ALL
            .into_iter()
            .filter(|status| present.contains(status.key()))
            .map(|status| StatusOption { value: status.key(), label: status.label() })
            .collect(),
        documents,
    })
}
