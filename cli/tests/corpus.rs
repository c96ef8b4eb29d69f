//! The CLI's runner of the shared corpus (`tests/corpus/`, see its README): every case goes through
//! `govpress check --format json`, and the diagnostics must equal the case's expected ones exactly.
//! Single-file cases run from their rule directory, named as the core's runner names them (the bare file
//! name), and those sharing a directory and a config run in one process; each site case runs in its own.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
struct Expected {
    #[serde(default)]
    file: String,
    line: usize,
    column: usize,
    rule: String,
    article: u8,
    severity: String,
    /// An attachment's cell, page or paragraph, as the JSON report writes it (`attachments/` cases only).
    #[serde(default)]
    part: Option<PartExpected>,
}

/// `{"sheet", "cell"}`, `{"page"}` or `{"paragraph"}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartExpected {
    sheet: Option<String>,
    cell: Option<String>,
    page: Option<u32>,
    paragraph: Option<u32>,
}

fn corpus_dir() -> PathBuf {
    common::repo_root().join("tests/corpus")
}

fn read_expected(path: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut expected: Vec<Expected> =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    expected.sort();
    expected
}

/// `<rule>/<case>.md` paths relative to the corpus, and `<rule>/<case>/` site directories.
fn cases() -> (Vec<String>, Vec<PathBuf>) {
    let mut files = Vec::new();
    let mut sites = Vec::new();
    let mut rule_dirs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    rule_dirs.sort();
    for rule_dir in rule_dirs {
        let rule = rule_dir.file_name().unwrap().to_string_lossy().to_string();
        for entry in std::fs::read_dir(&rule_dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() && path.join("expected.json").is_file() {
                sites.push(path);
            } else if path.extension().is_some_and(|extension| extension == "md") {
                files.push(format!("{rule}/{}", path.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    files.sort();
    sites.sort();
    (files, sites)
}

/// The diagnostics of a §6 JSON report as comparable entries, by file.
fn diagnostics_by_file(report: &Value, with_file: bool) -> BTreeMap<String, Vec<Expected>> {
    let mut by_file: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for diagnostic in report["diagnostics"].as_array().expect("diagnostics is an array") {
        let file = diagnostic["file"].as_str().expect("file").to_string();
        let entry = Expected {
            file: if with_file { file.clone() } else { String::new() },
            line: diagnostic["line"].as_u64().expect("line") as usize,
            column: diagnostic["column"].as_u64().expect("column") as usize,
            rule: diagnostic["rule"].as_str().expect("rule").to_string(),
            article: diagnostic["article"].as_u64().expect("article") as u8,
            severity: diagnostic["severity"].as_str().expect("severity").to_string(),
            part: diagnostic.get("part").map(|part| serde_json::from_value(part.clone()).expect("part")),
        };
        by_file.entry(file).or_default().push(entry);
    }
    by_file.values_mut().for_each(|entries| entries.sort());
    by_file
}

/// Runs `govpress check --format json` in `dir`; checks the exit code against the report.
fn check_json(dir: &Path, args: &[&str], failures: &mut Vec<String>) -> Option<Value> {
    let run = common::check(dir, &[&["--format", "json"], args].concat());
    let report: Value = match serde_json::from_str(&run.stdout) {
        Ok(report) => report,
        Err(error) => {
            failures.push(format!("govpress check {args:?}: exit {}, not JSON ({error}): {}", run.code, run.stderr));
            return None;
        }
    };
    let expected_code = if report["errors"].as_u64() > Some(0) { 1 } else { 0 };
    if run.code != expected_code {
        failures.push(format!("govpress check {args:?}: exit {} but the report says {expected_code}", run.code));
    }
    Some(report)
}

#[test]
fn every_single_file_case_reports_exactly_what_it_expects_through_the_cli() {
    let (files, _) = cases();
    assert!(files.len() >= 4, "the corpus is missing");
    // Cases in the same rule directory with the same config (none, or the same `<case>.toml` text) share
    // one process. Key: (rule directory, config text); value: (config file name, case file names).
    type Group = (Option<String>, Vec<String>);
    let mut groups: BTreeMap<(String, Option<String>), Group> = BTreeMap::new();
    for file in &files {
        let (rule, name) = file.split_once('/').unwrap();
        let config = corpus_dir().join(file).with_extension("toml");
        let text = config.is_file().then(|| std::fs::read_to_string(&config).unwrap());
        let config_name = text.as_ref().map(|_| config.file_name().unwrap().to_string_lossy().to_string());
        let group = groups.entry((rule.to_string(), text)).or_insert_with(|| (config_name, Vec::new()));
        group.1.push(name.to_string());
    }
    let mut failures = Vec::new();
    for ((rule, _), (config, group)) in &groups {
        let mut args: Vec<&str> = Vec::new();
        if let Some(config) = config {
            args.extend(["--config", config.as_str()]);
        }
        args.extend(group.iter().map(String::as_str));
        let Some(report) = check_json(&corpus_dir().join(rule), &args, &mut failures) else { continue };
        if report["files_checked"].as_u64() != Some(group.len() as u64) {
            failures.push(format!("{rule}/{group:?}: files_checked is {}", report["files_checked"]));
        }
        let mut got = diagnostics_by_file(&report, false);
        for name in group {
            let got = got.remove(name).unwrap_or_default();
            let expected =
                read_expected(&corpus_dir().join(rule).join(Path::new(name).with_extension("expected.json")));
            if got != expected {
                failures.push(format!("{rule}/{name}\n  expected: {expected:?}\n  got:      {got:?}"));
            }
        }
        if !got.is_empty() {
            failures.push(format!("{rule}: diagnostics for files that were not cases: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn every_site_case_reports_exactly_what_it_expects_through_the_cli() {
    let (_, sites) = cases();
    let mut failures = Vec::new();
    for site in &sites {
        let Some(report) = check_json(&corpus_dir(), &[site.to_str().unwrap()], &mut failures) else { continue };
        let got: Vec<Expected> = {
            let mut all: Vec<Expected> = diagnostics_by_file(&report, true).into_values().flatten().collect();
            all.sort();
            all
        };
        let expected = read_expected(&site.join("expected.json"));
        if got != expected {
            failures.push(format!("{}\n  expected: {expected:?}\n  got:      {got:?}", site.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} site cases differ:\n{}", failures.len(), sites.len(), failures.join("\n"));
}

/// Attachment cases (`attachments/<file>`, `<file>.expected.json`): every file goes into `static/` of one
/// clean site, and `govpress build --format json` must report exactly the expected diagnostics on each
/// (their cell, page or paragraph included). The build reads attachments, `check` does not; the wasm
/// checker has no extractor and skips these cases by name.
#[test]
fn every_attachment_case_reports_exactly_what_it_expects_through_the_build() {
    let dir = corpus_dir().join("attachments");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .filter(|name| !name.ends_with(".expected.json"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "the attachment cases are missing");
    let site = common::clean_site();
    for name in &names {
        std::fs::create_dir_all(site.path().join("static")).unwrap();
        std::fs::copy(dir.join(name), site.path().join("static").join(name)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let options = ["--now", common::NOW, "--quiet", "--format", "json"];
    let mut build = common::govpress();
    build.arg("build").arg(site.path()).arg("--out").arg(out.path().join("public")).args(options);
    let run = common::run(&mut build);
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}: {}", run.stderr));
    assert_eq!(run.code, 1, "personal data in attachments fails the build: {}", run.stderr);
    let mut got = diagnostics_by_file(&report, true);
    let mut failures = Vec::new();
    for name in &names {
        let got = got.remove(&format!("static/{name}")).unwrap_or_default();
        let expected = read_expected(&dir.join(format!("{name}.expected.json")));
        if got != expected {
            failures.push(format!("attachments/{name}\n  expected: {expected:?}\n  got:      {got:?}"));
        }
    }
    if !got.is_empty() {
        failures.push(format!("diagnostics on other files of the clean site: {got:?}"));
    }
    let differ = failures.len();
    assert!(failures.is_empty(), "{differ} of {} attachment cases differ:\n{}", names.len(), failures.join("\n"));
    for clear in ["11010519491231002X", "13912345678", "１３９ １２３４ ５６７８"] {
        assert!(!run.stdout.contains(clear), "{clear} is masked in the report");
    }
}
