//! Inputs that once took time quadratic in their size (issue 10, item 6), through the public entry
//! points: each is refused with a diagnostic or read correctly. The work bounds themselves are shown
//! by operation counts in the unit tests beside the code and by `benches/hostile_scaling.rs`
//! (doubling sizes); nothing here is timed.

use govpress::hosts::HostClassifier;
use govpress::page::Page;
use govpress::render::Renderer;
use govpress::{Checker, Diagnostic, SiteConfig};

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").unwrap()
}

fn check(source: &str) -> Vec<Diagnostic> {
    Checker::new(SiteConfig::default()).check_page("content/a.md", source, now()).diagnostics
}

fn rules(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|diagnostic| diagnostic.rule).collect()
}

const FRONT_MATTER: &str = "+++\ntitle = \"压力测试\"\ndate = 2024-05-15\n+++\n";

#[test]
fn deeply_nested_yaml_front_matter_is_refused_at_its_line() {
    let levels = 200_000;
    let source = format!("---\ntitle: 通知\nx: {}{}\n---\n正文\n", "[".repeat(levels), "]".repeat(levels));
    let diagnostics = check(&source);
    assert_eq!(rules(&diagnostics), ["limits.nesting"]);
    assert_eq!(diagnostics[0].start.line, 3);
    assert_eq!(diagnostics[0].article, 3);
    assert!(diagnostics[0].message.zh.contains("前置元数据"), "{}", diagnostics[0].message.zh);
}

#[test]
fn deeply_nested_toml_front_matter_is_refused() {
    let levels = 100_000;
    let source = format!("+++\nx = {}1{}\n+++\n正文\n", "{a = ".repeat(levels), "}".repeat(levels));
    assert_eq!(rules(&check(&source)), ["limits.nesting"]);
}

#[test]
fn eighty_thousand_nested_divs_are_refused_and_not_sanitised() {
    let source = format!("{FRONT_MATTER}{}<script>alert(1)</script>正文\n", "<div>".repeat(80_000));
    let diagnostics = check(&source);
    assert_eq!(rules(&diagnostics), ["limits.nesting"]);
    assert_eq!(diagnostics[0].start.line, 5);
    let config = SiteConfig::default();
    let hosts = HostClassifier::new(&config);
    let (page, _) = Page::parse("content/a.md", &source);
    let html = Renderer::new(&hosts).render(&page).html;
    assert!(!html.contains("<div") && !html.contains("<script"), "raw HTML is shown as text");
}

#[test]
fn thirty_thousand_identical_headings_get_distinct_ids() {
    let source = format!("{FRONT_MATTER}{}", "# 通知\n".repeat(30_000));
    let config = SiteConfig::default();
    let hosts = HostClassifier::new(&config);
    let (page, _) = Page::parse("content/a.md", &source);
    let headings = Renderer::new(&hosts).render(&page).headings;
    assert_eq!(headings.len(), 30_000);
    assert_eq!(headings[29_999].id, "通知-29999");
    let distinct: std::collections::HashSet<_> = headings.iter().map(|heading| heading.id.as_str()).collect();
    assert_eq!(distinct.len(), 30_000);
}

#[test]
fn a_long_chain_of_digit_groups_still_finds_the_number_at_its_end() {
    let source = format!("{FRONT_MATTER}{}13912345678\n", "12 ".repeat(200_000));
    assert_eq!(rules(&check(&source)), ["personal-data.mobile"]);
}

#[test]
fn negation_is_judged_by_the_words_just_before_a_phrase() {
    // 20,000 phrases without punctuation make one window; each is still judged on its own.
    let source = format!("{FRONT_MATTER}{}无需下载某某app\n", "须下载某某app办理".repeat(20_000));
    let diagnostics = check(&source);
    assert_eq!(diagnostics.len(), 20_000);
    assert!(diagnostics.iter().all(|diagnostic| diagnostic.rule == "compatibility.platform"));
}

#[test]
fn findings_on_one_long_line_get_exact_columns() {
    let filler = "电话13912345678，";
    let source = format!("{FRONT_MATTER}{}\n", filler.repeat(20_000));
    let diagnostics = check(&source);
    assert_eq!(diagnostics.len(), 20_000);
    let step = filler.chars().count();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        assert_eq!((diagnostic.start.line, diagnostic.start.column), (5, index * step + 3));
    }
}
