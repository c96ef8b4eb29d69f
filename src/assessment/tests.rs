use chrono::{DateTime, FixedOffset};

use super::html::{render, ReportHead};
use super::*;
use crate::history::HistoryEntry;
use crate::page::PageHead;
use crate::review::{Decision, PageDigest};

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

const PAGES: &[(&str, &str)] = &[
    ("content/_index.md", "+++\ntitle = \"首页\"\n+++\n"),
    ("content/news/_index.md", "+++\ntitle = \"要闻\"\n+++\n"),
    ("content/news/a.md", "+++\ntitle = \"甲\"\ndate = 2026-11-20\n+++\n"),
    ("content/news/local/_index.md", "+++\ntitle = \"区县\"\n+++\n"),
    ("content/news/local/b.md", "+++\ntitle = \"乙\"\ndate = 2026-10-02\n+++\n"),
    ("content/news/old.md", "+++\ntitle = \"旧\"\ndate = 2020-01-02\n+++\n"),
    ("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n"),
];

fn model() -> SiteModel {
    let heads: Vec<_> = PAGES.iter().map(|(_, text)| PageHead::read(text)).collect();
    SiteModel::new(
        PAGES.iter().zip(&heads).enumerate().map(|(index, ((path, _), head))| (index, *path, &head.front_matter)),
    )
}

fn record(seq: u64, time: &str, stage: &str, decision: Decision, pages: &[(&str, &str)]) -> Record {
    Record {
        v: 1,
        seq,
        time: time.into(),
        stage: stage.into(),
        decision,
        reviewer: "r".into(),
        comment: String::new(),
        pages: pages.iter().map(|(path, sm3)| PageDigest { path: (*path).into(), sm3: (*sm3).into() }).collect(),
        prev: String::new(),
        signature: String::new(),
        hash: String::new(),
    }
}

fn assessment(lang_history: &History, records: &[Record]) -> Assessment {
    let mut config =
        SiteConfig::parse("[site]\nname = \"示例市人民政府\"\n[identity]\nicp = \"京ICP备00000000号\"\n").unwrap();
    config.review = crate::config::ReviewSection::default();
    let model = model();
    assess(&AssessmentInput {
        config: &config,
        model: &model,
        records,
        log: LogStatus::Verified { records: records.len(), head: "ab".repeat(32) },
        history: lang_history,
        now: at("2026-11-25T12:00:00+08:00"),
        label: None,
    })
}

#[test]
fn pages_are_counted_per_top_section_and_month() {
    let report = assessment(&History::default(), &[]);
    assert_eq!(report.months.first().map(String::as_str), Some("2025-12"));
    assert_eq!(report.months.last().map(String::as_str), Some("2026-11"));
    let news = report.sections.iter().find(|row| row.key == "news").unwrap();
    assert_eq!(news.total, 3, "subsections count, old pages count in the total");
    assert_eq!(news.per_month[11], 1);
    assert_eq!(news.per_month[10], 1);
    assert_eq!(report.month_totals.iter().sum::<usize>(), 2);
    assert_eq!(report.published_pages, 3);
    let blank: Vec<&str> = report.timeliness.iter().map(|finding| finding.rule).collect();
    assert!(blank.contains(&"timeliness.blank-section"), "{blank:?}");
    let missing: Vec<&str> =
        report.identity.iter().filter(|row| row.value.is_none()).map(|row| row.label.zh.as_str()).collect();
    assert!(missing.contains(&"公安机关备案号") && !missing.contains(&"ICP 备案号"));
}

#[test]
fn turnaround_runs_from_the_first_record_and_between_stages_per_page_version() {
    let records = [
        record(1, "2026-11-01T09:00:00+08:00", "初审", Decision::Reject, &[("content/news/a.md", "v1")]),
        record(
            2,
            "2026-11-01T10:00:00+08:00",
            "初审",
            Decision::Approve,
            &[("content/news/a.md", "v1"), ("content/news/b.md", "v1")],
        ),
        record(
            3,
            "2026-11-01T14:00:00+08:00",
            "复审",
            Decision::Approve,
            &[("content/news/a.md", "v1"), ("content/news/b.md", "v1")],
        ),
        record(4, "2026-11-02T10:00:00+08:00", "终审", Decision::Approve, &[("content/news/a.md", "v1")]),
        // A new version of a.md starts over.
        record(5, "2026-11-03T10:00:00+08:00", "初审", Decision::Approve, &[("content/news/a.md", "v2")]),
    ];
    let report = assessment(&History::default(), &records);
    assert_eq!((report.signed_off, report.in_review), (1, 2));
    let spans: Vec<(String, String, usize, f64)> = report
        .turnaround
        .iter()
        .map(|span| (span.from.zh.clone(), span.to.clone(), span.count, span.median_hours))
        .collect();
    assert_eq!(
        spans,
        [
            ("首条记录".to_string(), "终审".to_string(), 1, 25.0),
            ("初审".to_string(), "复审".to_string(), 2, 4.0),
            ("复审".to_string(), "终审".to_string(), 1, 20.0),
        ]
    );
}

fn entry(time: &str, command: &str, errors: usize, articles: &[(u8, usize)]) -> HistoryEntry {
    HistoryEntry {
        v: 1,
        time: time.into(),
        command: command.into(),
        duration_ms: 1,
        pages: 3,
        errors,
        warnings: 0,
        articles: articles.iter().copied().collect(),
        rules: BTreeMap::new(),
        published: None,
        links: (command == "links").then_some(crate::history::LinkTally { checked: 10, broken: errors, warnings: 1 }),
    }
}

#[test]
fn history_gives_the_last_run_of_each_day_within_the_year() {
    let history = History {
        entries: vec![
            entry("2024-01-01T10:00:00+08:00", "build", 9, &[(13, 9)]),
            entry("2026-11-20T09:00:00+08:00", "build", 3, &[(13, 2), (14, 1)]),
            entry("2026-11-20T18:00:00+08:00", "build", 1, &[(14, 1)]),
            entry("2026-11-21T18:00:00+08:00", "links", 2, &[(15, 2)]),
        ],
        unreadable_lines: vec![],
    };
    let report = assessment(&history, &[]);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].errors, 1);
    assert_eq!(report.links.len(), 1);
    assert_eq!(report.links[0].broken, 2);
}

#[test]
fn the_html_is_self_contained_with_charts_and_no_script_in_either_language() {
    let history = History {
        entries: vec![
            entry("2026-11-19T18:00:00+08:00", "build", 3, &[(13, 2), (14, 1)]),
            entry("2026-11-20T18:00:00+08:00", "build", 1, &[(14, 1)]),
            entry("2026-11-21T18:00:00+08:00", "links", 2, &[(15, 2)]),
        ],
        unreadable_lines: vec![],
    };
    let report = assessment(&history, &[]);
    let head = ReportHead { platform: None, generated: at("2026-11-25T12:00:00+08:00"), generator: "govpress test" };
    let zh = render(std::slice::from_ref(&report), &head, crate::Lang::Zh);
    assert!(zh.starts_with("<!DOCTYPE html>") && zh.contains("lang=\"zh-CN\""));
    for heading in [
        "网站标识",
        "各栏目每月发布的页面",
        "三审周转时间",
        "问题数随时间的变化",
        "链接状况随时间的变化",
        "空白栏目",
        "日志留存设置",
        "rotate 400",
    ] {
        assert!(zh.contains(heading), "{heading}");
    }
    assert!(zh.matches("<svg").count() >= 3);
    // Deterministic: the same inputs give the same bytes (no map iteration order leaks into the file).
    let again = assessment(&history, &[]);
    assert_eq!(zh, render(std::slice::from_ref(&again), &head, crate::Lang::Zh));
    assert!(zh.contains("第十四条"));
    assert!(!zh.to_lowercase().contains("<script"));
    assert!(!zh.contains("http://") && !zh.contains("src=\"http"), "no external resource");
    let en = render(&[report], &head, crate::Lang::En);
    assert!(en.contains("lang=\"en\"") && en.contains("Review turnaround") && en.contains("Art. 14"));
}
