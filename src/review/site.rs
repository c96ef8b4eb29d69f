//! Article 13 on a site: the review state of each page as a diagnostic whose help is the command that fixes it.

use super::log::Broken;
use super::roster::{Roster, RosterError};
use super::state::PageState;
use crate::config::ReviewSection;
use crate::diagnostic::{Diagnostic, Position, Severity, Text};
use crate::front_matter;
use crate::rules::RuleInfo;
use crate::time::Timestamp;

pub const UNSIGNED: RuleInfo = RuleInfo {
    id: "review.unsigned",
    article: 13,
    severity: Severity::Error,
    summary_zh: "页面须经全部审核环节（初审、复审、终审）签核后才能发布",
    summary_en: "A page is published only after every review stage signed it",
};

pub const STALE: RuleInfo = RuleInfo {
    id: "review.stale",
    article: 13,
    severity: Severity::Error,
    summary_zh: "页面在签核后被修改，须重新签核",
    summary_en: "The page changed after it was signed and must be signed again",
};

pub const REJECTED: RuleInfo = RuleInfo {
    id: "review.rejected",
    article: 13,
    severity: Severity::Error,
    summary_zh: "页面被审核人退回，修改后须重新送审",
    summary_en: "A reviewer rejected the page; it must be revised and reviewed again",
};

pub const LOG_INVALID: RuleInfo = RuleInfo {
    id: "review.log-invalid",
    article: 13,
    severity: Severity::Error,
    summary_zh: "审核记录档案校验失败（链条、哈希或签名不符），签核不可信",
    summary_en: "The review archive fails verification (chain, hash or signature), so no sign-off can be trusted",
};

pub const ROSTER_INVALID: RuleInfo = RuleInfo {
    id: "review.roster-invalid",
    article: 13,
    severity: Severity::Error,
    summary_zh: "审核人员名册无效",
    summary_en: "The reviewer roster is invalid",
};

pub const ROSTER_UNCERTIFIED: RuleInfo = RuleInfo {
    id: "review.roster-uncertified",
    article: 13,
    severity: Severity::Error,
    summary_zh: "审核人员名册未经单位管理员（信任根）认证，或认证后被修改",
    summary_en: "The reviewer roster is not certified by the unit administrator (the trust root), or changed since",
};

pub const LOG_ROLLBACK: RuleInfo = RuleInfo {
    id: "review.log-rollback",
    article: 13,
    severity: Severity::Error,
    summary_zh: "审核记录档案没有延续基线档案：记录被删除或改写（如撤销退回）",
    summary_en:
        "The review archive does not extend its base: records were deleted or rewritten (e.g. a rejection undone)",
};

pub const RULES: &[RuleInfo] =
    &[UNSIGNED, STALE, REJECTED, LOG_INVALID, ROSTER_INVALID, ROSTER_UNCERTIFIED, LOG_ROLLBACK];

/// Rules that say the roster or the archive cannot be trusted: a preview may soften sign-off findings,
/// never these.
pub const INTEGRITY_RULES: [&str; 4] = [LOG_INVALID.id, ROSTER_INVALID.id, ROSTER_UNCERTIFIED.id, LOG_ROLLBACK.id];

/// What review needs from a page's front matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFacts {
    pub author: Option<String>,
    /// Drafts are not published, so they need no sign-off.
    pub draft: bool,
    /// The page's `date` and where it is written (compared with its 终审 time).
    pub date: Option<(Timestamp, Position)>,
}

impl PageFacts {
    pub fn read(source: &str) -> PageFacts {
        let Ok(split) = front_matter::split(source) else { return PageFacts::default() };
        match front_matter::parse(source, &split) {
            Ok((front_matter, keys)) => PageFacts {
                date: front_matter.date().map(|date| (date, keys.get("date"))),
                author: front_matter.author,
                draft: front_matter.draft,
            },
            Err(_) => PageFacts::default(),
        }
    }
}

/// 伪造发稿日期, as the signed log shows it: a signed-off page whose `date` lies more than
/// `[review] date_tolerance_days` (default 30; 0 turns it off) from the time of its last stage's
/// approval (终审). The signature's time is the one a page cannot backdate.
pub fn backdating(path: &str, facts: &PageFacts, state: &PageState, review: &ReviewSection) -> Option<Diagnostic> {
    let tolerance = review.date_tolerance_days.unwrap_or(DEFAULT_DATE_TOLERANCE_DAYS);
    let ((date, position), final_stage) = (facts.date.as_ref()?, review.stages.last()?);
    if tolerance == 0 {
        return None;
    }
    let PageState::SignedOff { approvals } = state else { return None };
    let approval =
        approvals.iter().filter(|approval| &approval.stage == final_stage).max_by_key(|approval| approval.seq)?;
    let signed = Timestamp::parse(&approval.time)?;
    let days = (date.china_date() - signed.china_date()).num_days();
    if days.abs() <= i64::from(tolerance) {
        return None;
    }
    let (shown, signed_shown) = (date.display(), signed.display());
    let (gap_zh, gap_en) = if days < 0 {
        (format!("早 {} 天", -days), format!("{} days before", -days))
    } else {
        (format!("晚 {days} 天"), format!("{days} days after"))
    };
    Some(
        crate::rules::timeliness::REVIEW_DATE
            .diagnostic(
                Text::new(
                    format!("页面日期 {shown} 比{final_stage}签署时间 {signed_shown} {gap_zh}，超过 {tolerance} 天（第十三条：不得伪造发稿日期）"),
                    format!("The page is dated {shown}, {gap_en} its {final_stage} signature ({signed_shown}), more than {tolerance} days (article 13: no faked dates)"),
                ),
                Text::new(
                    "写实际发布日期；补录的历史页面可调大 govpress.toml 的 [review] date_tolerance_days（0 为关闭）",
                    "Give the real publication date; for pages entered afterwards, raise [review] date_tolerance_days (0 turns it off)",
                ),
            )
            .at(*position, *position)
            .in_file(path),
    )
}

/// Days a page's date may lie from its 终审 time.
pub const DEFAULT_DATE_TOLERANCE_DAYS: u32 = 30;

/// The roster problem as a diagnostic at `file:line`.
pub fn roster_diagnostic(file: &str, error: &RosterError) -> Diagnostic {
    ROSTER_INVALID
        .diagnostic(
            Text::new(format!("{}（第十三条）", error.message.zh), format!("{} (article 13)", error.message.en)),
            Text::new("按 docs/review.md 修正审核人员名册", "Fix the roster as docs/review.md describes"),
        )
        .at(error.position, error.position)
        .in_file(file)
}

/// The roster not certified by the trust root, at the roster file.
pub fn uncertified_diagnostic(file: &str, reason: &Text) -> Diagnostic {
    ROSTER_UNCERTIFIED
        .diagnostic(
            Text::new(
                format!("审核人员名册未通过信任根校验：{}（第十三条）", reason.zh),
                format!("The roster fails the trust root: {} (article 13)", reason.en),
            ),
            Text::new(
                "由单位管理员核对名册后运行 govpress review certify-roster --key 管理员私钥.pem，并提交生成的 .sig 文件",
                "The unit administrator reviews the roster, runs govpress review certify-roster --key ADMIN.pem and commits the .sig file",
            ),
        )
        .in_file(file)
}

/// The log that does not extend its base (a rollback), at `file:line`.
pub fn rollback_diagnostic(file: &str, broken: &Broken) -> Diagnostic {
    let position = crate::diagnostic::Position { line: broken.line, column: 1 };
    LOG_ROLLBACK
        .diagnostic(
            Text::new(
                format!("审核记录档案第 {} 行：{}（第十三条）", broken.line, broken.reason.zh),
                format!("The review archive at line {}: {} (article 13)", broken.line, broken.reason.en),
            ),
            Text::new(
                "审核记录只能追加：从基线版本恢复被删除或改写的记录（git checkout <基线> -- 档案文件），再追加新的签核",
                "Reviews are only appended: restore the deleted or rewritten records from the base (git checkout <base> -- the archive), then sign again",
            ),
        )
        .at(position, position)
        .in_file(file)
}

/// The broken log as a diagnostic at `file:line`.
pub fn log_diagnostic(file: &str, broken: &Broken) -> Diagnostic {
    let position = crate::diagnostic::Position { line: broken.line, column: 1 };
    LOG_INVALID
        .diagnostic(
            Text::new(
                format!("审核记录档案第 {} 行校验失败：{}（第十三条）", broken.line, broken.reason.zh),
                format!("The review archive fails at line {}: {} (article 13)", broken.line, broken.reason.en),
            ),
            Text::new(
                "审核记录档案只能追加：从版本库恢复原文件（git checkout），再运行 govpress review verify",
                "The archive is append-only: restore it from version control (git checkout), then run govpress review verify",
            ),
        )
        .at(position, position)
        .in_file(file)
}

/// The diagnostic for a page that is not signed off; `None` when it is.
pub fn page_diagnostic(
    path: &str,
    state: &PageState,
    roster: Option<&Roster>,
    stages: &[String],
    author: Option<&str>,
) -> Option<Diagnostic> {
    let first_stage = stages.first().map_or("初审", String::as_str);
    let command = |stage: &str| sign_command(path, stage, roster, state, author);
    let (rule, message, help) = match state {
        PageState::SignedOff { .. } => return None,
        PageState::Unsigned => (
            UNSIGNED,
            Text::new(
                format!("页面未经审核签核：{} 均须签核后才能发布（第十三条）", stages.join("、")),
                format!("The page has no review sign-off: {} must all sign before it is published (article 13)", stages.join(", ")),
            ),
            command(first_stage),
        ),
        PageState::Pending { approvals, missing, notes } => {
            let done = approvals.iter().map(|approval| format!("{} {}", approval.stage, approval.reviewer)).collect::<Vec<_>>();
            let notes_zh: String = notes.iter().map(|note| format!("；{}", note.zh)).collect();
            let notes_en: String = notes.iter().map(|note| format!("; {}", note.en)).collect();
            (
                UNSIGNED,
                Text::new(
                    format!("页面尚缺“{}”签核（已签：{}）{notes_zh}（第十三条）", missing.join("”“"), or_none(&done, "无")),
                    format!("The page still needs {} (signed: {}){notes_en} (article 13)", missing.join(", "), or_none(&done, "none")),
                ),
                command(&missing[0]),
            )
        }
        PageState::Stale { missing, outdated, .. } => (
            STALE,
            Text::new(
                format!(
                    "页面在 {} 签核（{}，{}）后被修改，SM3 摘要已变：须重新签核“{}”（第十三条）",
                    outdated.reviewer, outdated.stage, outdated.time, missing.join("”“")
                ),
                format!(
                    "The page changed after {} signed it ({}, {}); its SM3 digest differs: {} must sign again (article 13)",
                    outdated.reviewer, outdated.stage, outdated.time, missing.join(", ")
                ),
            ),
            command(&missing[0]),
        ),
        PageState::Rejected { rejection } => {
            let comment = if rejection.comment.is_empty() { String::new() } else { format!("：{}", rejection.comment) };
            (
                REJECTED,
                Text::new(
                    format!("页面已被 {} 在“{}”环节退回（{}）{comment}（第十三条）", rejection.reviewer, rejection.stage, rejection.time),
                    format!(
                        "{} rejected the page at stage “{}” ({}){} (article 13)",
                        rejection.reviewer, rejection.stage, rejection.time, comment.replacen('：', ": ", 1)
                    ),
                ),
                prefix(Text::new("按退回意见修改后从头送审：", "Revise it as asked, then start the review again: "), command(first_stage)),
            )
        }
        PageState::Invalid { reason } => (
            LOG_INVALID,
            Text::new(format!("无法确认页面的签核：{}（第十三条）", reason.zh), format!("The page's sign-off cannot be trusted: {} (article 13)", reason.en)),
            Text::new("运行 govpress review verify 查明并修复审核记录档案或名册", "Run govpress review verify to find and repair the archive or roster"),
        ),
    };
    Some(rule.diagnostic(message, help).in_file(path))
}

fn or_none(items: &[String], none: &str) -> String {
    if items.is_empty() {
        none.to_string()
    } else {
        items.join("、")
    }
}

fn prefix(head: Text, tail: Text) -> Text {
    Text::new(head.zh + &tail.zh, head.en + &tail.en)
}

/// `govpress review sign PATH --stage S --reviewer ID --key KEY.pem`, naming a reviewer who could sign.
fn sign_command(path: &str, stage: &str, roster: Option<&Roster>, state: &PageState, author: Option<&str>) -> Text {
    let Some(roster) = roster.filter(|roster| !roster.is_empty()) else {
        return Text::new(
            format!(
                "先用 govpress keygen --out 私钥.pem 生成密钥并在 reviewers.toml 登记审核人，再运行：govpress review sign {path} --stage {stage} --reviewer <审核人ID> --key 私钥.pem"
            ),
            format!(
                "Create a key with govpress keygen --out KEY.pem and list the reviewer in reviewers.toml, then run: govpress review sign {path} --stage {stage} --reviewer <ID> --key KEY.pem"
            ),
        );
    };
    let signed: Vec<&str> = state.approvals().iter().map(|approval| approval.reviewer.as_str()).collect();
    let candidate = roster.reviewers().iter().find(|reviewer| {
        reviewer.staff
            && reviewer.stages.iter().any(|allowed| allowed == stage)
            && !signed.contains(&reviewer.id.as_str())
            && !author.is_some_and(|author| reviewer.is_author(author))
    });
    let (reviewer, key) = match candidate {
        Some(reviewer) => (reviewer.id.clone(), format!("{}.pem", reviewer.id)),
        None => ("<审核人ID>".to_string(), "私钥.pem".to_string()),
    };
    let command = format!("govpress review sign {path} --stage {stage} --reviewer {reviewer} --key {key}");
    Text::new(
        format!("运行：{command}"),
        format!("Run: {}", command.replace("<审核人ID>", "<ID>").replace("私钥.pem", "KEY.pem")),
    )
}
