//! JUnit XML, the shape GitLab, Jenkins and Azure read: one `<testsuite>` per file, one `<testcase>` per rule
//! that reported there (all its diagnostics in one `<failure>`), and one passing testcase for a clean file.
//! Warnings fail only under `--deny-warnings`; otherwise they pass with the warning in `<system-out>`.

use std::collections::BTreeMap;

use govpress::redaction::Redactor;
use govpress::{Diagnostic, Lang, Report, Severity};

use super::{article_text, located_message, severity_word, Sources};

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use crate::xml::xml_text;

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
    let redactor = report.redactor();
    let mut junit = quick_junit::Report::new("govpress");
    for (name, cases) in &files {
        let file = sources.path(name);
        let mut suite = TestSuite::new(xml_text(file));
        if cases.is_empty() {
            let name = match lang {
                Lang::Zh => "全部规则通过",
                Lang::En => "all rules pass",
            };
            suite.add_test_case(located(TestCase::new(name, TestCaseStatus::success()), file, None));
        }
        for case in cases {
            let fails =
                case.diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Error || deny_warnings);
            suite.add_test_case(test_case(file, case, fails, &redactor, lang));
        }
        junit.add_test_suite(suite);
    }
    match junit.to_string() {
        Ok(xml) => xml,
        // Only an I/O error of the writer (a `Vec`) can fail serialising; there is none.
        Err(error) => format!("<!-- {} -->\n", xml_text(&error.to_string())),
    }
}

/// The file (and line) GitLab and Jenkins link a testcase to.
fn located(mut test_case: TestCase, file: &str, line: Option<usize>) -> TestCase {
    test_case.set_classname(xml_text(file));
    test_case.extra.insert("file".into(), xml_text(file).into());
    if let Some(line) = line {
        test_case.extra.insert("line".into(), line.to_string().into());
    }
    test_case
}

fn test_case(file: &str, case: &Case<'_>, fails: bool, redactor: &Redactor, lang: Lang) -> TestCase {
    let first = case.diagnostics[0];
    let help_word = match lang {
        Lang::Zh => "帮助：",
        Lang::En => "help: ",
    };
    let body: String = case
        .diagnostics
        .iter()
        .map(|diagnostic| {
            format!(
                "{file}:{}:{}: {} {}\n  {help_word}{}\n",
                diagnostic.start.line,
                diagnostic.start.column,
                severity_word(diagnostic.severity, lang),
                located_message(diagnostic, lang),
                diagnostic.help.get(lang)
            )
        })
        .collect();
    let body = xml_text(&redactor.apply(&body));
    let name = format!("{} ({})", case.rule, article_text(case.article, lang));
    let status = if fails {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(xml_text(&redactor.apply(first.message.get(lang))));
        status.set_type(first.severity.as_str());
        status.set_description(body.clone());
        status
    } else {
        TestCaseStatus::success()
    };
    let mut test_case = TestCase::new(xml_text(&name), status);
    if !fails {
        test_case.set_system_out(body);
    }
    located(test_case, file, Some(first.start.line))
}
