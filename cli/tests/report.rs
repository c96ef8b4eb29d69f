//! `govpress report` (SPEC §11): one self-contained HTML file, Chinese by default, with the site's
//! identity, pages per section and month, review turnaround from the verified log, findings and link
//! health from the history, stale and blank sections and the log-retention settings; `--platform`
//! gives a section per site.

mod common;

use std::path::Path;

use common::{clean_site, govpress, run, write, Run, NOW};

fn report(site: &Path, out: &Path, extra: &[&str]) -> Run {
    run(govpress().arg("report").arg(site).arg("--out").arg(out).args(["--now", NOW]).args(extra))
}

fn built(site: &Path) {
    let out = site.join("public");
    let done = run(govpress().arg("build").arg(site).arg("--out").arg(&out).args(["--now", NOW, "--quiet"]));
    assert_eq!(done.code, 0, "{}", done.stderr);
}

#[test]
fn the_report_has_every_section_as_inline_svg_and_no_script() {
    let site = clean_site();
    built(site.path());
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.html");
    let made = report(site.path(), &file, &[]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("lang=\"zh-CN\""));
    for expected in [
        "网站安全与合规年度报告",
        "示例市人民政府",
        "京ICP备00000000号",
        "京公网安备11000000000000号",
        "bszs-identifier",
        "各栏目每月发布的页面",
        "新闻动态",
        "三审周转时间",
        "审核记录档案校验通过",
        "首条记录 → 终审",
        "初审 → 复审",
        "问题数随时间的变化",
        "链接状况随时间的变化",
        "空白栏目",
        "日志留存设置（第二十条）",
        "rotate 400",
        "@media print",
    ] {
        assert!(html.contains(expected), "the report shows {expected}");
    }
    assert!(html.matches("<svg").count() >= 2, "pages per month and findings over time are charts");
    assert!(!html.to_lowercase().contains("<script"), "no script");
    assert!(!html.contains("<link") && !html.contains("src=\"http"), "nothing loaded from elsewhere");
    assert!(!html.contains("没有运行记录") || html.contains("govpress links"), "the build's history is there");

    let english = out.path().join("report-en.html");
    let made = run(govpress()
        .args(["--lang", "en", "report"])
        .arg(site.path())
        .arg("--out")
        .arg(&english)
        .args(["--now", NOW]));
    assert_eq!(made.code, 0, "{}", made.stderr);
    let html = std::fs::read_to_string(&english).unwrap();
    assert!(html.contains("lang=\"en\""));
    for expected in
        ["Annual security and compliance report", "Review turnaround per stage", "Log retention (article 20)"]
    {
        assert!(html.contains(expected), "{expected}");
    }
}

#[test]
fn stale_sections_and_a_broken_log_are_reported_not_hidden() {
    let site = clean_site();
    write(&site.path().join("content/notices/_index.md"), "+++\ntitle = \"通知公告\"\n+++\n");
    let log = site.path().join("reviews/log.jsonl");
    let text = std::fs::read_to_string(&log).unwrap().replacen("\"初审\"", "\"终审\"", 1);
    std::fs::write(&log, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.html");
    let made = report(site.path(), &file, &[]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("审核记录档案未通过校验"), "a log that does not verify gives no figures");
    assert!(html.contains("content/notices/_index.md"), "the blank section is listed");
    assert!(html.contains("没有运行记录"), "no history yet is said, not drawn as zero");
}

#[test]
fn the_report_writes_only_its_file() {
    let site = clean_site();
    let before: Vec<_> =
        walkdir::WalkDir::new(site.path()).into_iter().map(|entry| entry.unwrap().into_path()).collect();
    let out = tempfile::tempdir().unwrap();
    let made = report(site.path(), &out.path().join("r.html"), &[]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let after: Vec<_> =
        walkdir::WalkDir::new(site.path()).into_iter().map(|entry| entry.unwrap().into_path()).collect();
    assert_eq!(before, after);
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
}

#[test]
fn a_platform_report_has_a_section_per_site() {
    let platform = tempfile::tempdir().unwrap();
    for (dir, name) in [("sites/portal", "示例市人民政府"), ("sites/fgw", "示例市发展和改革委员会")] {
        let site = clean_site();
        let target = platform.path().join(dir);
        for entry in walkdir::WalkDir::new(site.path()) {
            let entry = entry.unwrap();
            let to = target.join(entry.path().strip_prefix(site.path()).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let config = std::fs::read_to_string(target.join("govpress.toml"))
            .unwrap()
            .replace("示例市人民政府\"\nbase_url", &format!("{name}\"\nbase_url"));
        write(&target.join("govpress.toml"), &config);
    }
    write(
        &platform.path().join("platform.toml"),
        "[platform]\nname = \"示例市政府网站集约化平台\"\n\n[[site]]\ndir = \"sites/portal\"\n\n[[site]]\ndir = \"sites/fgw\"\n",
    );
    // A platform build records each site's run in that site's history.
    let built = run(govpress().current_dir(platform.path()).args([
        "build",
        "--platform",
        "platform.toml",
        "--out",
        "public",
        "--quiet",
        "--now",
        NOW,
    ]));
    assert_eq!(built.code, 0, "{}", built.stderr);
    for dir in ["sites/portal", "sites/fgw"] {
        let history = std::fs::read_to_string(platform.path().join(dir).join(".govpress/history.jsonl")).unwrap();
        assert_eq!(history.lines().count(), 1, "{dir}");
    }
    let file = platform.path().join("report.html");
    let made = run(govpress()
        .current_dir(platform.path())
        .arg("report")
        .arg("--platform")
        .arg("platform.toml")
        .arg("--out")
        .arg(&file)
        .args(["--now", NOW]));
    assert_eq!(made.code, 0, "{}", made.stderr);
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("示例市政府网站集约化平台"));
    assert!(html.contains("id=\"site-0\"") && html.contains("id=\"site-1\""));
    assert!(html.contains("示例市发展和改革委员会") && html.contains("sites/fgw"));
    assert_eq!(html.matches("网站标识（第八条、第九条）").count(), 2);
    assert_eq!(html.matches("日志留存设置").count(), 1, "the retention settings are said once");
    assert_eq!(html.matches("运行记录共 1").count(), 2, "each site's history");
}
