//! A URL is judged as the browser resolves it: character references decoded, tabs and newlines
//! dropped, `\` read as `/`, `http:host` as `http://host`, relative to the file's own URL.

use govpress::audit::DocumentKind;

use crate::support::{check_rules, destinations, pass, rules};

/// What a template or static file would publish: the link as written, with nothing else.
fn link(href: &str) -> String {
    format!("<p><a href=\"{href}\">链接</a></p>")
}

#[test]
fn a_backslash_href_goes_through_a_leave_page() {
    for href in ["\\\\evil.example/x", "/\\evil.example/x", "\\/evil.example/x"] {
        let processed = pass("/news/a/", &link(href), DocumentKind::Fragment);
        assert_eq!(destinations(&processed), ["https://evil.example/x"], "{href}");
        assert!(processed.html.contains("<a href=\"/leave/"), "{href}: {}", processed.html);
    }
}

#[test]
fn a_tab_or_newline_inside_the_slashes_goes_through_a_leave_page() {
    for href in ["/\t/evil.example/x", "/&Tab;/evil.example/x", "/\n/evil.example/x", " \u{1}//evil.example/x"] {
        let processed = pass("/news/a/", &link(href), DocumentKind::Fragment);
        assert_eq!(destinations(&processed), ["https://evil.example/x"], "{href:?}");
    }
}

#[test]
fn a_tab_inside_the_scheme_is_still_a_script_link() {
    for href in ["java\tscript:alert(1)", "java&#x09;script:alert(1)", "javascript&colon;alert(1)"] {
        let processed = pass("/a.html", &link(href), DocumentKind::Static);
        assert_eq!(rules(&processed), ["links.javascript"], "{href}");
    }
    // And `check` reads Markdown's raw HTML the same way.
    assert_eq!(check_rules("<a href=\"javascript&colon;alert(1)\">x</a>"), ["links.javascript"]);
}

#[test]
fn http_without_slashes_is_an_insecure_load() {
    for src in ["http:img.example.gov.cn/a.png", "http:\\\\img.example.gov.cn/a.png", "http:/img.example.gov.cn/a.png"]
    {
        let processed = pass("/news/a/", &format!("<img src=\"{src}\" alt=\"图\">"), DocumentKind::Fragment);
        assert_eq!(rules(&processed), ["build.insecure-resource"], "{src}");
        assert_eq!(check_rules(&format!("<img src=\"{src}\" alt=\"图\">")), ["insecure.http-resource"], "{src}");
    }
}

#[test]
fn an_entity_inside_the_scheme_is_an_insecure_load() {
    for src in ["http&colon;//img.example.gov.cn/a.png", "ht&#116;p://img.example.gov.cn/a.png"] {
        assert_eq!(check_rules(&format!("<img src=\"{src}\" alt=\"图\">")), ["insecure.http-resource"], "{src}");
        let processed = pass("/news/a/", &format!("<img src=\"{src}\" alt=\"图\">"), DocumentKind::Fragment);
        assert_eq!(rules(&processed), ["build.insecure-resource"], "{src}");
    }
}

#[test]
fn http_without_slashes_is_a_link_off_the_site() {
    let processed = pass("/news/a/", &link("http:evil.example/x"), DocumentKind::Fragment);
    assert_eq!(destinations(&processed), ["http://evil.example/x"]);
}

#[test]
fn a_base_element_moves_relative_links_off_the_site() {
    let html = "<html><head><base href=\"https://evil.example/\"></head><body><a href=\"x\">x</a></body></html>";
    let processed = pass("/a.html", html, DocumentKind::Static);
    assert_eq!(destinations(&processed), ["https://evil.example/x"]);
}
