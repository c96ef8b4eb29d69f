use chrono::{DateTime, FixedOffset};

use super::*;
use crate::config::SiteConfig;
use crate::page::parse_counts;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2024-06-30T12:00:00+08:00").unwrap()
}

const SITE: &[(&str, &str)] = &[
    ("content/_index.md", "+++\ntitle = \"首页\"\n+++\n见[要闻](news/_index.md)。\n"),
    ("content/news/_index.md", "+++\ntitle = \"要闻\"\n+++\n"),
    (
        "content/news/a.md",
        "+++\ntitle = \"甲\"\ndate = 2024-06-29\n+++\n# 原文要点\n\n[乙](b.md#原文要点)\n\n[丙](c.md)\n\n[丁](/news/gone/)\n\n[本页](#原文要点) [顶部](#top) [缺](#没有)\n",
    ),
    ("content/news/b.md", "+++\ntitle = \"乙\"\ndate = 2024-06-28\n+++\n<p id=\"原文要点\">原文</p>\n"),
    ("content/news/2024/c.md", "+++\ntitle = \"丙\"\ndate = 2024-06-27\n+++\n[静态](/files/x.pdf) [甲](../a.md#无此节)\n"),
    ("content/news/draft.md", "+++\ntitle = \"草稿\"\ndraft = true\n+++\n[断](/nowhere/)\n"),
];

fn sources() -> Vec<SourceText<'static>> {
    SITE.iter().map(|(path, text)| SourceText { path, text: Ok(text) }).collect()
}

#[test]
fn each_page_is_parsed_once() {
    let checker = Checker::new(SiteConfig::default());
    let sources = sources();
    parse_counts::take();
    let _ = check_site(&checker, "govpress.toml", &sources, None, &["files/x.pdf"], now());
    let counts = parse_counts::take();
    assert_eq!(counts.heads, SITE.len(), "front matters read");
    assert_eq!(counts.bodies, SITE.len(), "bodies parsed");
}

#[test]
fn without_review_is_the_report_without_sign_off() {
    let checker = Checker::new(SiteConfig::default());
    let sources = sources();
    let with_none = check_site(&checker, "govpress.toml", &sources, None, &["files/x.pdf"], now());
    let without = check_site_without_review(&checker, "govpress.toml", &sources, &["files/x.pdf"], now());
    assert!(!with_none.is_empty());
    assert_eq!(without, with_none);
}

#[test]
fn broken_internal_links_and_anchors_are_reported_at_the_markdown_line() {
    let checker = Checker::new(SiteConfig::default());
    let diagnostics = check_site(&checker, "govpress.toml", &sources(), None, &["files/x.pdf"], now());
    let mut broken: Vec<_> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.rule == "build.broken-link")
        .map(|diagnostic| {
            (diagnostic.file.as_str(), diagnostic.start.line, diagnostic.extra.url.clone().unwrap_or_default())
        })
        .collect();
    broken.sort();
    assert_eq!(
        broken,
        [
            ("content/news/2024/c.md", 5, "/news/a/#无此节".to_string()),
            ("content/news/a.md", 9, "c.md".to_string()),
            ("content/news/a.md", 11, "/news/gone/".to_string()),
            ("content/news/a.md", 13, "#没有".to_string()),
        ]
    );
}

#[test]
fn a_page_without_its_own_section_counts_for_the_nearest() {
    let checker = Checker::new(SiteConfig::default());
    let (run, _) = SiteRun::start(&checker, &sources(), now());
    let page = run.model.page_from("content/news/2024/c.md").unwrap();
    assert_eq!(page.section.as_deref(), Some("news"));
    assert_eq!(page.url, "/news/2024/c/");
    assert!(run.model.page_from("content/news/draft.md").is_none());
}

#[test]
fn duplicate_urls_are_errors_on_both_pages() {
    let checker = Checker::new(SiteConfig::default());
    let files = [
        ("content/a.md", "+++\ntitle = \"甲\"\ndate = 2024-06-29\n+++\n"),
        ("content/b.md", "+++\ntitle = \"乙\"\ndate = 2024-06-29\nslug = \"a\"\n+++\n"),
    ];
    let sources: Vec<_> = files.iter().map(|(path, text)| SourceText { path, text: Ok(text) }).collect();
    let conflicts: Vec<_> = check_site(&checker, "govpress.toml", &sources, None, &[], now())
        .into_iter()
        .filter(|diagnostic| diagnostic.rule == paths::OUTPUT_CONFLICT.id)
        .map(|diagnostic| (diagnostic.file, diagnostic.message.en))
        .collect();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert!(conflicts[0].1.contains("content/b.md") && conflicts[1].1.contains("content/a.md"), "{conflicts:?}");
}

#[test]
fn a_scheduled_page_is_checked_but_left_out_until_its_time() {
    let checker = Checker::new(SiteConfig::default());
    let later = "+++\ntitle = \"定时\"\ndate = 2099-01-01\npublish_at = 2099-01-01T09:00:00+08:00\n+++\n正文\n";
    let pages = [SourceText { path: "content/news/later.md", text: Ok(later) }];
    let (run, _) = SiteRun::start(&checker, &pages, now());
    assert!(run.model.page_from("content/news/later.md").is_none());
    assert_eq!(run.model.scheduled.len(), 1);
    assert_eq!(run.model.scheduled[0].0, "content/news/later.md");
    let after = DateTime::parse_from_rfc3339("2099-01-01T09:00:01+08:00").unwrap();
    let (run, _) = SiteRun::start(&checker, &pages, after);
    assert!(run.model.page_from("content/news/later.md").is_some(), "published once its time has come");
}
