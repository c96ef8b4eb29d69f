//! The precision set (issue 11): long real-style texts in `tests/corpus/precision/`, labelled. The quiet
//! ones (the regulation itself as Markdown, a notice and a policy document with full- and half-width
//! 文号, a 办事指南 with hotlines and official accounts, a 行政许可 list with 统一社会信用代码) must raise
//! no finding of articles 11, 16, 22 or the terms rule; the positive ones mark every planted breach in
//! their `expected.json` (labelled from the text, `planted` quoting it). The files are corpus cases too,
//! so the CLI and the wasm build run them; this test computes recall and false findings and prints them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use govpress::{Checker, Diagnostic, SiteConfig};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Planted {
    rule: String,
    line: usize,
    column: usize,
    #[serde(default)]
    planted: String,
}

/// The rules the set measures: articles 11, 16 and 22, and the terms rule (article 13).
fn measured(diagnostic: &Diagnostic) -> bool {
    matches!(diagnostic.article, 11 | 16 | 22) || diagnostic.rule == "terms.wording"
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").unwrap()
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/precision");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn the_precision_set_has_full_recall_and_no_false_findings() {
    let cases = cases();
    let checker = Checker::new(SiteConfig::default());
    let (mut quiet_texts, mut positive_texts, mut characters) = (0, 0, 0);
    let (mut planted_total, mut found_planted) = (0, 0);
    let (mut false_quiet, mut false_positive) = (Vec::new(), Vec::new());
    let mut missed = Vec::new();
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(case).unwrap();
        characters += text.chars().count();
        let planted: Vec<Planted> =
            serde_json::from_str(&std::fs::read_to_string(case.with_extension("expected.json")).unwrap()).unwrap();
        let found: Vec<Diagnostic> =
            checker.check_page(&name, &text, now()).diagnostics.into_iter().filter(measured).collect();
        if planted.is_empty() {
            quiet_texts += 1;
        } else {
            positive_texts += 1;
        }
        for label in &planted {
            planted_total += 1;
            let entry = per_rule.entry(label.rule.clone()).or_default();
            entry.0 += 1;
            let hit = found.iter().any(|diagnostic| {
                diagnostic.rule == label.rule
                    && (diagnostic.start.line, diagnostic.start.column) == (label.line, label.column)
            });
            if hit {
                found_planted += 1;
                entry.1 += 1;
            } else {
                missed.push(format!("{name}:{}:{} {} “{}”", label.line, label.column, label.rule, label.planted));
            }
        }
        for diagnostic in &found {
            let labelled = planted.iter().any(|label| {
                label.rule == diagnostic.rule
                    && (label.line, label.column) == (diagnostic.start.line, diagnostic.start.column)
            });
            if !labelled {
                let line = text.lines().nth(diagnostic.start.line - 1).unwrap_or_default();
                let finding = format!(
                    "{name}:{}:{} {}: {}",
                    diagnostic.start.line,
                    diagnostic.start.column,
                    diagnostic.rule,
                    govpress::redaction::mask(line)
                );
                if planted.is_empty() {
                    false_quiet.push(finding);
                } else {
                    false_positive.push(finding);
                }
            }
        }
    }
    let recall = if planted_total == 0 { 0.0 } else { 100.0 * found_planted as f64 / planted_total as f64 };
    println!(
        "precision set: {} texts ({quiet_texts} quiet, {positive_texts} positive), {characters} characters",
        cases.len()
    );
    println!("planted breaches: {planted_total}; found: {found_planted}; recall: {recall:.1}%");
    println!(
        "false findings: {} (quiet texts: {}, positive texts: {})",
        false_quiet.len() + false_positive.len(),
        false_quiet.len(),
        false_positive.len()
    );
    for (rule, (planted, found)) in &per_rule {
        println!("  {rule}: {found}/{planted}");
    }
    assert!(quiet_texts >= 5 && positive_texts >= 2, "the set is missing texts");
    assert!(missed.is_empty(), "missed planted breaches:\n{}", missed.join("\n"));
    assert!(false_quiet.is_empty(), "false findings in quiet texts:\n{}", false_quiet.join("\n"));
    assert!(false_positive.is_empty(), "unlabelled findings in positive texts:\n{}", false_positive.join("\n"));
    assert_eq!(found_planted, planted_total);
}
