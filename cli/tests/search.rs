//! `govpress build` writes the search page and its index; `govpress search` answers from them
//! (SPEC §8). The index itself is tested against a brute-force scan in `src/search/tests.rs`; the
//! page's script against this command in `tests/e2e/search.test.js`.

mod common;

use std::path::{Path, PathBuf};

use common::{govpress, run, sign_off, write, Run, NOW};

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
    (dir, site)
}

fn build(site: &Path, out: &Path) {
    sign_off(site);
    let built = run(govpress().arg("build").arg(site).arg("--out").arg(out).args(["--now", NOW, "--quiet"]));
    assert_eq!(built.code, 0, "{}\n{}", built.stdout, built.stderr);
}

fn search(out: &Path, args: &[&str]) -> Run {
    run(govpress().arg("search").arg(out).args(args))
}

fn json(out: &Path, query: &str) -> serde_json::Value {
    let found = search(out, &[query, "--format", "json", "--limit", "0"]);
    assert_eq!(found.code, 0, "{}", found.stderr);
    serde_json::from_str(&found.stdout).unwrap()
}

fn urls(answer: &serde_json::Value) -> Vec<String> {
    answer["results"].as_array().unwrap().iter().map(|result| result["url"].as_str().unwrap().to_string()).collect()
}

#[test]
fn build_writes_the_search_page_and_search_finds_published_text() {
    let (dir, site) = fixture();
    // A draft is not published, so not searchable either.
    write(
        &site.join("content/news/draft.md"),
        "+++\ntitle = \"草稿\"\ndate = 2026-11-21\ndraft = true\n+++\n\n独有词语甲乙丙。\n",
    );
    let out = dir.path().join("out");
    build(&site, &out);
    let page = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    assert!(page.contains(r#"<ol id="search-results""#), "{page}");
    assert!(page.contains(r#"data-index="/search/""#), "{page}");
    assert!(page.contains(r#"<script type="module" src="/search/search.js"></script>"#), "{page}");
    assert!(out.join("search/index.json").is_file() && out.join("search/search.js").is_file());
    // The header of every page carries the GET form to /search/ with q.
    let article = std::fs::read_to_string(out.join("news/index.html")).unwrap();
    assert!(article.contains(r#"action="/search/" method="get"><input type="search" name="q""#), "{article}");

    // Body text, case-insensitive: found, with the hit marked; the title hit ranks first.
    let answer = json(&out, "网络安全");
    assert_eq!(answer["total"], 2, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results[0]["title"], "示例市召开网络安全宣传周动员会");
    assert_eq!(results[0]["section"], "要闻");
    assert_eq!(results[0]["date"], "2026-11-20");
    // /news/a/ has it in its title only: its snippet shows the body start.
    assert!(results.iter().any(|result| result["snippet"].as_str().unwrap().contains("<mark>网络安全</mark>")));
    // Every term must match; drafts and front matter keys are not indexed.
    assert_eq!(json(&out, "网络安全 天气")["total"], 1);
    assert_eq!(json(&out, "独有词语")["total"], 0);
    assert_eq!(json(&out, "section_kind")["total"], 0);
    assert_eq!(urls(&json(&out, "宣传周活动")), ["/news/b/"]);

    // Human output in Chinese by default, English with --lang en.
    let human = search(&out, &["网络安全"]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains("找到 2 个包含“网络安全”的页面") && human.stdout.contains("【网络安全】"),
        "{}",
        human.stdout
    );
    let english = run(govpress().args(["--lang", "en", "search"]).arg(&out).arg("网络安全"));
    assert!(english.stdout.contains("2 pages contain"), "{}", english.stdout);
    let none = search(&out, &["没有这个词"]);
    assert!(none.stdout.contains("没有找到"), "{}", none.stdout);

    // A directory without an index is an error that names the file.
    let missing = search(&site, &["网络安全"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("search"), "{}", missing.stderr);
}

#[test]
fn a_base_url_with_a_path_reaches_the_form_the_page_and_the_results() {
    let (dir, site) = fixture();
    let config = std::fs::read_to_string(site.join("govpress.toml")).unwrap();
    write(
        &site.join("govpress.toml"),
        &config.replace("https://www.example.gov.cn\"", "https://www.example.gov.cn/portal/\""),
    );
    let out = dir.path().join("out");
    build(&site, &out);
    let page = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    assert!(page.contains(r#"data-index="/portal/search/""#), "{page}");
    assert!(page.contains(r#"src="/portal/search/search.js""#), "{page}");
    assert!(page.contains(r#"action="/portal/search/""#), "{page}");
    let answer = json(&out, "网络安全");
    assert!(urls(&answer).iter().all(|url| url.starts_with("/portal/news/")), "{answer}");
}
