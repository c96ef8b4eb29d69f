//! The build's one HTML pass judges every file by its kind: static HTML by the page rules,
//! template output by the third-party-code rule, SVG for script.

use govpress::audit::{judge_svg, DocumentKind};

use crate::support::{pass, rules};

#[test]
fn static_html_with_a_resident_id_number_is_refused() {
    let html = "<html><body><table><tr><td>张三</td><td>11010519491231002X</td></tr></table></body></html>";
    let processed = pass("/list.html", html, DocumentKind::Static);
    assert_eq!(rules(&processed), ["personal-data.resident-id"]);
    let diagnostic = &processed.audit.diagnostics[0];
    assert!(!diagnostic.message.zh.contains("11010519491231002X"), "the number is masked");
    let offset = html.find("110105").unwrap();
    assert_eq!(diagnostic.start.column, 1 + html[..offset].chars().count());
}

#[test]
fn static_html_table_cells_do_not_join_into_a_number() {
    let html = "<table><tr><td>1101051949</td><td>1231002X</td></tr></table>";
    assert!(rules(&pass("/t.html", html, DocumentKind::Static)).is_empty());
}

#[test]
fn static_html_with_a_classification_mark_is_refused() {
    let html = "<html><head><title>通知</title></head><body><p>机密&#9733;1年</p><script>var s = '机密★';</script></body></html>";
    assert_eq!(rules(&pass("/notice.html", html, DocumentKind::Static)), ["secrets.classification"]);
}

#[test]
fn static_html_with_a_javascript_link_is_refused() {
    let html = "<a href=\" JavaScript:alert(document.cookie)\">点击</a>";
    assert_eq!(rules(&pass("/a.html", html, DocumentKind::Static)), ["links.javascript"]);
}

#[test]
fn static_html_with_a_third_party_script_is_reported() {
    let html = "<script src=\"https://cdn.evil.example/a.js\"></script><script src=\"https://cdn.example.gov.cn/b.js\" integrity=\"sha384-x\"></script><script src=\"/own.js\"></script>";
    assert_eq!(rules(&pass("/a.html", html, DocumentKind::Static)), ["subresources.integrity", "subresources.host"]);
}

#[test]
fn a_template_loading_a_third_party_script_without_integrity_is_reported() {
    let html = "<html><head><script src=\"//stats.example.com/t.js\"></script><link rel=\"stylesheet\" href=\"https://cdn.example.gov.cn/a.css\"></head><body></body></html>";
    let processed = pass("/news/a/", html, DocumentKind::Fragment);
    assert_eq!(rules(&processed), ["subresources.integrity", "subresources.host", "subresources.integrity"]);
}

#[test]
fn an_svg_carrying_script_is_refused() {
    let svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" height=\"1\" onmouseover=\"alert(1)\"/></svg>";
    let found = judge_svg("static/logo.svg", svg);
    assert_eq!(found.iter().map(|diagnostic| diagnostic.rule).collect::<Vec<_>>(), ["build.svg-script"]);
    assert!(
        judge_svg("static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\"/></svg>").is_empty()
    );
}
