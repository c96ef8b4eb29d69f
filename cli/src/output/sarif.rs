//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, every rule in `tool.driver.rules`, results with
//! `%SRCROOT%`-relative locations. Columns count Unicode code points, as govpress's do.

use std::borrow::Cow;
use std::collections::HashMap;

use govpress::redaction::Redactor;
use govpress::rules::{all_rules, RuleInfo};
use govpress::{Diagnostic, Lang, Part, Report, Severity};
use serde::Serialize;
use serde_json::{json, Value};

use super::{article_text, located_message, Sources};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SOURCE_ROOT: &str = "%SRCROOT%";

// Typed results serialise straight to text: a report of ten thousand findings needs no JSON tree.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    invocations: Value,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    /// The attachment's cell, page or paragraph the region is in (its lines and columns count in that part).
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// The §6 extras, under the names the JSON report uses.
#[derive(Serialize)]
struct ResultProperties<'a> {
    article: u8,
    help: Cow<'a, str>,
    /// As in the JSON report: `{"sheet": …, "cell": …}`, `{"page": …}` or `{"paragraph": …}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<&'a Part>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    final_url: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
}

pub fn render(report: &Report, sources: &Sources, lang: Lang) -> String {
    let rules = all_rules();
    let rule_indexes: HashMap<&str, usize> = rules.iter().enumerate().map(|(index, rule)| (rule.id, index)).collect();
    let redactor = report.redactor();
    let results = report
        .diagnostics
        .iter()
        .map(|diagnostic| result(diagnostic, sources.path(&diagnostic.file), &rule_indexes, &redactor, lang))
        .collect();
    let mut driver = json!({
        "name": "govpress",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = json!(uri);
    }
    driver["rules"] = rules.iter().map(|rule| rule_descriptor(rule, lang)).collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": driver }),
            invocations: json!([{ "executionSuccessful": true }]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
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

fn result<'a>(
    diagnostic: &'a Diagnostic,
    path: &str,
    rule_indexes: &HashMap<&str, usize>,
    redactor: &Redactor,
    lang: Lang,
) -> SarifResult<'a> {
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
    SarifResult {
        rule_id: diagnostic.rule,
        rule_index: rule_indexes.get(diagnostic.rule).copied(),
        level: level(diagnostic.severity),
        message: Message {
            text: redactor
                .apply(&format!("{}\n{help_word}{}", located_message(diagnostic, lang), diagnostic.help.get(lang)))
                .into_owned(),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact_location(path),
                region: Region {
                    start_line: start.line.max(1),
                    start_column: start.column.max(1),
                    end_line: end_line.max(1),
                    end_column: end_column.max(1),
                },
            },
            message: diagnostic.part.as_ref().map(|part| Message { text: part.label(lang) }),
        }],
        properties: ResultProperties {
            article: diagnostic.article,
            help: redactor.apply(diagnostic.help.get(lang)),
            part: diagnostic.part.as_ref(),
            url: redactor.apply_option(diagnostic.extra.url.as_deref()),
            final_url: redactor.apply_option(diagnostic.extra.final_url.as_deref()),
            status: diagnostic.extra.status,
        },
    }
}

/// A site-relative path becomes a `%SRCROOT%`-relative URI; an absolute one (a single file checked outside a
/// site) a `file:` URI.
fn artifact_location(file: &str) -> ArtifactLocation {
    match file.strip_prefix('/') {
        Some(rest) => ArtifactLocation { uri: format!("file:///{}", percent_encode(rest)), uri_base_id: None },
        None => ArtifactLocation { uri: percent_encode(file.trim_start_matches("./")), uri_base_id: Some(SOURCE_ROOT) },
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
        assert_eq!(artifact_location("content/新闻 2024/a.md").uri, "content/%E6%96%B0%E9%97%BB%202024/a.md");
        assert_eq!(artifact_location("./content/a.md").uri_base_id, Some("%SRCROOT%"));
        assert_eq!(artifact_location("/tmp/a b.md").uri, "file:///tmp/a%20b.md");
        assert!(artifact_location("/tmp/a.md").uri_base_id.is_none());
    }
}
