//! `govpress links` end to end: a site whose pages link to a misbehaving server on 127.0.0.1.
//! Fake host names are pinned to 127.0.0.1 with `--resolve`; nothing else is contacted.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use link_checker::fault_server::{FaultServer, Options};
use serde_json::Value;

const CONFIG: &str = r#"[site]
name = "示例市人民政府"
base_url = "https://www.example.gov.cn"

[links]
exclude = ["/excluded/"]
timeout = "1s"
retries = 1
per_host_concurrency = 8
per_host_interval_ms = 0
max_time = "20s"
"#;

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn site(server: &FaultServer) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    let (http, https) = (server.http, server.https);
    write(root, "govpress.toml", CONFIG);
    write(root, "content/_index.md", "+++\ntitle = \"首页\"\ndate = 2024-05-15\n+++\n欢迎。\n");
    write(
        root,
        "content/news/a.md",
        &format!(
            "+++\ntitle = \"链接\"\ndate = 2024-05-15\n+++\n\
             [正常](http://{http}/ok/1)\n\
             [不存在](http://{http}/status/404)\n\
             [循环](http://{http}/loop/a)\n\
             [挂起](http://{http}/hang)\n\
             [重置](http://{http}/reset)\n\
             [拒绝 HEAD](http://{http}/no-head)\n\
             [旧域名](http://old.example.gov.cn:{port}/policy)\n\
             [证书](https://bad-tls.example.com:{tls_port}/)\n\
             <a href=\"http://{http}/status/500\">服务器错误</a>\n\
             [邮件](mailto:office@example.gov.cn) [站内](../b/) [排除](http://{http}/excluded/x)\n",
            port = http.port(),
            tls_port = https.port()
        ),
    );
    write(
        root,
        "content/news/b.md",
        &format!("+++\ntitle = \"又一页\"\ndate = 2024-05-15\n+++\n\n再次：[不存在](http://{http}/status/404#part)\n"),
    );
    directory
}

fn govpress_links(root: &Path, extra: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_govpress"))
        .arg("links")
        .arg(root)
        .args(["--format", "json", "--resolve", "old.example.gov.cn=127.0.0.1"])
        .args(["--resolve", "taken-over.example.com=127.0.0.1", "--resolve", "bad-tls.example.com=127.0.0.1"])
        .args(extra)
        .output()
        .unwrap();
    (output, started.elapsed())
}

fn report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("{error}: {}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    })
}

/// (file, line, rule, url-path) of every diagnostic.
fn found(report: &Value) -> Vec<(String, u64, String, String)> {
    let mut found: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| {
            let url = diagnostic["url"].as_str().unwrap();
            let path = url.split_once("//").map_or(url, |(_, rest)| rest.split_once('/').map_or("", |(_, path)| path));
            (
                diagnostic["file"].as_str().unwrap().to_string(),
                diagnostic["line"].as_u64().unwrap(),
                diagnostic["rule"].as_str().unwrap().to_string(),
                format!("/{path}"),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn reports_exactly_the_broken_links_at_their_lines_then_reuses_fresh_results() {
    let server = FaultServer::start(Options::default()).unwrap();
    let site = site(&server);
    let (output, elapsed) = govpress_links(site.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "broken links fail the run: {}", String::from_utf8_lossy(&output.stderr));
    // 1 s timeout, a timeout retried once, backoff 0.5 s: a hang costs ~2.5 s; everything runs at once.
    assert!(elapsed < Duration::from_secs(12), "bounded run took {elapsed:?}");
    let first = report(&output);
    let a = "content/news/a.md".to_string();
    let expected = vec![
        (a.clone(), 6, "links.broken".to_string(), "/status/404".to_string()),
        (a.clone(), 7, "links.broken".to_string(), "/loop/a".to_string()),
        (a.clone(), 8, "links.broken".to_string(), "/hang".to_string()),
        (a.clone(), 9, "links.broken".to_string(), "/reset".to_string()),
        (a.clone(), 11, "links.abnormal".to_string(), "/policy".to_string()),
        (a.clone(), 12, "links.broken".to_string(), "/".to_string()),
        (a.clone(), 13, "links.broken".to_string(), "/status/500".to_string()),
        ("content/news/b.md".to_string(), 6, "links.broken".to_string(), "/status/404#part".to_string()),
    ];
    assert_eq!(found(&first), expected);
    assert_eq!((first["errors"].as_u64(), first["warnings"].as_u64()), (Some(7), Some(1)));
    let diagnostics = first["diagnostics"].as_array().unwrap();
    let by_path = |path: &str| diagnostics.iter().find(|d| d["url"].as_str().unwrap().ends_with(path)).unwrap();
    assert_eq!(by_path("/status/404")["status"], 404);
    assert_eq!(by_path("/status/404")["article"], 15);
    assert!(by_path("/loop/a")["message"].as_str().unwrap().contains("重定向循环"));
    assert!(by_path("/reset")["message"].as_str().unwrap().contains("连接被重置"));
    assert!(by_path("/hang")["message"].as_str().unwrap().contains("超时"));
    assert!(by_path("/policy")["final_url"].as_str().unwrap().contains("taken-over.example.com"));
    assert!(diagnostics.iter().any(|d| d["message"].as_str().unwrap().contains("TLS")));
    assert_eq!(server.requests_to("/excluded/x"), 0, "excluded links are not requested");
    assert_eq!(server.requests_to("/status/404"), 2, "one URL is checked once (HEAD, then GET to confirm)");
    assert!(site.path().join(".govpress/link-cache.json").is_file());

    let ok_requests = (server.requests_to("/ok/1"), server.requests_to("/no-head"));
    let broken_requests = server.requests_to("/status/404");
    let (output, _) = govpress_links(site.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(found(&report(&output)), expected, "the second run reports the same");
    assert_eq!((server.requests_to("/ok/1"), server.requests_to("/no-head")), ok_requests, "fresh results are reused");
    assert!(server.requests_to("/status/404") > broken_requests, "broken links are always rechecked");
}

#[test]
fn warnings_pass_unless_denied_and_bad_config_is_a_usage_error() {
    let server = FaultServer::start(Options::default()).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    write(root, "govpress.toml", CONFIG);
    write(root, "content/a.md", &format!("+++\ntitle = \"t\"\n+++\n[下载](http://{}/download.html)\n", server.http));
    let (output, _) = govpress_links(root, &["--no-cache"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        found(&report(&output)),
        [("content/a.md".to_string(), 4, "links.abnormal".to_string(), "/download.html".to_string())]
    );
    let (output, _) = govpress_links(root, &["--no-cache", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!root.join(".govpress/link-cache.json").exists(), "--no-cache writes no cache");
    assert!(root.join(".govpress/history.jsonl").is_file(), "each run is in the history (SPEC §11)");
    write(root, "govpress.toml", &format!("{CONFIG}\n[checks.severity]\n\"links.abnormal\" = \"error\"\n"));
    let (output, _) = govpress_links(root, &["--no-cache"]);
    assert_eq!(output.status.code(), Some(1), "severity overrides apply to link findings");
    assert_eq!(report(&output)["diagnostics"][0]["severity"], "error");

    write(root, "govpress.toml", &CONFIG.replace("exclude = [\"/excluded/\"]", "exclude = [\"(unclosed\"]"));
    let (output, _) = govpress_links(root, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("govpress.toml:6"), "{stderr}");
}

#[test]
fn fragments_and_built_html_are_checked_where_asked() {
    let server = FaultServer::start(Options::default()).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    let http = server.http;
    write(root, "govpress.toml", CONFIG);
    write(
        root,
        "content/a.md",
        &format!("+++\ntitle = \"t\"\n+++\n[有](http://{http}/anchors#intro)\n\n[无](http://{http}/anchors#missing)\n"),
    );
    write(
        root,
        "public/index.html",
        &format!(
            "<!doctype html>\n<main><a href=\"http://{http}/anchors#intro\">同源文件</a></main>\n\
             <footer><a href=\"http://{http}/status/410\">旧链接</a><a href=\"/about/\">站内</a></footer>\n"
        ),
    );
    let (output, _) = govpress_links(root, &["--check-fragments", "--built", &root.join("public").to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let report = report(&output);
    assert_eq!(
        found(&report),
        [
            ("content/a.md".to_string(), 6, "links.fragment".to_string(), "/anchors#missing".to_string()),
            ("public/index.html".to_string(), 3, "links.broken".to_string(), "/status/410".to_string()),
        ]
    );
    assert_eq!(report["files_checked"], 2);
    assert_eq!(server.requests_to("/anchors"), 1, "one GET serves both fragments");
}
