//! Static `.svg` files run script when opened directly (`/static/logo.svg` is a document of the
//! site's origin): `<script>`, `on*` handlers, `javascript:` in `href` or in an animation's `to`.
//! An image is not code: any of these is refused (第二十七条: code on the site is vetted code).
//!
//! lol_html reads the file as HTML, which is enough here: every script-bearing construct is a
//! start tag or an attribute whose name and value it reports, prefixes (`svg:script`,
//! `xlink:href`) included. What it cannot see, an XML entity declared in a DTD, is refused outright.

use std::cell::RefCell;

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::RuleInfo;
use crate::url_judge::decode_attribute;

pub const SVG_SCRIPT: RuleInfo = RuleInfo {
    id: "build.svg-script",
    article: 27,
    severity: Severity::Error,
    summary_zh: "静态 SVG 图片不得携带脚本（<script>、on* 事件属性、javascript: 地址）",
    summary_en: "Static SVG images carry no script (<script>, on* handlers, javascript: addresses)",
};

/// What makes one SVG file unsafe, with the byte offset of the tag that carries it.
fn findings(svg: &str) -> Vec<(usize, String)> {
    let found = RefCell::new(Vec::new());
    if let Some(offset) = svg.find("<!ENTITY") {
        found.borrow_mut().push((offset, "<!ENTITY>".to_string()));
    }
    let settings =
        lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!("*", |element| {
            let offset = element.source_location().bytes().start;
            let tag = element.tag_name();
            if local_name(&tag) == "script" {
                found.borrow_mut().push((offset, format!("<{tag}>")));
            }
            for attribute in element.attributes() {
                let name = attribute.name();
                if local_name(&name).starts_with("on") {
                    found.borrow_mut().push((offset, format!("{name}=")));
                } else if runs_script(&attribute.value()) {
                    found.borrow_mut().push((offset, format!("{name}=\"{}\"", attribute.value())));
                }
            }
            Ok(())
        }));
    if let Err(error) = lol_html::rewrite_str(svg, settings) {
        found.borrow_mut().push((0, error.to_string()));
    }
    found.into_inner()
}

/// Judges one static SVG file; `file` names it in diagnostics.
pub fn judge_svg(file: &str, svg: &str) -> Vec<Diagnostic> {
    let findings = findings(svg);
    let offsets: Vec<usize> = findings.iter().map(|(offset, _)| *offset).collect();
    let positions = super::positions::positions(svg, &offsets);
    findings
        .into_iter()
        .zip(positions)
        .map(|((_, what), position)| {
            SVG_SCRIPT
                .diagnostic(
                    Text::new(
                        format!("SVG 图片携带脚本 {what}，打开即会在本站执行（第二十七条）"),
                        format!("The SVG image carries script {what}, which runs on the site when opened (article 27)"),
                    ),
                    Text::new(
                        "删除脚本、事件属性和 javascript: 地址后再发布，或改用 PNG 等位图",
                        "Remove the script, event attributes and javascript: addresses, or use a bitmap such as PNG",
                    ),
                )
                .at(position, position)
                .in_file(file)
        })
        .collect()
}

/// `svg:script` → `script`.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// A value that starts a `javascript:`/`vbscript:` URL as the browser reads it (references
/// decoded, whitespace and controls dropped, any case).
fn runs_script(value: &str) -> bool {
    if !value.contains(':') && !value.contains('&') {
        return false;
    }
    let head: String = decode_attribute(value)
        .chars()
        .filter(|character| *character > ' ')
        .take("javascript:".len())
        .flat_map(char::to_lowercase)
        .collect();
    head.starts_with("javascript:") || head.starts_with("vbscript:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(svg: &str) -> Vec<String> {
        judge_svg("static/a.svg", svg).into_iter().map(|diagnostic| diagnostic.message.en).collect()
    }

    #[test]
    fn script_in_any_form_is_found() {
        let clean = r##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="/news/"><circle r="4" onclick2="x" style="fill:red"/></a><use href="#c"/></svg>"##;
        assert_eq!(judged(clean).len(), 1, "onclick2 is still an on* handler");
        let clean = clean.replace("onclick2=\"x\" ", "");
        assert!(judged(&clean).is_empty(), "{:?}", judged(&clean));
        for hostile in [
            "<svg><script>alert(1)</script></svg>",
            "<svg xmlns:svg=\"http://www.w3.org/2000/svg\"><svg:script>alert(1)</svg:script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><a xlink:href=\"java&#x09;script:alert(1)\"><text>x</text></a></svg>",
            "<svg><a href=\" JAVASCRIPT:alert(1)\">x</a></svg>",
            "<svg><a><set attributeName=\"href\" to=\"javascript:alert(1)\"/></a></svg>",
            "<!DOCTYPE svg [<!ENTITY js \"javascript:alert(1)\">]><svg><a href=\"&js;\">x</a></svg>",
        ] {
            assert_eq!(judged(hostile).len(), 1, "{hostile}: {:?}", judged(hostile));
        }
    }
}
