//! The report formats end to end: SARIF against the official schema, JUnit as well-formed XML with
//! consistent counts, GitHub workflow commands, and snapshots of each.
//!
//! When a rule's wording changes on purpose, refresh the snapshots and review the diff:
//! `INSTA_UPDATE=always cargo test -p govpress-cli --test formats && git diff cli/tests/snapshots`.

mod common;

use common::{check, clean_site, sign_off, site_with_findings, site_with_warnings, write};
use serde_json::Value;

fn sarif_validator() -> jsonschema::Validator {
    let path = common::repo_root().join("cli/tests/data/sarif-2.1.0-rtm.5.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> =
        validator.iter_errors(log).map(|error| format!("{} at {}", error, error.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF schema violations:\n{}", errors.join("\n"));
}

#[test]
fn the_schema_check_rejects_what_github_would() {
    // The validator is real: a log without `version`, or with a bad level, fails.
    let validator = sarif_validator();
    assert!(!validator.is_valid(&serde_json::json!({ "runs": [] })));
    assert!(!validator.is_valid(&serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "x" } }, "results": [{ "message": { "text": "m" }, "level": "fatal" }] }],
    })));
}

#[test]
fn sarif_is_valid_and_carries_every_rule_and_finding() {
    let site = site_with_findings();
    let result = check(site.path(), &["--format", "sarif"]);
    assert_eq!(result.code, 1);
    let mut log: Value = serde_json::from_str(&result.stdout).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "govpress");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|rule| rule["id"].as_str().unwrap()).collect();
    let listed = common::run(common::govpress().args(["rules", "--format", "json"]));
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    let listed_ids: Vec<&str> = listed.as_array().unwrap().iter().map(|rule| rule["id"].as_str().unwrap()).collect();
    assert_eq!(ids, listed_ids, "the driver lists every rule govpress knows");
    for rule in rules {
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|text| !text.is_empty()));
        assert!(rule["help"]["text"].as_str().unwrap().contains("互联网政务应用安全管理规定"));
        let article = rule["properties"]["article"].as_u64().unwrap();
        let article_zh = rule["properties"]["article_zh"].as_str().unwrap();
        assert!(article_zh.starts_with('第') && article_zh.ends_with('条'), "{article}: {article_zh}");
        assert!(rule["help"]["markdown"].as_str().unwrap().contains(article_zh));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for finding in results {
        let index = finding["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding["ruleId"], "ruleIndex points at the rule");
        let location = &finding["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(location["artifactLocation"]["uri"].as_str().unwrap().starts_with("content/news/"));
    }
    let photo = results.iter().find(|finding| finding["ruleId"] == "insecure.http-resource").unwrap();
    assert_eq!(photo["level"], "error");
    assert_eq!(
        photo["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({ "startLine": 6, "startColumn": 6, "endLine": 6, "endColumn": 45 })
    );
    // The rule list and so the indexes change as rules are added; the assertions above cover them.
    log["runs"][0]["tool"]["driver"]["rules"] = Value::String("[every rule]".into());
    for finding in log["runs"][0]["results"].as_array_mut().unwrap() {
        finding["ruleIndex"] = Value::String("[index]".into());
    }
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&log).unwrap());
}

#[test]
fn sarif_of_a_clean_site_and_of_odd_file_names_is_valid() {
    let site = clean_site();
    let result = check(site.path(), &["--format", "sarif", "--lang", "en"]);
    assert_eq!(result.code, 0);
    let log: Value = serde_json::from_str(&result.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    write(
        &site.path().join("content/新闻 动态/a,b.md"),
        "+++\ntitle = \"t\"\ndate = 2026-11-20\n+++\n\n![x](http://a.example.com/x.png)\n",
    );
    let log: Value = serde_json::from_str(&check(site.path(), &["--format", "sarif"]).stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "content/%E6%96%B0%E9%97%BB%20%E5%8A%A8%E6%80%81/a%2Cb.md"
    );
}

#[test]
fn github_annotations_are_escaped_workflow_commands() {
    let site = site_with_findings();
    write(
        &site.path().join("content/news/a,b: c.md"),
        "+++\ntitle = \"t\"\ndate = 2026-11-20\n+++\n\n![x](http://a.example.com/100%.png)\n",
    );
    sign_off(site.path());
    let result = check(site.path(), &["--format", "github"]);
    assert_eq!(result.code, 1);
    let lines: Vec<&str> = result.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", result.stdout);
    assert!(lines[0].starts_with(
        "::error file=content/news/a%2Cb%3A c.md,line=6,col=1,endLine=6,endColumn=36,title=insecure.http-resource (第二十九条)::"
    ), "{}", lines[0]);
    assert!(lines[0].contains("http://a.example.com/100%25.png"), "% in the message is escaped: {}", lines[0]);
    assert!(lines[0].contains("%0A帮助："), "the help follows on a new line: {}", lines[0]);
    assert!(lines[1].starts_with("::warning file=content/news/map.md,line=6,col=14,"));
    for line in &lines[..5] {
        assert!(line.starts_with("::error ") || line.starts_with("::warning "), "{line}");
        let (properties, _) = line.split_once("::").map(|(_, rest)| rest.split_once("::").unwrap()).unwrap();
        assert_eq!(properties.matches(',').count(), 5, "exactly six properties: {properties}");
    }
    assert_eq!(lines[5], "govpress：检查了 7 个文件，3 个错误，2 个警告");
    insta::assert_snapshot!("github", result.stdout);
}

fn parse_junit(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|error| panic!("JUnit XML is not well-formed: {error}\n{text}"))
}

fn count(node: roxmltree::Node<'_, '_>, attribute: &str) -> usize {
    node.attribute(attribute).unwrap_or_else(|| panic!("{attribute} missing")).parse().unwrap()
}

/// Every `tests`/`failures` attribute agrees with the elements it counts.
fn assert_junit_counts(document: &roxmltree::Document<'_>) {
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|node| node.has_tag_name("testsuite")).collect();
    let mut tests = 0;
    let mut failures = 0;
    for suite in &suites {
        let cases: Vec<_> = suite.children().filter(|node| node.has_tag_name("testcase")).collect();
        let failed = cases.iter().filter(|case| case.children().any(|node| node.has_tag_name("failure"))).count();
        assert_eq!(count(*suite, "tests"), cases.len());
        assert_eq!(count(*suite, "failures"), failed);
        tests += cases.len();
        failures += failed;
    }
    assert_eq!(count(root, "tests"), tests);
    assert_eq!(count(root, "failures"), failures);
}

#[test]
fn junit_is_well_formed_with_a_suite_per_file() {
    let site = site_with_findings();
    // Markup in content must not break the XML.
    write(
        &site.path().join("content/news/x&y.md"),
        "+++\ntitle = \"t\"\ndate = 2026-11-20\n+++\n\n<img src=\"http://a.example.com/?a=1&b=<2>\">\n",
    );
    sign_off(site.path());
    let result = check(site.path(), &["--format", "junit"]);
    assert_eq!(result.code, 1);
    let document = parse_junit(&result.stdout);
    assert_junit_counts(&document);
    let suites: Vec<&str> = document.root_element().children().filter_map(|node| node.attribute("name")).collect();
    assert_eq!(
        suites,
        [
            "content/_index.md",
            "content/news/_index.md",
            "content/news/map.md",
            "content/news/photo.md",
            "content/news/reprint.md",
            "content/news/week.md",
            "content/news/x&y.md",
            "govpress.toml"
        ]
    );
    let failure = document
        .descendants()
        .find(|node| node.has_tag_name("failure") && node.text().is_some_and(|text| text.contains("x&y.md")))
        .unwrap();
    assert!(failure.attribute("message").unwrap().contains("http://a.example.com/?a=1&b=<2>"));
    // Warnings pass unless --deny-warnings.
    let warnings = check(site_with_warnings().path(), &["--format", "junit"]);
    let document = parse_junit(&warnings.stdout);
    assert_junit_counts(&document);
    assert_eq!(count(document.root_element(), "failures"), 0);
    assert!(document.descendants().any(|node| node.has_tag_name("system-out")));
    let denied = check(site_with_warnings().path(), &["--format", "junit", "--deny-warnings"]);
    assert_eq!(count(parse_junit(&denied.stdout).root_element(), "failures"), 2);
    insta::assert_snapshot!("junit", result.stdout);
}

#[test]
fn junit_of_a_clean_site_has_passing_testcases() {
    let result = check(clean_site().path(), &["--format", "junit", "--lang", "en"]);
    assert_eq!(result.code, 0);
    let document = parse_junit(&result.stdout);
    assert_junit_counts(&document);
    let root = document.root_element();
    assert_eq!((count(root, "tests"), count(root, "failures")), (4, 0));
    assert!(document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .all(|case| case.attribute("name") == Some("all rules pass")));
}

#[test]
fn human_output_snapshot() {
    let result = check(site_with_findings().path(), &[]);
    insta::assert_snapshot!("human_zh", result.stdout);
    let result = check(site_with_findings().path(), &["--lang", "en"]);
    insta::assert_snapshot!("human_en", result.stdout);
}

#[test]
fn the_demo_portal_gives_valid_sarif_and_junit() {
    let portal = common::repo_root().join("examples/portal");
    let portal = portal.to_str().unwrap();
    let sarif = check(&common::repo_root(), &[portal, "--format", "sarif"]);
    assert_valid_sarif(&serde_json::from_str(&sarif.stdout).unwrap());
    let junit = check(&common::repo_root(), &[portal, "--format", "junit"]);
    let document = parse_junit(&junit.stdout);
    assert_junit_counts(&document);
    assert!(count(document.root_element(), "tests") > 10);
}

#[test]
fn annotations_name_files_from_the_working_directory_while_json_stays_site_relative() {
    let site = site_with_findings();
    let parent = site.path().parent().unwrap();
    let name = site.path().file_name().unwrap().to_str().unwrap();
    let photo = format!("{name}/content/news/photo.md");

    let github = check(parent, &[name, "--format", "github"]);
    assert!(github.stdout.contains(&format!("::error file={photo},line=6,col=6,")), "{}", github.stdout);
    let sarif: Value = serde_json::from_str(&check(parent, &[name, "--format", "sarif"]).stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&photo.as_str()), "{uris:?}");
    let human = check(parent, &[name]);
    assert!(human.stdout.contains(&format!(" --> {photo}:6:6\n")), "{}", human.stdout);
    let junit = check(parent, &[name, "--format", "junit"]);
    assert!(parse_junit(&junit.stdout).descendants().any(|node| node.attribute("file") == Some(photo.as_str())));

    let report: Value = serde_json::from_str(&check(parent, &[name, "--format", "json"]).stdout).unwrap();
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| diagnostic["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"content/news/photo.md"), "SPEC §6: relative to the site root: {files:?}");
}

#[test]
fn no_format_republishes_the_personal_data_it_reports() {
    let site = clean_site();
    write(
        &site.path().join("content/news/list.md"),
        "+++\ntitle = \"拟录用人员名单\"\ndate = 2026-11-21\n+++\n\n张三，身份证号码11010519491231002X，手机13912345678。\n",
    );
    for format in ["human", "json", "sarif", "github", "junit"] {
        for lang in ["zh", "en"] {
            let result = check(site.path(), &["--format", format, "--lang", lang]);
            assert_eq!(result.code, 1, "{format}");
            assert!(result.stdout.contains("personal-data."), "{format}: {}", result.stdout);
            for secret in ["11010519491231002X", "13912345678", "0519491231"] {
                assert!(!result.stdout.contains(secret), "{format} --lang {lang} prints {secret}:\n{}", result.stdout);
            }
        }
    }
}
