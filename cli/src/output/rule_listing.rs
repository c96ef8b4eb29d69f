//! The rule list of `govpress rules`, for people and for scripts.

use std::fmt::Write as _;

use govpress::rules::RuleInfo;
use govpress::Lang;
use serde_json::json;
use unicode_width::UnicodeWidthStr;

use super::{article_text, severity_word};

/// One rule a line: id, article, default severity, summary; columns padded by display width.
pub fn human(rules: &[&RuleInfo], lang: Lang) -> String {
    let id_width = rules.iter().map(|rule| rule.id.width()).max().unwrap_or(0);
    let articles: Vec<String> = rules.iter().map(|rule| article_text(rule.article, lang)).collect();
    let article_width = articles.iter().map(|article| article.width()).max().unwrap_or(0);
    let mut out = String::new();
    for (rule, article) in rules.iter().zip(&articles) {
        let summary = match lang {
            Lang::Zh => rule.summary_zh,
            Lang::En => rule.summary_en,
        };
        let severity = severity_word(rule.severity, lang);
        let severity_width = severity_word(govpress::Severity::Warning, lang).width();
        let _ = writeln!(
            out,
            "{}{}  {}{}  {severity}{}  {summary}",
            rule.id,
            " ".repeat(id_width - rule.id.width()),
            article,
            " ".repeat(article_width - article.width()),
            " ".repeat(severity_width.saturating_sub(severity.width())),
        );
    }
    out
}

/// A JSON array of `{id, article, severity, summary_zh, summary_en}`.
pub fn json(rules: &[&RuleInfo]) -> String {
    let list: Vec<_> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "article": rule.article,
                "severity": rule.severity.as_str(),
                "summary_zh": rule.summary_zh,
                "summary_en": rule.summary_en,
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
}
