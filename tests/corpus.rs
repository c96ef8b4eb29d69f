//! The core's runner of the shared corpus (`tests/corpus/`): every case, expected diagnostics exactly.
//! Single files are checked alone; site cases (`<rule>/<case>/govpress.toml`) are checked the way
//! `govpress check DIR` does: the config, every page under `content/`, then the sections.

use std::path::{Path, PathBuf};

use govpress::site::SourceText;
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

fn actual(diagnostic: &Diagnostic, with_file: bool) -> Expected {
    Expected {
        file: if with_file { diagnostic.file.clone() } else { String::new() },
        line: diagnostic.start.line,
        column: diagnostic.start.column,
        rule: diagnostic.rule.to_string(),
        article: diagnostic.article,
        severity: diagnostic.severity.as_str().to_string(),
        part: diagnostic.part.as_ref().map(|part| serde_json::from_value(serde_json::to_value(part).unwrap()).unwrap()),
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

fn site_cases() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for rule_dir in std::fs::read_dir(corpus_dir()).unwrap().flatten().filter(|entry| entry.path().is_dir()) {
        for entry in std::fs::read_dir(rule_dir.path()).unwrap().flatten() {
            if entry.path().join("govpress.toml").is_file() {
                cases.push(entry.path());
            }
        }
    }
    cases.sort();
    cases
}

/// Every `.md` file under `dir`, as site-relative paths with `/`, sorted like the CLI walks them.
fn markdown_files(site: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            markdown_files(site, &path, out);
        } else if path.extension().is_some_and(|extension| extension == "md") {
            let relative = path.strip_prefix(site).unwrap();
            let relative: Vec<_> = relative.components().map(|part| part.as_os_str().to_string_lossy()).collect();
            out.push((relative.join("/"), path));
        }
    }
}

fn check_site(site: &Path) -> Vec<Diagnostic> {
    let mut config = SiteConfig::parse(&std::fs::read_to_string(site.join("govpress.toml")).unwrap())
        .unwrap_or_else(|error| panic!("{}: {error}", site.display()));
    // The site's terms (SPEC §12), as the CLI reads them beside govpress.toml.
    let terms = std::fs::read_to_string(site.join("terms.toml")).ok();
    config.attach_terms(terms.as_deref()).unwrap_or_else(|error| panic!("{}: {error:?}", site.display()));
    let checker = Checker::new(config);
    let mut files = Vec::new();
    markdown_files(site, &site.join("content"), &mut files);
    let texts: Vec<(String, Result<String, Diagnostic>)> = files
        .iter()
        .map(|(relative, path)| (relative.clone(), govpress::files::decode(relative, std::fs::read(path).unwrap())))
        .collect();
    let sources: Vec<SourceText<'_>> =
        texts.iter().map(|(path, text)| SourceText { path, text: text.as_ref().map(String::as_str) }).collect();
    govpress::site::check_site(&checker, "govpress.toml", &sources, None, &[], now())
}

#[test]
fn every_site_case_reports_exactly_what_it_expects() {
    let cases = site_cases();
    assert!(cases.len() >= 3, "the site cases are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let mut got: Vec<Expected> = check_site(case).iter().map(|diagnostic| actual(diagnostic, true)).collect();
        got.sort();
        let expected = read_expected(&case.join("expected.json"));
        if got != expected {
            failures.push(format!("{}\n  expected: {expected:?}\n  got:      {got:?}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} site cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Attachment cases (`attachments/<file>` with `<file>.expected.json`): what the build reports on the file
/// put in `static/`, through the extractors the CLI uses (crates/attachments). Core and CLI only: the wasm
/// checker has no extractor and skips them by name (www/tests/corpus.mjs).
#[test]
fn every_attachment_case_reports_exactly_what_it_expects() {
    let dir = corpus_dir().join("attachments");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| !path.to_string_lossy().ends_with(".expected.json"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "the attachment cases are missing");
    let limits = attachments::Limits::new(govpress::files::DEFAULT_MAX_FILE_BYTES);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let label = format!("static/{name}");
        let found = attachments::check(&name, &std::fs::read(case).unwrap(), &label, limits);
        let mut got: Vec<Expected> = found.iter().map(|diagnostic| actual(diagnostic, true)).collect();
        got.sort();
        let expected = read_expected(&dir.join(format!("{name}.expected.json")));
        if got != expected {
            failures.push(format!("{}\n  expected: {expected:?}\n  got:      {got:?}", case.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} attachment cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The browser's first module (`Checker::check_markdown_draft`: no lol_html, no regex, no YAML) answers for
/// a page only with exactly `check_page`'s diagnostics, and refuses the rest: every single-file case and
/// every page of every site case, each under its own config.
#[test]
fn the_markdown_draft_check_is_check_page_or_refuses() {
    let mut pages: Vec<(String, String, SiteConfig)> = Vec::new();
    for case in single_file_cases() {
        let config_path = case.with_extension("toml");
        let config = if config_path.is_file() {
            SiteConfig::parse(&std::fs::read_to_string(&config_path).unwrap()).unwrap()
        } else {
            SiteConfig::default()
        };
        let Ok(text) = std::fs::read_to_string(&case) else { continue };
        pages.push((case.file_name().unwrap().to_string_lossy().to_string(), text, config));
    }
    for site in site_cases() {
        let mut config = SiteConfig::parse(&std::fs::read_to_string(site.join("govpress.toml")).unwrap()).unwrap();
        config.attach_terms(std::fs::read_to_string(site.join("terms.toml")).ok().as_deref()).unwrap();
        let mut files = Vec::new();
        markdown_files(&site, &site.join("content"), &mut files);
        for (relative, path) in files {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            pages.push((relative, text, config.clone()));
        }
    }
    let (mut claimed, mut failures) = (0, Vec::new());
    for (path, text, config) in &pages {
        let checker = Checker::new(config.clone());
        let Some(draft) = checker.check_markdown_draft(path, text, now()) else { continue };
        claimed += 1;
        let full = checker.check_page(path, text, now());
        if draft.diagnostics != full.diagnostics || draft.summary != full.summary {
            failures.push(format!("{path}\n  full:  {:?}\n  draft: {:?}", full.diagnostics, draft.diagnostics));
        }
    }
    assert!(failures.is_empty(), "{} pages differ:\n{}", failures.len(), failures.join("\n"));
    // The path is exercised: most of the corpus has no raw HTML, YAML or regex trigger word.
    assert!(claimed * 3 > pages.len(), "{claimed} of {} pages claimed", pages.len());
    eprintln!("check_markdown_draft answered for {claimed} of {} corpus pages", pages.len());
}
