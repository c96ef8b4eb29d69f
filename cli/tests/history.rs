//! The run history (SPEC §11): `build` and `links` append one line each, `check` writes nothing unless
//! `--record`, and rotation keeps at least the last 12 months (第二十条).

mod common;

use std::path::Path;

use common::{check, clean_site, govpress, run, write, CLEAN_CONFIG, NOW};
use serde_json::Value;

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON entry"))
        .collect()
}

fn files_under(root: &Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|entry| entry.unwrap().path().strip_prefix(root).unwrap().display().to_string())
        .collect();
    found.sort();
    found
}

fn build(site: &Path, out: &Path) -> common::Run {
    run(govpress().arg("build").arg(site).arg("--out").arg(out).args(["--now", NOW, "--quiet"]))
}

#[test]
fn build_appends_one_entry_per_run() {
    let site = clean_site();
    let out = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let built = build(site.path(), &out.path().join("public"));
        assert_eq!(built.code, 0, "{}", built.stderr);
    }
    let entries = lines(&site.path().join(".govpress/history.jsonl"));
    assert_eq!(entries.len(), 2);
    let entry = &entries[0];
    assert_eq!(entry["command"], "build");
    assert_eq!(entry["time"], "2026-11-25T12:00:00+08:00");
    assert_eq!(entry["pages"], 3);
    assert_eq!(entry["errors"], 0);
    assert_eq!(entry["published"], true);
    assert!(entry["duration_ms"].is_u64());
    assert!(entry["rules"].is_object() && entry["articles"].is_object());
}

#[test]
fn a_failed_build_is_recorded_with_its_findings_per_article_and_rule() {
    let site = clean_site();
    write(
        &site.path().join("content/news/id.md"),
        "+++\ntitle = \"名单\"\ndate = 2026-11-20\n+++\n\n联系人身份证号 11010519491231002X。\n",
    );
    let out = tempfile::tempdir().unwrap();
    let built = build(site.path(), &out.path().join("public"));
    assert_eq!(built.code, 1, "{}", built.stderr);
    let entries = lines(&site.path().join(".govpress/history.jsonl"));
    let entry = &entries[0];
    assert_eq!(entry["published"], false);
    assert!(entry["errors"].as_u64().unwrap() >= 1);
    assert!(entry["articles"]["22"].as_u64().unwrap() >= 1, "{entry}");
    assert!(entry["rules"]["personal-data.resident-id"].as_u64().unwrap() >= 1, "{entry}");
    assert!(!entry.to_string().contains("11010519491231002X"), "the history holds counts, never the data");
}

#[test]
fn check_writes_nothing_unless_asked_to_record() {
    let site = clean_site();
    let before = files_under(site.path());
    let checked = check(site.path(), &[]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert_eq!(files_under(site.path()), before, "check writes nothing (SPEC §5)");

    let recorded = check(site.path(), &["--record"]);
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    let entries = lines(&site.path().join(".govpress/history.jsonl"));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["command"], "check");
    assert!(entries[0].get("published").is_none());
}

#[test]
fn links_appends_its_tally() {
    let site = clean_site();
    // The one link's host resolves nowhere: broken, without any traffic leaving the machine.
    let checked = run(govpress().arg("links").arg(site.path()).args([
        "--no-cache",
        "--quiet",
        "--retries",
        "0",
        "--resolve",
        "www.cac.gov.cn=none",
    ]));
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    let entries = lines(&site.path().join(".govpress/history.jsonl"));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["command"], "links");
    assert_eq!(entries[0]["links"]["checked"], 1);
    assert_eq!(entries[0]["links"]["broken"], 1);
    assert_eq!(entries[0]["articles"]["15"], 1);
}

#[test]
fn rotation_keeps_twelve_months_at_a_configured_path() {
    let site = clean_site();
    let config = format!("{CLEAN_CONFIG}\n[history]\npath = \"reports/history.jsonl\"\nmax_bytes = 300\n");
    write(&site.path().join("govpress.toml"), &config);
    let reports = site.path().join("reports");
    // NOW is 2026-11-25: a segment closed 2025-11-24 holds nothing of the last 12 months, one closed
    // 2025-11-26 may.
    write(&reports.join("history-2025-11-24.jsonl"), "{}\n");
    write(&reports.join("history-2025-11-26.jsonl"), "{}\n");
    write(&reports.join("notes.txt"), "kept\n");
    let out = tempfile::tempdir().unwrap();
    let built = build(site.path(), &out.path().join("public"));
    assert_eq!(built.code, 0, "{}", built.stderr);
    // One entry of a clean build is shorter than 300 bytes: no rotation yet.
    assert_eq!(lines(&reports.join("history.jsonl")).len(), 1);
    assert!(reports.join("history-2025-11-24.jsonl").exists());
    let built = build(site.path(), &out.path().join("public"));
    assert_eq!(built.code, 0, "{}", built.stderr);

    let names: Vec<String> = files_under(&reports);
    assert_eq!(names, ["", "history-2025-11-26.jsonl", "history-2026-11-25.jsonl", "notes.txt"], "{names:?}");
    assert_eq!(lines(&reports.join("history-2026-11-25.jsonl")).len(), 2, "the rotated file keeps every entry");

    // The next run starts a new current file; a second rotation the same day is numbered.
    for _ in 0..2 {
        assert_eq!(build(site.path(), &out.path().join("public")).code, 0);
    }
    assert!(reports.join("history-2026-11-25.2.jsonl").is_file(), "{:?}", files_under(&reports));
    assert!(!site.path().join(".govpress/history.jsonl").exists());
}

#[test]
fn keeping_less_than_a_year_is_a_config_error() {
    let site = clean_site();
    let config = format!("{CLEAN_CONFIG}\n[history]\nkeep_months = 6\n");
    write(&site.path().join("govpress.toml"), &config);
    let checked = check(site.path(), &[]);
    assert_eq!(checked.code, 2, "{}", checked.stderr);
    assert!(checked.stderr.contains("govpress.toml:"), "{}", checked.stderr);
    assert!(checked.stderr.contains("第二十条"), "{}", checked.stderr);
}
