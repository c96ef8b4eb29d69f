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
