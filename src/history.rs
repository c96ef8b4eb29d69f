//! The run history (SPEC §11): one JSON line per `build`, `links` (and `check --record`) run, so the
//! compliance report can show findings and link health over time. Pure: the CLI reads and appends the
//! file under a lock and reads the clock; this module owns the record and decides the rotation.
//!
//! Rotation keeps the history bounded without losing what 第二十条 asks to keep (不少于1年): when the
//! current file grows past `max_bytes` it becomes a dated segment (`history-2026-12-04.jsonl`, then
//! `history-2026-12-04.2.jsonl` on the same day), and a segment is deleted only once the day it was
//! closed lies more than `keep_months` (at least 12) months back — every entry in it is older still.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;
use crate::report::Report;

/// The entry format version written in `v`.
pub const HISTORY_VERSION: u32 = 1;
/// The default history file, relative to the site root (`[history] path`).
pub const DEFAULT_PATH: &str = ".govpress/history.jsonl";
/// The default size after which the current file is rotated (`[history] max_bytes`): about a year of
/// hourly builds of a site with findings.
pub const DEFAULT_MAX_BYTES: u64 = 8 * 1024 * 1024;
/// The least retention 第二十条 allows, in months (`[history] keep_months` may only raise it).
pub const MIN_KEEP_MONTHS: u32 = 12;

/// One run. Field names are part of the file format; new fields must be optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub v: u32,
    /// RFC 3339, when the run started.
    pub time: String,
    /// `build`, `links` or `check`.
    pub command: String,
    pub duration_ms: u64,
    /// Pages (Markdown files) the run read.
    pub pages: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per article of the regulation (`"13"` → 4).
    #[serde(default)]
    pub articles: BTreeMap<u8, usize>,
    /// Findings per rule id.
    #[serde(default)]
    pub rules: BTreeMap<String, usize>,
    /// `build`: whether the output was written (no errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
    /// `links`: the link check's tally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<LinkTally>,
}

/// What one `govpress links` run found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTally {
    /// Distinct URLs checked (cached ones included).
    pub checked: usize,
    pub broken: usize,
    /// Abnormal links (redirected elsewhere, unconfirmed…).
    pub warnings: usize,
}

impl HistoryEntry {
    /// The entry for a run that produced `report`.
    pub fn from_report(
        command: &str,
        time: DateTime<FixedOffset>,
        duration_ms: u64,
        pages: usize,
        report: &Report,
    ) -> HistoryEntry {
        let mut articles = BTreeMap::new();
        let mut rules = BTreeMap::new();
        for diagnostic in &report.diagnostics {
            *articles.entry(diagnostic.article).or_insert(0) += 1;
            *rules.entry(diagnostic.rule.to_string()).or_insert(0) += 1;
        }
        HistoryEntry {
            v: HISTORY_VERSION,
            time: time.to_rfc3339(),
            command: command.to_string(),
            duration_ms,
            pages,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            articles,
            rules,
            published: None,
            links: None,
        }
    }

    /// The stored line (without the newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn time(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.time).ok()
    }
}

/// The entries of one history file, oldest first as written; lines that are not entries (a line cut
/// by a crash, a hand edit) are counted, not fatal: the history is evidence, not input to a rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub entries: Vec<HistoryEntry>,
    /// 1-based line numbers that could not be read.
    pub unreadable_lines: Vec<usize>,
}

impl History {
    pub fn parse(text: &str) -> History {
        let mut history = History::default();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<HistoryEntry>(line) {
                Ok(entry) if entry.time().is_some() => history.entries.push(entry),
                _ => history.unreadable_lines.push(index + 1),
            }
        }
        history
    }

    /// Adds the entries of another file (a rotated segment) and sorts everything by time.
    pub fn extend(&mut self, other: History) {
        self.entries.extend(other.entries);
        self.unreadable_lines.extend(other.unreadable_lines);
        self.entries.sort_by_key(|entry| entry.time());
    }
}

/// `[history]` as the rotation reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationPolicy {
    pub max_bytes: u64,
    pub keep_months: u32,
}

impl Default for RotationPolicy {
    fn default() -> Self {
        RotationPolicy { max_bytes: DEFAULT_MAX_BYTES, keep_months: MIN_KEEP_MONTHS }
    }
}

/// What to do after an append: rename the current file to `rotate_to` (a name in the same directory),
/// and delete the segments in `delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationPlan {
    pub rotate_to: Option<String>,
    pub delete: Vec<String>,
}

/// The segments of the history file `current` (a file name such as `history.jsonl`) among `names`
/// (the file names of its directory), each with the day it was closed.
pub fn segments<'n>(current: &str, names: &[&'n str]) -> Vec<(&'n str, NaiveDate)> {
    let (stem, extension) = split_name(current);
    let mut found: Vec<(&str, NaiveDate)> =
        names.iter().filter_map(|name| Some((*name, segment_date(stem, extension, name)?))).collect();
    found.sort();
    found
}

fn split_name(name: &str) -> (&str, &str) {
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, extension),
        _ => (name, ""),
    }
}

/// `history-2026-12-04.jsonl` or `history-2026-12-04.3.jsonl` → 2026-12-04.
fn segment_date(stem: &str, extension: &str, name: &str) -> Option<NaiveDate> {
    let rest = name.strip_prefix(stem)?.strip_prefix('-')?;
    let rest = if extension.is_empty() { rest } else { rest.strip_suffix(extension)?.strip_suffix('.')? };
    let (day, number) = match rest.split_once('.') {
        Some((day, number)) => (day, Some(number)),
        None => (rest, None),
    };
    if number.is_some_and(|number| number.is_empty() || !number.bytes().all(|byte| byte.is_ascii_digit())) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().filter(|_| day.len() == 10)
}

/// The rotation decision after an append: the current file (`current`, `current_bytes` long) is
/// rotated when it exceeds the policy's size; segments closed before `now − keep_months` (never
/// fewer than 12 months) are deleted. `names` are the file names in the history's directory.
pub fn plan_rotation(
    current: &str,
    current_bytes: u64,
    names: &[&str],
    now: DateTime<FixedOffset>,
    policy: RotationPolicy,
) -> RotationPlan {
    let mut plan = RotationPlan::default();
    if current_bytes <= policy.max_bytes.max(1) {
        return plan;
    }
    let (stem, extension) = split_name(current);
    let today = now.date_naive();
    let dotted = if extension.is_empty() { String::new() } else { format!(".{extension}") };
    let day = today.format("%Y-%m-%d");
    let mut candidate = format!("{stem}-{day}{dotted}");
    let mut number = 2u32;
    while names.contains(&candidate.as_str()) {
        candidate = format!("{stem}-{day}.{number}{dotted}");
        number += 1;
    }
    plan.rotate_to = Some(candidate);
    let keep = policy.keep_months.max(MIN_KEEP_MONTHS);
    // A segment closed on `day` holds nothing newer than that day; it goes once that day is out of range.
    if let Some(cutoff) = today.checked_sub_months(Months::new(keep)) {
        plan.delete = segments(current, names)
            .into_iter()
            .filter(|(_, closed)| *closed < cutoff)
            .map(|(name, _)| name.to_string())
            .collect();
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Text};

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn an_entry_counts_findings_per_article_and_rule_and_reads_back() {
        let warning =
            Diagnostic::new("timeliness.stale-section", 13, Severity::Warning, Text::new("", ""), Text::new("", ""));
        let error = Diagnostic::new("reprint.source-url", 14, Severity::Error, Text::new("", ""), Text::new("", ""));
        let report = Report::new(3, vec![warning.clone(), warning, error]);
        let entry = HistoryEntry::from_report("build", at("2026-12-04T10:00:00+08:00"), 42, 3, &report);
        assert_eq!((entry.errors, entry.warnings), (1, 2));
        assert_eq!(entry.articles, BTreeMap::from([(13, 2), (14, 1)]));
        assert_eq!(entry.rules["timeliness.stale-section"], 2);
        let history = History::parse(&format!("{}\n{{\"cut\n\n{}\n", entry.to_line(), entry.to_line()));
        assert_eq!(history.entries, vec![entry.clone(), entry]);
        assert_eq!(history.unreadable_lines, vec![2]);
    }

    #[test]
    fn small_files_are_not_rotated() {
        let plan = plan_rotation(
            "history.jsonl",
            10,
            &["history.jsonl"],
            at("2026-12-04T10:00:00+08:00"),
            RotationPolicy::default(),
        );
        assert_eq!(plan, RotationPlan::default());
    }

    #[test]
    fn rotation_names_a_dated_numbered_segment_and_keeps_twelve_months() {
        let names = [
            "history.jsonl",
            "history-2026-12-04.jsonl",
            "history-2025-12-04.jsonl",
            "history-2025-12-03.jsonl",
            "history-2025-01-01.2.jsonl",
            "history-notes.jsonl",
            "other-2020-01-01.jsonl",
        ];
        let policy = RotationPolicy { max_bytes: 100, keep_months: 3 };
        let plan = plan_rotation("history.jsonl", 101, &names, at("2026-12-04T10:00:00+08:00"), policy);
        assert_eq!(plan.rotate_to.as_deref(), Some("history-2026-12-04.2.jsonl"));
        // keep_months below 12 is raised to 12: a segment closed exactly 12 months ago stays.
        assert_eq!(plan.delete, vec!["history-2025-01-01.2.jsonl".to_string(), "history-2025-12-03.jsonl".to_string()]);
        let longer = plan_rotation(
            "history.jsonl",
            101,
            &names,
            at("2026-12-04T10:00:00+08:00"),
            RotationPolicy { max_bytes: 100, keep_months: 24 },
        );
        assert!(longer.delete.is_empty());
    }
}
