//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, every rule in `tool.driver.rules`, results with
//! `%SRCROOT%`-relative locations. Columns count Unicode code points, as govpress's do.

use govpress::rules::{all_rules, RuleInfo};
use govpress::{Diagnostic, Lang, Report, Severity};
use serde_json::{json, Map, Value};

use super::{article_text, Sources};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SOURCE_ROOT: &str = "%SRCROOT%";

pub fn render(report: &Report, sources: &Sources, lang: Lang) -> String {
    let rules = all_rules();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|diagnostic| result(diagnostic, sources.path(&diagnostic.file), &rules, lang))
        .collect();
    let mut driver = Map::new();
    driver.insert("name".into(), json!("govpress"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert("rules".into(), Value::Array(rules.iter().map(|rule| rule_descriptor(rule, lang)).collect()));
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [{ "executionSuccessful": true }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// The project's home, when the package declares one (an invented address would mislead).
fn information_uri() -> Option<&'static str> {
    [option_env!("CARGO_PKG_HOMEPAGE"), option_env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .flatten()
        .find(|uri| !uri.is_empty())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule_descriptor(rule: &RuleInfo, lang: Lang) -> Value {
    let summary = match lang {
        Lang::Zh => rule.summary_zh,
        Lang::En => rule.summary_en,
    };
    let basis = match lang {
        Lang::Zh => format!("《互联网政务应用安全管理规定》{}：{summary}", article_text(rule.article, lang)),
        Lang::En => format!(
            "{summary} (Provisions on the Security Management of Internet Government Applications, {})",
            article_text(rule.article, lang)
        ),
    };
    json!({
        "id": rule.id,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": basis },
        "help": { "text": basis, "markdown": help_markdown(rule, summary, lang) },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "article": rule.article,
            "article_zh": govpress::diagnostic::article_zh(rule.article),
            "tags": ["compliance", format!("article-{}", rule.article)],
        },
    })
}

/// What GitHub shows under an alert: the article, the rule, and its default level.
fn help_markdown(rule: &RuleInfo, summary: &str, lang: Lang) -> String {
    let level = super::severity_word(rule.severity, lang);
    match lang {
        Lang::Zh => format!(
            "**《互联网政务应用安全管理规定》{}**\n\n{summary}\n\n规则 `{}`，默认级别：{level}。",
            article_text(rule.article, lang),
            rule.id
        ),
        Lang::En => format!(
            "**Provisions on the Security Management of Internet Government Applications, {}**\n\n{summary}\n\n\
             Rule `{}`, default level: {level}.",
            article_text(rule.article, lang),
            rule.id
        ),
    }
}

fn result(diagnostic: &Diagnostic, path: &str, rules: &[&RuleInfo], lang: Lang) -> Value {
    let start = diagnostic.start;
    // SARIF regions end after their last character; a point span still covers one character so
    // that viewers have something to highlight.
    let (end_line, end_column) = if diagnostic.end > start {
        (diagnostic.end.line, diagnostic.end.column)
    } else {
        (start.line, start.column + 1)
    };
    let help_word = match lang {
        Lang::Zh => "帮助：",
        Lang::En => "Help: ",
    };
    let mut properties = Map::new();
    properties.insert("article".into(), json!(diagnostic.article));
    properties.insert("help".into(), json!(diagnostic.help.get(lang)));
    if let Some(url) = &diagnostic.extra.url {
        properties.insert("url".into(), json!(url));
    }
    if let Some(final_url) = &diagnostic.extra.final_url {
        properties.insert("final_url".into(), json!(final_url));
    }
    if let Some(status) = diagnostic.extra.status {
        properties.insert("status".into(), json!(status));
    }
    let mut result = json!({
        "ruleId": diagnostic.rule,
        "level": level(diagnostic.severity),
        "message": { "text": format!("{}\n{help_word}{}", diagnostic.message.get(lang), diagnostic.help.get(lang)) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(path),
                "region": {
                    "startLine": start.line.max(1),
                    "startColumn": start.column.max(1),
                    "endLine": end_line.max(1),
                    "endColumn": end_column.max(1),
                },
            },
        }],
        "properties": properties,
    });
    if let Some(index) = rules.iter().position(|rule| rule.id == diagnostic.rule) {
        result["ruleIndex"] = json!(index);
    }
    result
}

/// A site-relative path becomes a `%SRCROOT%`-relative URI; an absolute one (a single file checked outside a
/// site) a `file:` URI.
fn artifact_location(file: &str) -> Value {
    if let Some(rest) = file.strip_prefix('/') {
        json!({ "uri": format!("file:///{}", percent_encode(rest)) })
    } else {
        json!({ "uri": percent_encode(file.trim_start_matches("./")), "uriBaseId": SOURCE_ROOT })
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/` (Chinese file names included).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(artifact_location("content/新闻 2024/a.md")["uri"], "content/%E6%96%B0%E9%97%BB%202024/a.md");
        assert_eq!(artifact_location("content/a.md")["uriBaseId"], "%SRCROOT%");
        assert_eq!(artifact_location("/tmp/a b.md")["uri"], "file:///tmp/a%20b.md");
        assert!(artifact_location("/tmp/a.md").get("uriBaseId").is_none());
    }
}
