//! What a file loads, in the pass: anything fetched without TLS (第二十九条), and third-party code
//! (scripts, style sheets) without Subresource Integrity or from a host not in
//! `links.script_hosts` (第二十七条, the same rules `check` applies to raw HTML in Markdown).

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::Element;

use crate::rules::subresources;
use crate::url_judge::{is_insecure, judge, Resolved};

use super::{insecure, Auditor, Handler, State};

/// `<link rel>` words that make the browser fetch the `href`.
const LOADING_RELS: [&str; 7] =
    ["stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "apple-touch-icon"];

/// `<link rel>` words that load code.
const CODE_RELS: [&str; 3] = ["stylesheet", "modulepreload", "preload"];

pub(super) fn handlers<'h>(auditor: &'h Auditor<'h>, state: &Rc<RefCell<State>>) -> Vec<Handler<'h>> {
    let state = Rc::clone(state);
    vec![lol_html::element!("[src], [srcset], [poster], object[data], link[href]", move |element| {
        let mut state = state.borrow_mut();
        let offset = element.source_location().bytes().start;
        for raw in loaded_urls(element) {
            if let Resolved::Web(url) = judge(&raw, &state.base) {
                if is_insecure(&url) {
                    state.diagnostics.push((offset, insecure(url.as_str())));
                    break;
                }
            }
        }
        if let Some(raw) = code_url(element) {
            if let Resolved::Web(url) = judge(&raw, &state.base) {
                let host = url.host_str().map(str::to_ascii_lowercase).unwrap_or_default();
                if state.own_host.as_deref() != Some(host.as_str()) {
                    let integrity = element.get_attribute("integrity").unwrap_or_default();
                    if integrity.trim().is_empty() {
                        state.diagnostics.push((offset, subresources::integrity_missing(url.as_str())));
                    }
                    if !auditor.script_hosts.contains(&host) {
                        state.diagnostics.push((offset, subresources::host_not_allowed(&host, url.as_str())));
                    }
                }
            }
        }
        Ok(())
    })]
}

fn rel_words(element: &Element<'_, '_>) -> Vec<String> {
    let rel = element.get_attribute("rel").unwrap_or_default().to_ascii_lowercase();
    rel.split_ascii_whitespace().map(str::to_string).collect()
}

/// The URLs an element makes the browser fetch (links to other pages are not loads).
fn loaded_urls(element: &Element<'_, '_>) -> Vec<String> {
    match element.tag_name().as_str() {
        "a" | "area" | "base" | "form" => Vec::new(),
        "link" => {
            let loads = rel_words(element).iter().any(|word| LOADING_RELS.contains(&word.as_str()));
            if loads {
                element.get_attribute("href").into_iter().collect()
            } else {
                Vec::new()
            }
        }
        _ => {
            let mut urls: Vec<String> =
                ["src", "poster", "data"].iter().filter_map(|name| element.get_attribute(name)).collect();
            if let Some(srcset) = element.get_attribute("srcset") {
                urls.extend(
                    srcset.split(',').filter_map(|candidate| candidate.split_whitespace().next().map(str::to_string)),
                );
            }
            urls
        }
    }
}

/// The URL of code the element loads: a script, a style sheet, a preloaded module or script.
fn code_url(element: &Element<'_, '_>) -> Option<String> {
    match element.tag_name().as_str() {
        "script" => element.get_attribute("src"),
        "link" => {
            let words = rel_words(element);
            let preload_code = !words.iter().any(|word| word == "preload")
                || element.get_attribute("as").is_some_and(|kind| matches!(kind.as_str(), "script" | "style"));
            let code = words.iter().any(|word| CODE_RELS.contains(&word.as_str())) && preload_code;
            element.get_attribute("href").filter(|_| code)
        }
        _ => None,
    }
}
