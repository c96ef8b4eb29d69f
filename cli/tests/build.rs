//! `govpress build` and `govpress verify` end to end, on the fixture site `tests/fixtures/build-site`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{govpress, run, sign_off, write, Run, NOW};
use govpress::audit::manifest::sm3_hex;
use govpress::leave_site::leave_hash;

const WARNING: &str = "您访问的链接即将离开“示例市人民政府”门户网站";
const CONAC_LINK: &str = "https://bszs.conac.cn/sitename?method=show&amp;id=bszs-identifier";

/// A fresh copy of the fixture site in a temporary directory (the build must not write into the repo).
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build-site");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.unwrap();
        let target = site.join(entry.path().strip_prefix(&source).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    // Every page signed off (第十三条), so the build's own checks are what these tests see.
    sign_off(&site);
    (dir, site)
}

fn build(site: &Path, out: &Path, extra: &[&str]) -> Run {
    run(govpress().arg("build").arg(site).arg("--out").arg(out).args(["--now", NOW, "--quiet"]).args(extra))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// SM3 of every file under `root`, for byte-for-byte comparisons.
fn digests(root: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
            (relative, sm3_hex(&std::fs::read(entry.path()).unwrap()))
        })
        .collect()
}

fn html_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "html"))
        .map(|entry| entry.into_path())
        .collect()
}

#[test]
fn builds_pages_leave_pages_feeds_and_a_manifest() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    let built = build(&site, &out, &[]);
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    for file in [
        "index.html",
        "news/index.html",
        "news/page/2/index.html",
        "news/a/index.html",
        "news/b/index.html",
        "notices/d/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "news/atom.xml",
        "notices/atom.xml",
        "assets/govpress.css",
        "assets/marks/party-government.svg",
        "docs/readme.txt",
        ".govpress-manifest.json",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://www.example.gov.cn/news/a/</loc>"));
    let feed: atom_syndication::Feed = read(&out.join("news/atom.xml")).parse().expect("a valid Atom feed");
    assert_eq!(feed.lang(), Some("zh-CN"));
    assert!(feed.entries().iter().any(|entry| entry.title().as_str() == "示例市召开网络安全宣传周动员会"));
    assert!(feed.entries().iter().all(|entry| entry.id().starts_with("https://www.example.gov.cn/news/")));
    // No temporary or previous directories are left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn external_links_are_rewritten_everywhere_and_government_links_are_not() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    assert_eq!(build(&site, &out, &[]).code, 0);
    let article = read(&out.join("news/a/index.html"));
    assert!(article.contains("<a href=\"https://www.gov.cn/\">"), "government link kept");
    assert!(article.contains("<a href=\"https://www.weather.com.cn/\">"), "links.allow kept");
    let evil = leave_hash("https://www.gov.cn.evil.com/x");
    assert!(article.contains(&format!("href=\"/leave/{evil}.html\"")), "look-alike host rewritten");
    assert!(!article.contains("href=\"https://www.gov.cn.evil.com"));
    assert!(article.contains("href=\"/news/b/#%E5%8E%9F%E6%96%87%E8%A6%81%E7%82%B9\""), ".md link resolved");
    // Content, the home page, a site template override and a static HTML file: all rewritten.
    for (file, url) in [
        ("news/a/index.html", "https://www.example.com/a?x=1&y=2"),
        ("index.html", "https://www.example.com/home"),
        ("404.html", "https://help.example.org/404"),
        ("docs/guide.html", "https://guide.example.net/"),
    ] {
        let html = read(&out.join(file));
        assert!(html.contains(&format!("href=\"/leave/{}.html\"", leave_hash(url))), "{file}: {url} not rewritten");
        let leave_page = read(&out.join(format!("leave/{}.html", leave_hash(url))));
        assert!(leave_page.contains(WARNING), "{file}: leave page lacks the warning");
        assert!(leave_page.contains("继续访问") && leave_page.contains("返回"));
        let escaped = url.replace('&', "&amp;");
        assert!(leave_page.contains(&format!("data-govpress-continue href=\"{escaped}\"")), "{file}: {leave_page}");
    }
    // Nothing outside leave pages links straight to a non-government host.
    for path in html_files(&out) {
        if path.starts_with(out.join("leave")) {
            continue;
        }
        let html = read(&path);
        for direct in [
            "https://www.example.com",
            "https://help.example.org",
            "https://guide.example.net",
            "https://www.gov.cn.evil.com",
        ] {
            assert!(!html.contains(&format!("href=\"{direct}")), "{}: direct link to {direct}", path.display());
        }
    }
}

#[test]
fn every_page_has_the_footer_and_reprints_show_their_source() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    assert_eq!(build(&site, &out, &[]).code, 0);
    for path in html_files(&out) {
        if path.starts_with(out.join("docs")) {
            continue; // the site's own static HTML is copied, not themed
        }
        let html = read(&path);
        assert!(html.contains("<footer"), "{}", path.display());
        for needle in [
            CONAC_LINK,
            "网站标识码：1100000001",
            "https://beian.miit.gov.cn/",
            "京ICP备00000000号",
            "京公网安备11000000000000号",
            "siteCode=1100000001",
            "我为政府网站找错",
            "<meta name=\"SiteIDCode\" content=\"1100000001\">",
        ] {
            assert!(html.contains(needle), "{} lacks {needle}", path.display());
        }
    }
    let reprint = read(&out.join("news/b/index.html"));
    assert!(reprint.contains("来源网站：</span>中国网信网"));
    assert!(reprint.contains("转载时间：</span>2026-11-18 15:00"));
    assert!(reprint.contains("原文链接：</span><a href=\"https://www.cac.gov.cn/2026-11/18/c_1.htm\">"));
    assert!(reprint.contains("<meta name=\"ContentSource\" content=\"中国网信网\">"));
    assert!(!read(&out.join("news/a/index.html")).contains("reprint-source"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    assert_eq!(build(&site, &out, &[]).code, 0);
    let before = digests(&out);
    write(
        &site.join("content/news/e.md"),
        "+++\ntitle = \"坏页面\"\ndate = 2026-11-21\ndepartment = \"办公室\"\n+++\n\n[点我](javascript:alert(1))\n",
    );
    let failed = build(&site, &out, &["--format", "json"]);
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert!(failed.stdout.contains("\"rule\": \"links.javascript\""), "{}", failed.stdout);
    assert_eq!(digests(&out), before, "the previous output changed");
    assert!(!out.join("news/e").exists());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "temporary directories left: {names:?}");
}

#[test]
fn broken_internal_links_are_errors_at_the_markdown_source() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    write(
        &site.join("content/news/broken.md"),
        "+++\ntitle = \"链接错误\"\ndate = 2026-11-21\ndepartment = \"办公室\"\n+++\n\n见[不存在的页面](missing.md)。\n\n见[不存在的锚点](a.md#没有这一节)和[存在的锚点](a.md#会议部署)。\n",
    );
    sign_off(&site);
    let failed = build(&site, &out, &["--format", "json"]);
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    let report: serde_json::Value = serde_json::from_str(&failed.stdout).unwrap();
    let broken: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["rule"] == "build.broken-link")
        .map(|diagnostic| (diagnostic["file"].as_str().unwrap().to_string(), diagnostic["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(broken, [("content/news/broken.md".to_string(), 7), ("content/news/broken.md".to_string(), 9)]);
    assert!(!out.exists(), "nothing is written when the audit fails");
}

#[test]
fn insecure_resources_in_templates_fail_and_hidden_links_warn() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    write(
        &site.join("static/docs/hidden.html"),
        "<p>正文</p><div style=\"display:none\"><a href=\"/news/\">暗链</a></div>\n",
    );
    let built = build(&site, &out, &["--format", "json"]);
    assert_eq!(built.code, 0, "{}", built.stdout);
    assert!(built.stdout.contains("\"rule\": \"hidden-links.hidden\""), "{}", built.stdout);
    write(&site.join("templates/404.html"), "{% extends \"base.html\" %}{% block content %}<img src=\"http://img.example.gov.cn/a.png\" alt=\"图\">{% endblock content %}");
    let failed = build(&site, &out, &["--format", "json"]);
    assert_eq!(failed.code, 1);
    assert!(failed.stdout.contains("\"rule\": \"build.insecure-resource\""), "{}", failed.stdout);
    assert!(failed.stdout.contains("public/404.html\""), "{}", failed.stdout);
}

#[test]
fn confirm_mode_keeps_links_and_adds_the_script() {
    let (dir, site) = fixture();
    let config = read(&site.join("govpress.toml")).replace("mode = \"interstitial\"", "mode = \"confirm\"");
    write(&site.join("govpress.toml"), &config);
    let out = dir.path().join("public");
    assert_eq!(build(&site, &out, &[]).code, 0);
    let article = read(&out.join("news/a/index.html"));
    assert!(article.contains("href=\"https://www.example.com/a?x=1&amp;y=2\""));
    assert!(article.contains(&format!("data-govpress-leave=\"{WARNING}")));
    assert!(article.contains("<script src=\"/govpress-leave.js\" defer></script>"));
    assert!(out.join("govpress-leave.js").is_file());
    assert!(!out.join("leave").exists());
}

#[test]
fn verify_reports_added_changed_and_missing_files() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    assert_eq!(build(&site, &out, &[]).code, 0);
    let verify = |out: &Path| run(govpress().arg("verify").arg(out).args(["--format", "json"]));
    let clean = verify(&out);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    std::fs::write(out.join("news/a/index.html"), "<p>篡改</p>").unwrap();
    std::fs::write(out.join("news/extra.html"), "<a href=\"https://evil.example.com\">x</a>").unwrap();
    std::fs::remove_file(out.join("robots.txt")).unwrap();
    let tampered = verify(&out);
    assert_eq!(tampered.code, 1);
    let report: serde_json::Value = serde_json::from_str(&tampered.stdout).unwrap();
    let found: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| format!("{} {}", diagnostic["rule"].as_str().unwrap(), diagnostic["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        ["verify.changed news/a/index.html", "verify.added news/extra.html", "verify.missing robots.txt"]
    );
    let missing_manifest = run(govpress().arg("verify").arg(dir.path()));
    assert_eq!(missing_manifest.code, 2);
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_write() {
    let (dir, site) = fixture();
    let out = dir.path().join("precious");
    write(&out.join("notes.txt"), "keep me");
    let refused = build(&site, &out, &[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(read(&out.join("notes.txt")), "keep me");
    let into_site = build(&site, &site.join("content"), &[]);
    assert_eq!(into_site.code, 2);
    assert!(site.join("content/news/a.md").is_file());
}

#[test]
fn article_page_snapshot() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    assert_eq!(build(&site, &out, &[]).code, 0);
    insta::assert_snapshot!("article_page", read(&out.join("news/a/index.html")));
    insta::assert_snapshot!("reprint_page", read(&out.join("news/b/index.html")));
}

/// The findings of one rule in a JSON report, as (file, line).
fn findings(stdout: &str, rule: &str) -> Vec<(String, u64)> {
    let report: serde_json::Value = serde_json::from_str(stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["rule"] == rule)
        .map(|diagnostic| (diagnostic["file"].as_str().unwrap().to_string(), diagnostic["line"].as_u64().unwrap()))
        .collect()
}

#[test]
fn check_reports_broken_links_and_anchors_at_the_markdown_line_as_the_build_does() {
    let (_dir, site) = fixture();
    write(
        &site.join("content/news/broken.md"),
        "+++\ntitle = \"链接错误\"\ndate = 2026-11-21\ndepartment = \"办公室\"\n+++\n\n见[不存在的页面](missing.md)。\n\n见[不存在的锚点](a.md#没有这一节)和[存在的锚点](a.md#会议部署)。\n",
    );
    sign_off(&site);
    let checked = run(govpress().arg("check").arg(&site).args(["--now", NOW, "--format", "json"]));
    assert_eq!(checked.code, 1, "{}{}", checked.stdout, checked.stderr);
    let file = "content/news/broken.md".to_string();
    assert_eq!(findings(&checked.stdout, "build.broken-link"), [(file.clone(), 7), (file, 9)]);
}

#[test]
fn check_and_build_share_one_section_model() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    // `guide/2026/` has no `_index.md`: its page is listed in `guide`, which is therefore not blank.
    write(&site.join("content/guide/_index.md"), "+++\ntitle = \"办事指南\"\n+++\n");
    write(
        &site.join("content/guide/2026/a.md"),
        "+++\ntitle = \"社保办理指南\"\ndate = 2026-11-20\ndepartment = \"办公室\"\n+++\n\n正文。\n",
    );
    // A draft `_index.md` publishes no section, so it is not a blank one either.
    write(&site.join("content/events/_index.md"), "+++\ntitle = \"活动\"\ndraft = true\n+++\n");
    sign_off(&site);
    let checked = run(govpress().arg("check").arg(&site).args(["--now", NOW, "--format", "json"]));
    assert_eq!(findings(&checked.stdout, "timeliness.blank-section"), []);
    let built = build(&site, &out, &[]);
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    let guide = read(&out.join("guide/index.html"));
    assert!(guide.contains("href=\"/guide/2026/a/\""), "{guide}");
    assert!(read(&out.join("guide/2026/a/index.html")).contains("办事指南"), "the page names its section");
    assert!(!out.join("events").exists());
}

#[test]
fn two_pages_on_one_url_fail_the_build_naming_each_other() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    write(
        &site.join("content/news/takeover.md"),
        "+++\ntitle = \"冒名页面\"\ndate = 2026-11-21\ndepartment = \"办公室\"\nslug = \"a\"\n+++\n\n正文。\n",
    );
    sign_off(&site);
    let failed = build(&site, &out, &["--format", "json", "--lang", "en"]);
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    let conflicts = findings(&failed.stdout, "build.output-conflict");
    let files: Vec<_> = conflicts.iter().map(|(file, _)| file.as_str()).collect();
    assert_eq!(files, ["content/news/a.md", "content/news/takeover.md"]);
    assert!(failed.stdout.contains("content/news/takeover.md both publish /news/a/"), "{}", failed.stdout);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_page_on_a_generated_file_is_a_finding_not_an_io_error() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    write(
        &site.join("content/sitemap.xml.md"),
        "+++\ntitle = \"站点地图\"\ndate = 2026-11-21\ndepartment = \"办公室\"\n+++\n\n正文。\n",
    );
    sign_off(&site);
    let failed = build(&site, &out, &["--format", "json"]);
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert_eq!(findings(&failed.stdout, "build.output-conflict"), [("content/sitemap.xml.md".to_string(), 1)]);
    let checked = run(govpress().arg("check").arg(&site).args(["--now", NOW, "--format", "json"]));
    assert_eq!(findings(&checked.stdout, "build.output-conflict"), [("content/sitemap.xml.md".to_string(), 1)]);
}

#[test]
fn a_scheduled_page_is_left_out_until_its_time_and_the_build_says_so() {
    let (_dir, site) = fixture();
    write(
        &site.join("content/news/later.md"),
        "+++\ntitle = \"2095年元旦放假安排\"\ndate = 2095-01-01\npublish_at = 2095-01-01T09:00:00+08:00\n+++\n\n定时发布。\n",
    );
    sign_off(&site);
    let out = site.join("public");
    let before = build(&site, &out, &[]);
    assert_eq!(before.code, 0, "{}{}", before.stdout, before.stderr);
    assert!(before.stderr.contains("定时发布：content/news/later.md 将于 2095-01-01 09:00 发布"), "{}", before.stderr);
    assert!(!out.join("news/later/index.html").exists(), "not published before its time");
    let after = run(govpress().arg("build").arg(&site).arg("--out").arg(&out).args([
        "--now",
        "2095-01-01T09:00:01+08:00",
        "--quiet",
    ]));
    assert!(
        out.join("news/later/index.html").exists(),
        "published once its time has come: {}{}",
        after.stdout,
        after.stderr
    );
}

#[test]
fn attachments_in_static_are_read_or_reported_as_unread() {
    let (_dir, site) = fixture();
    write(
        &site.join("static/files/list.csv"),
        "序号,姓名,手机\n1,张三,13912345678\n2,李四,１３８　１２３４　５６７８\n3,王五,139****5678\n",
    );
    write(&site.join("static/files/table.xlsx"), "PK not a real workbook");
    std::fs::write(site.join("static/files/gbk.csv"), b"\xd5\xc5\xc8\xfd,13912345678\n").unwrap();
    let out = site.join("public");
    let result = build(&site, &out, &["--format", "json"]);
    assert_eq!(result.code, 1, "personal data in an attachment fails the build: {}", result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
    let found: Vec<(String, String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().unwrap().starts_with("static/files/"))
        .map(|d| {
            let text = |key: &str| d[key].as_str().unwrap().to_string();
            (text("rule"), text("file"), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap())
        })
        .collect();
    let expected = [
        ("attachment.unread", "static/files/gbk.csv", 1, 1),
        ("personal-data.mobile", "static/files/list.csv", 2, 6),
        ("personal-data.mobile", "static/files/list.csv", 3, 6),
        ("attachment.unread", "static/files/table.xlsx", 1, 1),
    ];
    let mut found_sorted = found.clone();
    found_sorted.sort_by(|a, b| (&a.1, a.2, a.3).cmp(&(&b.1, b.2, b.3)));
    let expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(rule, file, line, column)| (rule.to_string(), file.to_string(), *line, *column))
        .collect();
    assert_eq!(found_sorted, expected);
    assert!(!result.stdout.contains("13912345678"), "the number is masked in the report");
}

#[test]
fn leave_pages_share_one_pass_only_where_the_theme_treats_every_destination_alike() {
    let (dir, site) = fixture();
    let out = dir.path().join("public");
    // A theme whose leave page loads an http image for one destination only: the placeholder page
    // the shared pass is made from does not show it, so that page must get its own pass.
    let theme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../site-template/templates/leave.html")).replace(
        "{% endblock content %}",
        "{% if \"evil\" in leave.url %}<img src=\"http://img.example.gov.cn/a.png\" alt=\"图\">{% endif %}{% endblock content %}",
    );
    write(&site.join("templates/leave.html"), &theme);
    let failed = build(&site, &out, &["--format", "json"]);
    assert_eq!(failed.code, 1, "{}", failed.stdout);
    let evil = format!("public/leave/{}.html\"", leave_hash("https://www.gov.cn.evil.com/x"));
    let insecure: Vec<&str> = failed.stdout.lines().filter(|line| line.contains("public/leave/")).collect();
    assert_eq!(insecure.len(), 1, "{}", failed.stdout);
    assert!(insecure[0].contains(&evil), "{}", failed.stdout);
    assert!(failed.stdout.contains("\"rule\": \"build.insecure-resource\""), "{}", failed.stdout);
}
