//! Attachments in every report format: `govpress build` on a clean site with a workbook and a PDF in
//! `static/` names the sheet and cell, or the page, in human, JSON, SARIF (valid against the schema),
//! GitHub and JUnit output, with the numbers masked everywhere.

mod common;

use std::path::Path;

use common::{clean_site, govpress, run, Run, NOW};
use serde_json::Value;

const CLEAR: [&str; 2] = ["11010519491231002X", "13912345678"];

fn build_with_attachments(format: &str, lang: &str) -> Run {
    let site = clean_site();
    let corpus = common::repo_root().join("tests/corpus/attachments");
    std::fs::create_dir_all(site.path().join("static/files")).unwrap();
    for name in ["list.xlsx", "list.pdf", "scanned.pdf"] {
        std::fs::copy(corpus.join(name), site.path().join("static/files").join(name)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let result = run(govpress()
        .args(["--lang", lang, "build"])
        .arg(site.path())
        .arg("--out")
        .arg(out.path().join("public"))
        .args(["--now", NOW, "--quiet", "--format", format]));
    assert_eq!(result.code, 1, "personal data in attachments fails the build: {}", result.stderr);
    for clear in CLEAR {
        assert!(!result.stdout.contains(clear), "{format} shows {clear}:\n{}", result.stdout);
    }
    result
}

#[test]
fn json_carries_the_part_as_an_additive_field() {
    let report: Value = serde_json::from_str(&build_with_attachments("json", "zh").stdout).unwrap();
    let found: Vec<(String, Value, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["file"].as_str().unwrap().starts_with("static/"))
        .map(|diagnostic| {
            let number = |key: &str| diagnostic[key].as_u64().unwrap();
            let part = diagnostic.get("part").cloned().unwrap_or(Value::Null);
            (diagnostic["rule"].as_str().unwrap().to_string(), part, number("line"), number("column"))
        })
        .collect();
    let part = |json: &str| serde_json::from_str::<Value>(json).unwrap();
    assert_eq!(
        found,
        [
            ("personal-data.resident-id".to_string(), part(r#"{"page": 1}"#), 3, 9),
            ("personal-data.mobile".to_string(), part(r#"{"page": 2}"#), 1, 10),
            ("personal-data.resident-id".to_string(), part(r#"{"sheet": "公示", "cell": "C7"}"#), 1, 1),
            ("personal-data.mobile".to_string(), part(r#"{"sheet": "公示", "cell": "D8"}"#), 1, 1),
            ("attachment.unread".to_string(), Value::Null, 1, 1),
        ],
        "in reading order: by file, then page or cell"
    );
    // Files without parts keep the SPEC §6 shape exactly: no `part` key at all.
    let unread = &report["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "attachment.unread").unwrap();
    assert!(unread.get("part").is_none());
}

#[test]
fn human_github_and_junit_name_the_sheet_cell_and_page() {
    let human = build_with_attachments("human", "zh").stdout;
    assert!(human.contains("= 位置：工作表「公示」单元格 C7"), "{human}");
    assert!(human.contains("= 位置：第 2 页"), "{human}");
    let english = build_with_attachments("human", "en").stdout;
    assert!(english.contains("= in: sheet 公示 cell D8"), "{english}");
    let github = build_with_attachments("github", "en").stdout;
    let line = github.lines().find(|line| line.contains("list.xlsx") && line.contains("resident")).unwrap();
    assert!(line.contains("(at sheet 公示 cell C7)"), "{line}");
    let junit = build_with_attachments("junit", "zh").stdout;
    roxmltree::Document::parse(&junit).expect("well-formed JUnit");
    assert!(junit.contains("（位置：工作表「公示」单元格 D8）") && junit.contains("（位置：第 1 页）"), "{junit}");
}

#[test]
fn sarif_puts_the_part_on_the_location_and_stays_valid() {
    let log: Value = serde_json::from_str(&build_with_attachments("sarif", "zh").stdout).unwrap();
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0-rtm.5.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|error| error.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let cell = results.iter().find(|result| result["properties"]["part"]["cell"] == "C7").expect("the C7 result");
    assert_eq!(cell["locations"][0]["message"]["text"], "工作表「公示」单元格 C7");
    assert!(cell["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("static/files/list.xlsx"));
    let plain = results.iter().find(|result| result["ruleId"] == "attachment.unread").unwrap();
    assert!(plain["locations"][0].get("message").is_none() && plain["properties"].get("part").is_none());
}
