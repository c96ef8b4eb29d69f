//! `reviewers.toml`: the roster of reviewers (审核人员名册, SPEC §4), validated with line numbers.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone};
use serde::Deserialize;
use toml::Spanned;

use super::crypto::PublicKeyPem;
use crate::diagnostic::{Position, Text};
use crate::source::LineIndex;
use crate::time::{china_offset, Timestamp};

/// One person allowed to sign reviews.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewer {
    pub id: String,
    pub name: String,
    pub department: String,
    /// 在编人员: only staff may sign (第十三条).
    pub staff: bool,
    pub stages: Vec<String>,
    pub public_key: PublicKeyPem,
    pub valid_from: Timestamp,
    /// A date means the whole day is still valid.
    pub valid_until: Timestamp,
    /// The line of the reviewer's `id` in the roster.
    pub line: usize,
}

/// Why a reviewer may not sign a stage at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotStaff,
    StageNotAllowed { stage: String },
    NotYetValid { valid_from: String },
    Expired { valid_until: String },
}

impl Refusal {
    pub fn text(&self, reviewer: &Reviewer) -> Text {
        let who = format!("{}（{}）", reviewer.name, reviewer.id);
        match self {
            Refusal::NotStaff => Text::new(
                format!("审核人 {who} 不是在编人员（staff = false），不能签核"),
                format!("Reviewer {} ({}) is not staff (staff = false) and may not sign", reviewer.name, reviewer.id),
            ),
            Refusal::StageNotAllowed { stage } => Text::new(
                format!("审核人 {who} 无权签核“{stage}”环节（名册允许：{}）", reviewer.stages.join("、")),
                format!(
                    "Reviewer {} ({}) may not sign stage “{stage}” (allowed: {})",
                    reviewer.name,
                    reviewer.id,
                    reviewer.stages.join(", ")
                ),
            ),
            Refusal::NotYetValid { valid_from } => Text::new(
                format!("审核人 {who} 的任职自 {valid_from} 起才生效"),
                format!("Reviewer {} ({}) is only valid from {valid_from}", reviewer.name, reviewer.id),
            ),
            Refusal::Expired { valid_until } => Text::new(
                format!("审核人 {who} 的任职已于 {valid_until} 到期"),
                format!("Reviewer {} ({}) expired on {valid_until}", reviewer.name, reviewer.id),
            ),
        }
    }
}

impl Reviewer {
    /// Whether this reviewer may sign `stage` at `at`: staff, allowed the stage, within validity.
    pub fn may_sign(&self, stage: &str, at: DateTime<FixedOffset>) -> Result<(), Refusal> {
        if !self.staff {
            return Err(Refusal::NotStaff);
        }
        if !self.stages.iter().any(|allowed| allowed == stage) {
            return Err(Refusal::StageNotAllowed { stage: stage.to_string() });
        }
        if at < self.valid_from.instant() {
            return Err(Refusal::NotYetValid { valid_from: self.valid_from.display() });
        }
        if at >= validity_end(&self.valid_until) {
            return Err(Refusal::Expired { valid_until: self.valid_until.display() });
        }
        Ok(())
    }

    /// Whether `author` (a page's front-matter `author`) names this reviewer.
    pub fn is_author(&self, author: &str) -> bool {
        let author = author.trim();
        !author.is_empty() && (author == self.id || author == self.name)
    }
}

/// The first moment no longer valid: the next midnight for a date, just after the moment otherwise.
fn validity_end(until: &Timestamp) -> DateTime<FixedOffset> {
    match until {
        Timestamp::Date(date) => {
            let next = date.succ_opt().unwrap_or(*date).and_time(NaiveTime::MIN);
            china_offset().from_local_datetime(&next).single().unwrap_or_else(|| until.instant())
        }
        _ => until.instant() + Duration::nanoseconds(1),
    }
}

/// The parsed roster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roster {
    reviewers: Vec<Reviewer>,
    by_id: HashMap<String, usize>,
}

/// A roster problem at `reviewers.toml:line:column`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {}", position.line, position.column, message.zh)]
pub struct RosterError {
    pub position: Position,
    pub message: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoster {
    #[serde(default)]
    reviewer: Vec<RawReviewer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReviewer {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    department: String,
    staff: bool,
    stages: Spanned<Vec<String>>,
    public_key: Spanned<String>,
    valid_from: Spanned<toml::Value>,
    valid_until: Spanned<toml::Value>,
}

impl Roster {
    /// Parses and validates `reviewers.toml`; `stages` are the site's `[review].stages`.
    pub fn parse(text: &str, stages: &[String]) -> Result<Roster, RosterError> {
        let index = LineIndex::new(text);
        let at = |offset: usize| index.position(text, offset);
        let raw: RawRoster = toml::from_str(text).map_err(|error| RosterError {
            position: error.span().map_or(Position::START, |span| at(span.start)),
            message: Text::new(
                format!("审核人员名册格式错误：{}", error.message().trim()),
                format!("Malformed roster: {}", error.message().trim()),
            ),
        })?;
        let mut roster = Roster::default();
        for entry in raw.reviewer {
            let fail = |span: std::ops::Range<usize>, zh: String, en: String| RosterError {
                position: at(span.start),
                message: Text::new(zh, en),
            };
            let id = entry.id.get_ref().trim().to_string();
            if id.is_empty() {
                return Err(fail(
                    entry.id.span(),
                    "审核人 id 不能为空".into(),
                    "A reviewer id may not be empty".into(),
                ));
            }
            if let Some(&first) = roster.by_id.get(&id) {
                let line = roster.reviewers[first].line;
                return Err(fail(
                    entry.id.span(),
                    format!("审核人 id “{id}” 重复（第 {line} 行已有）"),
                    format!("Duplicate reviewer id “{id}” (already on line {line})"),
                ));
            }
            if entry.stages.get_ref().is_empty() {
                return Err(fail(
                    entry.stages.span(),
                    format!("审核人 {id} 没有可签核的环节"),
                    format!("Reviewer {id} has no stages"),
                ));
            }
            if let Some(unknown) = entry.stages.get_ref().iter().find(|stage| !stages.contains(stage)) {
                return Err(fail(
                    entry.stages.span(),
                    format!("审核人 {id} 的环节“{unknown}”不在 [review].stages（{}）中", stages.join("、")),
                    format!("Reviewer {id}: stage “{unknown}” is not in [review].stages ({})", stages.join(", ")),
                ));
            }
            let public_key = PublicKeyPem::parse(entry.public_key.get_ref()).map_err(|error| {
                fail(
                    entry.public_key.span(),
                    format!("审核人 {id} 的公钥无效：{error}"),
                    format!("Reviewer {id}: bad public key: {error}"),
                )
            })?;
            if let Some(other) = roster.reviewers.iter().find(|other| other.public_key == public_key) {
                return Err(fail(
                    entry.public_key.span(),
                    format!("审核人 {id} 与 {} 使用同一公钥：每人须有自己的密钥", other.id),
                    format!("Reviewer {id} shares a public key with {}: each person needs their own key", other.id),
                ));
            }
            let valid_from = timestamp(&entry.valid_from, "valid_from", &id, &at)?;
            let valid_until = timestamp(&entry.valid_until, "valid_until", &id, &at)?;
            if validity_end(&valid_until) <= valid_from.instant() {
                return Err(fail(
                    entry.valid_until.span(),
                    format!(
                        "审核人 {id} 的 valid_until（{}）早于 valid_from（{}）",
                        valid_until.display(),
                        valid_from.display()
                    ),
                    format!(
                        "Reviewer {id}: valid_until ({}) is before valid_from ({})",
                        valid_until.display(),
                        valid_from.display()
                    ),
                ));
            }
            let line = at(entry.id.span().start).line;
            roster.by_id.insert(id.clone(), roster.reviewers.len());
            roster.reviewers.push(Reviewer {
                id,
                name: entry.name.trim().to_string(),
                department: entry.department.trim().to_string(),
                staff: entry.staff,
                stages: entry.stages.into_inner(),
                public_key,
                valid_from,
                valid_until,
                line,
            });
        }
        Ok(roster)
    }

    pub fn get(&self, id: &str) -> Option<&Reviewer> {
        self.by_id.get(id).map(|&index| &self.reviewers[index])
    }

    pub fn reviewers(&self) -> &[Reviewer] {
        &self.reviewers
    }

    pub fn is_empty(&self) -> bool {
        self.reviewers.is_empty()
    }
}

fn timestamp(
    value: &Spanned<toml::Value>,
    key: &str,
    id: &str,
    at: &impl Fn(usize) -> Position,
) -> Result<Timestamp, RosterError> {
    let text = match value.get_ref() {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) => datetime.to_string(),
        _ => String::new(),
    };
    Timestamp::parse(&text).ok_or_else(|| RosterError {
        position: at(value.span().start),
        message: Text::new(
            format!("审核人 {id} 的 {key} 不是日期（例如 2024-01-01 或 2024-01-01T09:00:00+08:00）"),
            format!("Reviewer {id}: {key} is not a date (e.g. 2024-01-01 or 2024-01-01T09:00:00+08:00)"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::crypto::tests::test_key;

    fn stages() -> Vec<String> {
        vec!["初审".into(), "复审".into(), "终审".into()]
    }

    pub(crate) fn entry(id: &str, seed: u8, extra: &str) -> String {
        let pem = test_key(seed).public_key().to_pem();
        format!(
            "[[reviewer]]\nid = \"{id}\"\nname = \"{id}名\"\ndepartment = \"办公室\"\nstaff = true\nstages = [\"初审\", \"复审\"]\npublic_key = \"\"\"\n{pem}\"\"\"\nvalid_from = 2024-01-01\nvalid_until = 2030-12-31\n{extra}"
        )
    }

    #[test]
    fn parses_entries_and_remembers_lines() {
        let text = entry("zhang", 1, "") + &entry("li", 2, "");
        let roster = Roster::parse(&text, &stages()).unwrap();
        assert_eq!(roster.reviewers().len(), 2);
        assert_eq!(roster.get("zhang").unwrap().line, 2);
        assert_eq!(roster.get("li").unwrap().public_key, test_key(2).public_key());
    }

    #[test]
    fn duplicate_ids_name_the_second_line() {
        let text = entry("zhang", 1, "") + &entry("zhang", 2, "");
        let error = Roster::parse(&text, &stages()).unwrap_err();
        let second_id_line = text.lines().enumerate().filter(|(_, line)| line.starts_with("id")).nth(1).unwrap().0 + 1;
        assert_eq!(error.position.line, second_id_line);
        assert!(error.message.zh.contains("重复"), "{error}");
    }

    #[test]
    fn bad_keys_dates_and_stages_are_line_numbered() {
        let bad_key = "[[reviewer]]\nid = \"a\"\nname = \"甲\"\nstaff = true\nstages = [\"初审\"]\npublic_key = \"garbage\"\nvalid_from = 2024-01-01\nvalid_until = 2025-01-01\n";
        let error = Roster::parse(bad_key, &stages()).unwrap_err();
        assert_eq!(error.position.line, 6);
        assert!(error.message.zh.contains("公钥无效"));

        let reversed = entry("a", 1, "").replace("valid_until = 2030-12-31", "valid_until = 2023-12-31");
        let error = Roster::parse(&reversed, &stages()).unwrap_err();
        assert_eq!(error.position.line, reversed.lines().position(|line| line.starts_with("valid_until")).unwrap() + 1);
        assert!(error.message.zh.contains("早于"));

        let unknown_stage = entry("a", 1, "").replace("\"复审\"]", "\"四审\"]");
        let error = Roster::parse(&unknown_stage, &stages()).unwrap_err();
        assert_eq!(error.position.line, 6);
        assert!(error.message.zh.contains("四审"));

        let missing = "[[reviewer]]\nid = \"a\"\n";
        assert!(Roster::parse(missing, &stages()).unwrap_err().message.zh.contains("missing field"));
        let shared_key = entry("a", 1, "") + &entry("b", 1, "");
        assert!(Roster::parse(&shared_key, &stages()).unwrap_err().message.zh.contains("同一公钥"));
    }

    #[test]
    fn validity_counts_the_whole_last_day() {
        let roster = Roster::parse(&entry("a", 1, ""), &stages()).unwrap();
        let reviewer = roster.get("a").unwrap();
        let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap();
        assert_eq!(reviewer.may_sign("初审", at("2030-12-31T23:59:59+08:00")), Ok(()));
        assert!(matches!(reviewer.may_sign("初审", at("2031-01-01T00:00:00+08:00")), Err(Refusal::Expired { .. })));
        assert!(matches!(reviewer.may_sign("初审", at("2023-12-31T23:59:59+08:00")), Err(Refusal::NotYetValid { .. })));
        assert!(matches!(
            reviewer.may_sign("终审", at("2025-01-01T00:00:00+08:00")),
            Err(Refusal::StageNotAllowed { .. })
        ));
        assert!(reviewer.is_author("a名") && reviewer.is_author(" a ") && !reviewer.is_author(""));
    }
}
