//! `govpress rules`: the rule list for people and scripts.

mod common;

use serde_json::Value;

#[test]
fn rules_are_listed_once_each_with_article_and_severity() {
    let listed = common::run(common::govpress().args(["rules", "--format", "json"]));
    assert_eq!(listed.code, 0);
    let rules: Value = serde_json::from_str(&listed.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 10);
    let mut ids: Vec<&str> = rules.iter().map(|rule| rule["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), rules.len(), "rule ids are unique");
    for rule in rules {
        assert!(["error", "warning"].contains(&rule["severity"].as_str().unwrap()), "{rule}");
        assert!((3..=30).contains(&rule["article"].as_u64().unwrap()), "{rule}");
        assert!(!rule["summary_zh"].as_str().unwrap().is_empty() && !rule["summary_en"].as_str().unwrap().is_empty());
    }

    let human = common::run(common::govpress().arg("rules"));
    assert_eq!(human.code, 0);
    assert_eq!(human.stdout.lines().count(), rules.len());
    let reprint = human.stdout.lines().find(|line| line.starts_with("reprint.source-url ")).unwrap();
    assert!(reprint.contains("第十四条") && reprint.contains("错误"), "{reprint}");
    let english = common::run(common::govpress().args(["rules", "--lang", "en"]));
    let reprint = english.stdout.lines().find(|line| line.starts_with("reprint.source-url ")).unwrap();
    assert!(reprint.contains("article 14") && reprint.contains("error") && reprint.is_ascii(), "{reprint}");
}

/// The rule ids `govpress rules` lists.
fn registered_ids() -> std::collections::BTreeSet<String> {
    let listed = common::run(common::govpress().args(["rules", "--format", "json"]));
    let rules: Value = serde_json::from_str(&listed.stdout).unwrap();
    rules.as_array().unwrap().iter().map(|rule| rule["id"].as_str().unwrap().to_string()).collect()
}

/// The rule ids of a §6 JSON report on stdout (none when the command printed no report).
fn reported_ids(run: &common::Run) -> Vec<String> {
    if run.stdout.trim().is_empty() {
        return Vec::new();
    }
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}: {}", run.stdout));
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap().to_string()).collect()
}

/// Every SARIF result names a rule of the log's own rule table.
fn assert_sarif_rules_are_in_its_table(run: &common::Run) {
    let log: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}: {}", run.stdout));
    let table: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let id = result["ruleId"].as_str().unwrap();
        assert!(table.contains(&id), "{id} is missing from the SARIF rule table");
        assert_eq!(table[result["ruleIndex"].as_u64().unwrap() as usize], id);
    }
}

#[test]
fn every_rule_id_a_command_reports_on_the_corpus_is_listed() {
    let registered = registered_ids();
    let corpus = common::repo_root().join("tests/corpus");
    let mut emitted: Vec<(String, String)> = Vec::new();
    let mut rule_dirs: Vec<_> = std::fs::read_dir(&corpus).unwrap().flatten().map(|entry| entry.path()).collect();
    rule_dirs.retain(|path| path.is_dir());
    rule_dirs.sort();
    let out = tempfile::tempdir().unwrap();
    for rule_dir in rule_dirs {
        let mut plain = Vec::new();
        for entry in std::fs::read_dir(&rule_dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                // A site case: `check` (JSON and SARIF), then `build`, whose audit of the output reports too.
                let site = path.to_string_lossy().to_string();
                let checked = common::check(&rule_dir, &[&site, "--format", "json"]);
                emitted.extend(reported_ids(&checked).into_iter().map(|id| (id, format!("check {site}"))));
                assert_sarif_rules_are_in_its_table(&common::check(&rule_dir, &[&site, "--format", "sarif"]));
                let target = out.path().join(&name);
                let built = common::run(common::govpress().args(["build", &site, "--format", "json", "--now"]).args([
                    common::NOW,
                    "--out",
                    &target.to_string_lossy(),
                    "--quiet",
                ]));
                emitted.extend(reported_ids(&built).into_iter().map(|id| (id, format!("build {site}"))));
            } else if name.ends_with(".md") {
                let config = path.with_extension("toml");
                if config.is_file() {
                    let args = [name.as_str(), "--format", "json", "--config", &config.to_string_lossy()];
                    let checked = common::check(&rule_dir, &args);
                    emitted.extend(reported_ids(&checked).into_iter().map(|id| (id, format!("check {name}"))));
                } else {
                    plain.push(name);
                }
            }
        }
        if plain.is_empty() {
            continue;
        }
        let mut args: Vec<&str> = plain.iter().map(String::as_str).collect();
        args.extend(["--format", "json"]);
        let checked = common::check(&rule_dir, &args);
        emitted.extend(reported_ids(&checked).into_iter().map(|id| (id, format!("check {}", rule_dir.display()))));
        args.truncate(plain.len());
        args.extend(["--format", "sarif"]);
        assert_sarif_rules_are_in_its_table(&common::check(&rule_dir, &args));
    }
    // `verify` over a published tree that was changed, added to and cut.
    let site = common::clean_site();
    let public = site.path().join("public");
    let built = common::run(common::govpress().arg("build").arg(site.path()).args(["--now", common::NOW, "--quiet"]));
    assert_eq!(built.code, 0, "{}", built.stderr);
    std::fs::write(public.join("index.html"), "<p>篡改</p>").unwrap();
    std::fs::write(public.join("added.html"), "<p>新增</p>").unwrap();
    std::fs::remove_file(public.join("sitemap.xml")).unwrap();
    let verified = common::run(common::govpress().arg("verify").arg(&public).args(["--format", "json"]));
    emitted.extend(reported_ids(&verified).into_iter().map(|id| (id, "verify".to_string())));

    let ids: std::collections::BTreeSet<&str> = emitted.iter().map(|(id, _)| id.as_str()).collect();
    for must in ["front-matter.missing", "personal-data.mobile", "verify.changed", "verify.added", "verify.missing"] {
        assert!(ids.contains(must), "the corpus run should report {must}; it reported {ids:?}");
    }
    for (id, command) in &emitted {
        assert!(registered.contains(id), "`govpress {command}` reported {id}, which `govpress rules` does not list");
    }
}
