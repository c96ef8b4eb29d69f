//! Links in Markdown's raw HTML that a browser sends off the site get a leave page.

use crate::common::{sign_off, write};
use crate::support::{build, site_with};

fn built_page(href: &str) -> String {
    let (dir, out) = site_with(|root| {
        write(
            &root.join("content/news/links.md"),
            &format!("+++\ntitle = \"友情链接\"\ndate = 2026-11-20\ndepartment = \"办公室\"\n+++\n\n<p><a href=\"{href}\">友情链接</a></p>\n"),
        );
        sign_off(root);
    });
    let built = build(dir.path(), &out);
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    std::fs::read_to_string(out.join("news/links/index.html")).unwrap()
}

#[test]
fn a_backslash_href_in_raw_html_gets_a_leave_page() {
    let html = built_page("\\\\evil.example/x");
    let hash = govpress::leave_site::leave_hash("https://evil.example/x");
    assert!(html.contains(&format!("/leave/{hash}.html")), "{html}");
}

#[test]
fn a_tab_inside_the_slashes_in_raw_html_gets_a_leave_page() {
    let html = built_page("/&#9;/evil.example/x");
    let hash = govpress::leave_site::leave_hash("https://evil.example/x");
    assert!(html.contains(&format!("/leave/{hash}.html")), "{html}");
}
