//! The core's runner of the shared corpus (`tests/corpus/`): every case, expected diagnostics exactly.

use std::path::{Path, PathBuf};

use govpress::{Checker, Diagnostic, SiteConfig};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
struct Expected {
    #[serde(default)]
    file: String,
    line: usize,
    column: usize,
    rule: String,
    article: u8,
    severity: String,
}

fn actual(diagnostic: &Diagnostic, with_file: bool) -> Expected {
    Expected {
        file: if with_file { diagnostic.file.clone() } else { String::new() },
        line: diagnostic.start.line,
        column: diagnostic.start.column,
        rule: diagnostic.rule.to_string(),
        article: diagnostic.article,
        severity: diagnostic.severity.as_str().to_string(),
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// "Now" for the corpus: cases avoid dates near it, so any clock agrees.
fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").unwrap()
}

fn read_expected(path: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut expected: Vec<Expected> =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    expected.sort();
    expected
}

fn single_file_cases() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for rule_dir in std::fs::read_dir(corpus_dir()).unwrap().flatten().filter(|entry| entry.path().is_dir()) {
        for entry in std::fs::read_dir(rule_dir.path()).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|extension| extension == "md") {
                cases.push(path);
            }
        }
    }
    cases.sort();
    cases
}

#[test]
fn every_single_file_case_reports_exactly_what_it_expects() {
    let cases = single_file_cases();
    assert!(cases.len() >= 4, "the corpus is missing");
    let mut failures = Vec::new();
    for case in &cases {
        let config_path = case.with_extension("toml");
        let config = if config_path.is_file() {
            SiteConfig::parse(&std::fs::read_to_string(&config_path).unwrap()).unwrap()
        } else {
            SiteConfig::default()
        };
        let bytes = std::fs::read(case).unwrap();
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let diagnostics = match govpress::files::decode(&name, bytes) {
            Ok(text) => Checker::new(config).check_page(&name, &text, now()).diagnostics,
            Err(diagnostic) => vec![diagnostic],
        };
        let mut got: Vec<Expected> = diagnostics.iter().map(|diagnostic| actual(diagnostic, false)).collect();
        got.sort();
        let expected = read_expected(&case.with_extension("expected.json"));
        if got != expected {
            failures.push(format!("{}\n  expected: {expected:?}\n  got:      {got:?}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
