//! The report every output format renders: SPEC §6, version 1.

use std::borrow::Cow;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Lang, Part, Severity};
use crate::redaction::Redactor;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub files_checked: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// The JSON shape of SPEC §6. Field order and names are part of the contract.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub files_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub rule: &'a str,
    pub article: u8,
    pub severity: Severity,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The cell, page or paragraph of an attachment (additive to SPEC §6: absent for text files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<&'a Part>,
    pub message: Cow<'a, str>,
    pub help: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_url: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl Report {
    pub fn new(files_checked: usize, mut diagnostics: Vec<Diagnostic>) -> Report {
        diagnostics.sort_by(|left, right| left.sort_key().cmp(&right.sort_key()));
        Report { files_checked, diagnostics }
    }

    pub fn merge(&mut self, other: Report) {
        self.files_checked += other.files_checked;
        self.diagnostics.extend(other.diagnostics);
        self.diagnostics.sort_by(|left, right| left.sort_key().cmp(&right.sort_key()));
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|diagnostic| diagnostic.severity == severity).count()
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// True when the report should fail a run (exit 1).
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.errors() > 0 || (deny_warnings && self.warnings() > 0)
    }

    /// Masks, in any text an output prints, the personal data the diagnostics point at (第二十二条).
    pub fn redactor(&self) -> Redactor {
        Redactor::new(self.diagnostics.iter().filter_map(|diagnostic| diagnostic.redacted.as_deref()))
    }

    pub fn to_json_value(&self, lang: Lang) -> JsonReport<'_> {
        let redactor = self.redactor();
        JsonReport {
            version: 1,
            files_checked: self.files_checked,
            errors: self.errors(),
            warnings: self.warnings(),
            diagnostics: self
                .diagnostics
                .iter()
                .map(|diagnostic| JsonDiagnostic {
                    rule: diagnostic.rule,
                    article: diagnostic.article,
                    severity: diagnostic.severity,
                    file: &diagnostic.file,
                    line: diagnostic.start.line,
                    column: diagnostic.start.column,
                    end_line: diagnostic.end.line,
                    end_column: diagnostic.end.column,
                    part: diagnostic.part.as_ref(),
                    message: redactor.apply(diagnostic.message.get(lang)),
                    help: redactor.apply(diagnostic.help.get(lang)),
                    url: redactor.apply_option(diagnostic.extra.url.as_deref()),
                    final_url: redactor.apply_option(diagnostic.extra.final_url.as_deref()),
                    status: diagnostic.extra.status,
                })
                .collect(),
        }
    }

    /// SPEC §6 JSON, pretty-printed.
    pub fn to_json(&self, lang: Lang) -> String {
        serde_json::to_string_pretty(&self.to_json_value(lang)).unwrap_or_default()
    }
}
