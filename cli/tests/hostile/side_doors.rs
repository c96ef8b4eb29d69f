//! What `static/` and `templates/` put in the output goes through the rules for its kind.

use crate::common::{sign_off, write};
use crate::support::{build, rules, site_with};

#[test]
fn static_html_with_an_id_number_is_not_published() {
    let (dir, out) = site_with(|root| {
        write(&root.join("static/list.html"), "<html><body><p>张三 身份证 11010519491231002X</p></body></html>");
    });
    let built = build(dir.path(), &out);
    assert_ne!(built.code, 0, "{}", built.stdout);
    assert!(rules(&built).contains(&"personal-data.resident-id".to_string()), "{}", built.stdout);
    assert!(!out.join("list.html").exists());
}

#[test]
fn static_html_with_a_classification_mark_is_not_published() {
    let (dir, out) = site_with(|root| {
        write(&root.join("static/notice.html"), "<html><body><h1>机密★ 内部通知</h1></body></html>");
    });
    let built = build(dir.path(), &out);
    assert_ne!(built.code, 0, "{}", built.stdout);
    assert!(rules(&built).contains(&"secrets.classification".to_string()), "{}", built.stdout);
}

#[test]
fn static_html_with_a_javascript_link_is_not_published() {
    let (dir, out) = site_with(|root| {
        write(&root.join("static/a.html"), "<html><body><a href=\"javascript:alert(1)\">x</a></body></html>");
    });
    let built = build(dir.path(), &out);
    assert_ne!(built.code, 0, "{}", built.stdout);
    assert_eq!(rules(&built), ["links.javascript"]);
}

#[test]
fn static_html_loading_a_third_party_script_is_reported() {
    let (dir, out) = site_with(|root| {
        write(
            &root.join("static/a.html"),
            "<html><head><script src=\"https://stats.example.com/t.js\"></script></head></html>",
        );
    });
    let built = build(dir.path(), &out);
    assert_eq!(rules(&built), ["subresources.host", "subresources.integrity"], "{}", built.stdout);
}

#[test]
fn a_template_override_loading_a_third_party_script_is_reported() {
    let (dir, out) = site_with(|root| {
        let base = include_str!("../../../site-template/templates/base.html")
            .replace("</head>", "<script src=\"https://stats.example.com/t.js\"></script></head>");
        write(&root.join("templates/base.html"), &base);
        sign_off(root);
    });
    let built = build(dir.path(), &out);
    let found = rules(&built);
    assert!(found.contains(&"subresources.integrity".to_string()), "{}{}", built.stdout, built.stderr);
    assert!(found.contains(&"subresources.host".to_string()), "{}", built.stdout);
}

#[test]
fn a_static_svg_carrying_script_is_not_published() {
    let (dir, out) = site_with(|root| {
        write(&root.join("static/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(document.domain)\"><rect width=\"1\" height=\"1\"/></svg>");
    });
    let built = build(dir.path(), &out);
    assert_ne!(built.code, 0, "{}", built.stdout);
    assert_eq!(rules(&built), ["build.svg-script"]);
    assert!(!out.join("logo.svg").exists());
}
