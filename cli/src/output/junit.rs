//! JUnit XML, the shape GitLab, Jenkins and Azure read: one `<testsuite>` per file, one `<testcase>` per rule
//! that reported there (all its diagnostics in one `<failure>`), and one passing testcase for a clean file.
//! Warnings fail only under `--deny-warnings`; otherwise they pass with the warning in `<system-out>`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use govpress::redaction::Redactor;
use govpress::{Diagnostic, Lang, Report, Severity};

use super::{article_text, severity_word, Sources};

use crate::xml::{escape_attribute as escape, escape_content};

struct Case<'a> {
    rule: &'a str,
    article: u8,
    diagnostics: Vec<&'a Diagnostic>,
}

pub fn render(report: &Report, sources: &Sources, lang: Lang, deny_warnings: bool) -> String {
    // Files: every file read, plus those only diagnostics name (unreadable ones).
    let mut files: BTreeMap<&str, Vec<Case<'_>>> = sources.files().map(|file| (file, Vec::new())).collect();
    for diagnostic in &report.diagnostics {
        let cases = files.entry(diagnostic.file.as_str()).or_default();
        match cases.iter_mut().find(|case| case.rule == diagnostic.rule) {
            Some(case) => case.diagnostics.push(diagnostic),
            None => {
                cases.push(Case { rule: diagnostic.rule, article: diagnostic.article, diagnostics: vec![diagnostic] })
            }
        }
    }
    let fails = |case: &Case<'_>| {
        case.diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Error || deny_warnings)
    };
    let total_tests: usize = files.values().map(|cases| cases.len().max(1)).sum();
    let total_failures: usize = files.values().flatten().filter(|case| fails(case)).count();

    let redactor = report.redactor();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"govpress\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\" skipped=\"0\">"
    );
    for (name, cases) in &files {
        let file = sources.path(name);
        let failures = cases.iter().filter(|case| fails(case)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
            escape(file),
            cases.len().max(1)
        );
        if cases.is_empty() {
            let name = match lang {
                Lang::Zh => "全部规则通过",
                Lang::En => "all rules pass",
            };
            let _ = writeln!(out, "    <testcase name=\"{name}\" classname=\"{}\" file=\"{0}\"/>", escape(file));
        }
        for case in cases {
            render_case(&mut out, file, case, fails(case), &redactor, lang);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn render_case(out: &mut String, file: &str, case: &Case<'_>, fails: bool, redactor: &Redactor, lang: Lang) {
    let first = case.diagnostics[0];
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{1}\" line=\"{}\">",
        escape(&format!("{} ({})", case.rule, article_text(case.article, lang))),
        escape(file),
        first.start.line
    );
    let body: String = case
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let help_word = match lang {
                Lang::Zh => "帮助：",
                Lang::En => "help: ",
            };
            format!(
                "{file}:{}:{}: {} {}\n  {help_word}{}\n",
                diagnostic.start.line,
                diagnostic.start.column,
                severity_word(diagnostic.severity, lang),
                diagnostic.message.get(lang),
                diagnostic.help.get(lang)
            )
        })
        .collect();
    if fails {
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            escape(&redactor.apply(first.message.get(lang))),
            first.severity.as_str(),
            escape_content(&redactor.apply(&body))
        );
    } else {
        let _ = writeln!(out, "      <system-out>{}</system-out>", escape_content(&redactor.apply(&body)));
    }
    out.push_str("    </testcase>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_and_control_characters() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
        assert_eq!(escape("a\u{1}b\nc"), "a\u{fffd}b&#10;c");
        assert_eq!(escape_content("a\u{1}b\nc\r"), "a\u{fffd}b\nc&#13;");
    }
}
