//! `govpress serve` end to end: edits applied to the build kept in memory show up (the page, and its
//! section list when the front matter changes); an edit that fails its checks leaves the last good page
//! and says why; a template edit builds the whole site again. Waits are bounded, nothing is timed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{clean_site, govpress, write, NOW};

struct Served {
    child: Child,
    address: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Path) -> Served {
    let mut child = govpress()
        .arg("serve")
        .arg(site)
        .args(["--port", "0", "--now", NOW, "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.split("http://").nth(1).expect("serve prints its address").trim().trim_end_matches('/');
    Served { address: address.to_string(), child }
}

/// The body of `GET path` (any status).
fn get(served: &Served, path: &str) -> String {
    let mut stream = TcpStream::connect(&served.address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", served.address).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default()
}

/// Polls `path` until `found` holds for its body (bounded: a hung server fails the test, slowness does not).
fn wait_for(served: &Served, path: &str, what: &str, found: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let body = get(served, path);
        if found(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "{what}: {path} never showed it:\n{body}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn edits_show_up_failed_edits_keep_the_last_good_page_and_templates_rebuild() {
    let dir = clean_site();
    let site = dir.path();
    let served = serve(site);
    let page = site.join("content/news/week.md");
    let original = std::fs::read_to_string(&page).unwrap();
    wait_for(&served, "/news/week/", "the first build", |body| body.contains("网络安全宣传周"));

    // A body edit: the page is rendered again in place.
    write(&page, &format!("{original}\n市网信办将于下周公布活动总结。\n"));
    wait_for(&served, "/news/week/", "a body edit", |body| body.contains("活动总结"));

    // A title edit: the page and the section's list show the new title.
    let retitled = original.replace("网络安全宣传周活动启动", "网络安全宣传周活动正式启动");
    write(&page, &retitled);
    wait_for(&served, "/news/", "the section list", |body| body.contains("活动正式启动"));
    wait_for(&served, "/", "the home page", |body| body.contains("活动正式启动"));
    // The feed is written after the list pages (serve publishes once all are written): wait for it too.
    wait_for(&served, "/news/atom.xml", "the section feed", |body| body.contains("活动正式启动"));

    // An edit that fails the checks: the browser is told why, the last good page stays.
    write(&page, &format!("{retitled}\n[详情](javascript:alert(1))\n"));
    let state = wait_for(&served, "/_govpress/wait", "the failed edit", |body| body.contains("links.javascript"));
    assert!(state.contains("week.md"), "{state}");
    let kept = get(&served, "/news/week/");
    assert!(kept.contains("活动正式启动") && !kept.contains("javascript:alert"), "{kept}");

    // Fixed: the error clears and the new text is served.
    write(&page, &format!("{retitled}\n第二次修改。\n"));
    wait_for(&served, "/_govpress/wait", "the fix", |body| body.contains("\"error\":null"));
    wait_for(&served, "/news/week/", "the fixed page", |body| body.contains("第二次修改"));

    // A template edit processes the whole site again.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../site-template/templates/page.html");
    let template = std::fs::read_to_string(theme).unwrap();
    write(
        &site.join("templates/page.html"),
        &template.replace("{% block content %}", "{% block content %}<p class=\"served-template\">模板已改</p>"),
    );
    wait_for(&served, "/news/week/", "the template edit", |body| body.contains("served-template"));
}
