//! Broken internal links and `#anchors` across the built site, reported where the link was written:
//! the Markdown source's file:line when the link came from a page, else the output file.

use std::collections::{HashMap, HashSet};

use govpress::Diagnostic;

use super::pages::Written;

/// Finds internal links of every written HTML file that lead to no file, or to a missing id.
pub fn broken_links(
    written: &[Written],
    files: &dyn Fn(&str) -> bool,
    base_url: &url::Url,
    base_path: &str,
    out_label: &str,
) -> Vec<Diagnostic> {
    let ids: HashMap<&str, HashSet<&str>> =
        written.iter().map(|file| (file.path.as_str(), file.audit.ids.iter().map(String::as_str).collect())).collect();
    let mut out = Vec::new();
    for file in written {
        let Ok(page_url) = base_url.join(&format!("{}{}", base_path.trim_end_matches('/'), file.url)) else { continue };
        for link in &file.audit.internal_links {
            let Ok(target) = page_url.join(&link.href) else { continue };
            let Some(relative) = target.path().strip_prefix(base_path) else { continue };
            let relative = percent_decode(relative);
            let Some(found) = candidates(&relative).into_iter().find(|candidate| files(candidate)) else {
                out.push(locate(file, &link.href, link.position, false, out_label));
                continue;
            };
            let Some(fragment) =
                target.fragment().map(percent_decode).filter(|fragment| !fragment.is_empty() && fragment != "top")
            else {
                continue;
            };
            // Only HTML files the build wrote have known ids; anchors into other files are not checked.
            if let Some(known) = ids.get(found.as_str()) {
                if !known.contains(fragment.as_str()) {
                    out.push(locate(file, &link.href, link.position, true, out_label));
                }
            }
        }
    }
    out
}

/// Output files a site path may be served from: `a/` → `a/index.html`; `a` → `a`, `a/index.html`.
fn candidates(relative: &str) -> Vec<String> {
    if relative.is_empty() || relative.ends_with('/') {
        vec![format!("{relative}index.html")]
    } else {
        vec![relative.to_string(), format!("{relative}/index.html")]
    }
}

fn locate(file: &Written, href: &str, position: govpress::Position, anchor: bool, out_label: &str) -> Diagnostic {
    let diagnostic = govpress::audit::broken_link(href, anchor);
    match file.source.as_ref().and_then(|source| {
        source
            .links
            .iter()
            .find(|(written, _)| written == href || percent_decode(written) == percent_decode(href))
            .map(|(_, at)| (source.path.as_str(), *at))
    }) {
        Some((source, at)) => diagnostic.at(at, at).in_file(source),
        None => diagnostic.at(position, position).in_file(format!("{out_label}/{}", file.path)),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes.get(index + 1..index + 3).and_then(|pair| std::str::from_utf8(pair).ok());
        match (bytes[index], hex.and_then(|pair| u8::from_str_radix(pair, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
