//! Hostile input must not panic or hang the core: huge lines, deep nesting, broken bytes.
//! Inputs are generated here rather than committed. Timing is measured by `benches/check.rs`,
//! not asserted here; these tests only prove the checker finishes and stays correct.

use govpress::Checker;

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").unwrap()
}

fn check(source: &str) -> Vec<govpress::Diagnostic> {
    Checker::new(govpress::SiteConfig::default()).check_page("content/a.md", source, now()).diagnostics
}

const FRONT_MATTER: &str = "+++\ntitle = \"压力测试\"\ndate = 2024-05-15\n+++\n";

#[test]
fn a_five_megabyte_line_is_checked_to_its_end() {
    let mut source = String::from(FRONT_MATTER);
    let filler = "政务公开信息，数字 2024-05-15 与网址 https://www.example.gov.cn/a 交替出现。";
    while source.len() < 5 * 1024 * 1024 {
        source.push_str(filler);
    }
    // A finding at the very end of the line proves nothing was cut off.
    source.push_str("联系电话13912345678");
    let diagnostics = check(&source);
    let rules: Vec<_> = diagnostics.iter().map(|diagnostic| diagnostic.rule).collect();
    assert_eq!(rules, ["personal-data.mobile"]);
    assert_eq!(diagnostics[0].start.line, 5);
}

#[test]
fn a_five_megabyte_run_of_digits_is_not_a_number_anyone_owns() {
    let source = format!("{FRONT_MATTER}{}\n", "1".repeat(5 * 1024 * 1024));
    assert!(check(&source).is_empty());
}

#[test]
fn twenty_thousand_nested_quotes_do_not_hang() {
    let depth = 20_000;
    let source = format!("{FRONT_MATTER}{} 秘密★\n", ">".repeat(depth));
    let mut rules: Vec<_> = check(&source).iter().map(|diagnostic| diagnostic.rule).collect();
    rules.sort();
    // Deeper than browsers nest (512): refused for rendering, and the text is still read.
    assert_eq!(rules, ["limits.nesting", "secrets.classification"]);
}

#[test]
fn twenty_thousand_nested_lists_and_brackets_do_not_hang() {
    let mut source = String::from(FRONT_MATTER);
    for level in 0..2_000 {
        source.push_str(&" ".repeat(level * 2));
        source.push_str("- 项\n");
    }
    source.push_str(&"[".repeat(20_000));
    source.push_str(&"*".repeat(20_000));
    source.push_str(&"<a ".repeat(20_000));
    check(&source);
}

#[test]
fn control_characters_and_lone_fences_are_survived() {
    for source in
        ["+++", "+++\n", "---\n---", "\u{feff}+++\n+++\n", "\0\0\0", "+++\ntitle = \"\u{0}\"\n+++\n", "\r\r\r"]
    {
        check(source);
    }
}
