//! The answers of `govpress review status` and `govpress review verify` as data: the CLI prints them
//! (`--format json` is this serialised), the browser's reviewers' view shows the same values. The shape
//! and the words live here so both faces give one answer.

use serde::Serialize;

use super::evaluate::{PageReview, ReviewInputs, SiteReview};
use super::log::{signature_holds, Broken, ReviewLog};
use super::record::{ChainTip, Record};
use super::roster::Roster;
use super::site::page_diagnostic;
use super::state::{Approval, PageState};
use super::trust;
use crate::config::ReviewSection;
use crate::diagnostic::{Lang, Text};

/// `govpress review status --format json`: every page's sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    /// The configured stages, in order (`[review].stages`).
    pub stages: Vec<String>,
    pub total: usize,
    pub signed_off: usize,
    pub pages: Vec<PageStatus>,
    /// Roster and log problems, at their file and line: while any stands, no page is signed off.
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageStatus {
    pub path: String,
    /// `signed-off`, `unsigned`, `pending`, `stale`, `rejected`, `invalid` (`PageState::code`).
    pub state: &'static str,
    /// The state in words (`已签核`, `内容已变更`…).
    pub label: String,
    /// The signatures that count for the page's current bytes.
    pub approvals: Vec<Signature>,
    /// Stages still to sign, in configured order (every stage for an unsigned page).
    pub missing: Vec<String>,
    /// A stale page: the signature over an older version of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outdated: Option<Signature>,
    /// A rejected page: the rejection that stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Signature>,
    /// Why the page is not signed off, and the command that fixes it (the article-13 diagnostic's message).
    pub reason: Option<String>,
}

/// One record as it bears on a page: stage, who (id and roster name), when, and its sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    pub stage: String,
    pub reviewer: String,
    pub name: String,
    pub time: String,
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl SiteReview {
    /// The status report in `lang`.
    pub fn status_report(&self, lang: Lang) -> StatusReport {
        let signature = |approval: &Approval| Signature {
            stage: approval.stage.clone(),
            reviewer: approval.reviewer.clone(),
            name: self.reviewer_name(&approval.reviewer),
            time: approval.time.clone(),
            seq: approval.seq,
        };
        let pages = self
            .pages
            .iter()
            .map(|page| PageStatus {
                path: page.path.clone(),
                state: page.state.code(),
                label: page.state.label().get(lang).to_string(),
                approvals: page.state.approvals().iter().map(signature).collect(),
                // An unsigned page misses every stage.
                missing: match &page.state {
                    PageState::Unsigned => self.stages.clone(),
                    state => state.missing().to_vec(),
                },
                outdated: match &page.state {
                    PageState::Stale { outdated, .. } => Some(signature(outdated)),
                    _ => None,
                },
                rejection: match &page.state {
                    PageState::Rejected { rejection } => Some(signature(rejection)),
                    _ => None,
                },
                reason: self.page_reason(page, lang),
            })
            .collect();
        StatusReport {
            stages: self.stages.clone(),
            total: self.pages.len(),
            signed_off: self.signed_off(),
            pages,
            problems: self
                .problems
                .iter()
                .map(|problem| Problem {
                    file: problem.file.clone(),
                    line: problem.start.line,
                    message: problem.message.get(lang).to_string(),
                })
                .collect(),
        }
    }

    /// The roster name of reviewer `id`, the id itself when the roster does not name them.
    pub fn reviewer_name(&self, id: &str) -> String {
        self.roster.as_ref().and_then(|roster| roster.get(id)).map_or_else(|| id.to_string(), |r| r.name.clone())
    }

    fn page_reason(&self, page: &PageReview, lang: Lang) -> Option<String> {
        page_diagnostic(&page.path, &page.state, self.roster.as_ref(), &self.stages, page.author.as_deref())
            .map(|diagnostic| diagnostic.message.get(lang).to_string())
    }
}

/// `govpress review verify --format json`: the full audit of the roster and the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub verified: bool,
    /// `ok`, `roster-missing`, `roster-invalid`, `roster-uncertified`, `log-invalid`, `log-rollback`.
    pub kind: &'static str,
    /// The file the verdict is about: the log, or the roster when the roster fails.
    pub file: String,
    /// The first line that fails (1-based), when one does.
    pub line: Option<usize>,
    /// Why it fails, without the file and line.
    pub reason: Option<String>,
    /// What the CLI prints: `file:line: …` on failure, the archive head on success.
    pub message: String,
    /// Records in the log (0 when it could not be read).
    pub records: usize,
    /// Reviewers in the roster.
    pub reviewers: usize,
    /// A trust root was given and certifies the roster.
    pub trusted: bool,
    /// A base was given and the log extends it.
    pub anchored: bool,
    /// The last record: what the chain ends on, when the log holds.
    pub head: Option<Head>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

/// The full audit (`govpress review verify`): the roster, its certificate when a trust root is given, every
/// record's chain and SM2 signature (one bool per record from `check_signatures`, which may spread them
/// over threads), and the log against its base when one is given. The first failure is the verdict.
pub fn audit(
    review: &ReviewSection,
    inputs: &ReviewInputs<'_>,
    lang: Lang,
    check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
) -> AuditReport {
    let (roster_file, log_file) = (review.roster.as_str(), review.log.as_str());
    let failed = |kind, file: &str, line: Option<usize>, label: Text, reason: Text, records, reviewers| {
        let place = line.map_or_else(|| file.to_string(), |line| format!("{file}:{line}"));
        AuditReport {
            verified: false,
            kind,
            file: file.to_string(),
            line,
            reason: Some(reason.get(lang).to_string()),
            message: format!("{place}: {}: {}", label.get(lang), reason.get(lang)),
            records,
            reviewers,
            trusted: false,
            anchored: false,
            head: None,
        }
    };
    let Some(roster_text) = inputs.roster else {
        let reason = Text::new(
            "缺少审核人员名册：见 docs/review.md（govpress keygen 生成密钥后登记审核人）",
            "no roster: see docs/review.md (create keys with govpress keygen, then list the reviewers)",
        );
        return failed("roster-missing", roster_file, None, Text::new("审核人员名册", "roster"), reason, 0, 0);
    };
    let roster = match Roster::parse(roster_text, &review.stages) {
        Ok(roster) => roster,
        Err(error) => {
            let label = Text::new("审核人员名册无效", "the roster is invalid");
            return failed("roster-invalid", roster_file, Some(error.position.line), label, error.message, 0, 0);
        }
    };
    let reviewers = roster.reviewers().len();
    if let Some(roots) = inputs.trust_root {
        if let Err(reason) =
            trust::verify_certified(roots, inputs.roster_certificate, trust::ROSTER, roster_text.as_bytes())
        {
            let label =
                Text::new("审核人员名册未通过信任根校验（第十三条）", "the roster fails the trust root (article 13)");
            return failed("roster-uncertified", roster_file, None, label, reason, 0, reviewers);
        }
    }
    let broken_label = Text::new("审核记录档案校验失败", "the review archive fails verification");
    let log = match ReviewLog::parse(inputs.log.unwrap_or_default()) {
        Ok(log) => log,
        Err(Broken { line, reason }) => {
            return failed("log-invalid", log_file, Some(line), broken_label, reason, 0, reviewers);
        }
    };
    if let Err(Broken { line, reason }) = log.verify_with(&roster, |records| check_signatures(records, &roster)) {
        return failed("log-invalid", log_file, Some(line), broken_label, reason, log.len(), reviewers);
    }
    if let Some(base) = inputs.base_log {
        if let Err(Broken { line, reason }) = ReviewLog::parse(base).and_then(|base| log.extends(&base)) {
            let label = Text::new(
                "审核记录档案没有延续基线档案（第十三条）",
                "the review archive does not extend its base (article 13)",
            );
            return failed("log-rollback", log_file, Some(line), label, reason, log.len(), reviewers);
        }
    }
    let (trusted, anchored) = (inputs.trust_root.is_some(), inputs.base_log.is_some());
    let tip = log.tip();
    let message = holds_message(log_file, &log, reviewers, trusted, anchored, &tip, lang);
    AuditReport {
        verified: true,
        kind: "ok",
        file: log_file.to_string(),
        line: None,
        reason: None,
        message,
        records: log.len(),
        reviewers,
        trusted,
        anchored,
        head: Some(Head { seq: tip.seq, hash: tip.prev_hash().to_string() }),
    }
}

/// `audit` with the signatures checked one after another (hosts without threads).
pub fn audit_sequential(review: &ReviewSection, inputs: &ReviewInputs<'_>, lang: Lang) -> AuditReport {
    audit(review, inputs, lang, |records, roster| {
        records.iter().map(|record| signature_holds(record, roster)).collect()
    })
}

fn holds_message(
    log_file: &str,
    log: &ReviewLog,
    reviewers: usize,
    trusted: bool,
    anchored: bool,
    tip: &ChainTip,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "审核记录档案 {log_file} 完好：{} 条记录，链条与签名均有效（名册 {reviewers} 人{}）{}\n档案头：{} {}",
            log.len(),
            if trusted { "，经信任根认证" } else { "，名册按原文信任" },
            if anchored { "，延续了基线档案" } else { "" },
            tip.seq,
            tip.prev_hash()
        ),
        Lang::En => format!(
            "The archive {log_file} holds: {} records, chain and signatures valid ({reviewers} reviewers{}){}\nArchive head: {} {}",
            log.len(),
            if trusted { ", certified by the trust root" } else { ", roster trusted as written" },
            if anchored { ", extends its base" } else { "" },
            tip.seq,
            tip.prev_hash()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_roster_the_audit_says_so_and_an_empty_log_holds() {
        let review = ReviewSection::default();
        let report = audit_sequential(&review, &ReviewInputs::default(), Lang::Zh);
        assert_eq!((report.verified, report.kind, report.file.as_str()), (false, "roster-missing", "reviewers.toml"));
        let inputs = ReviewInputs { roster: Some(""), ..ReviewInputs::default() };
        let report = audit_sequential(&review, &inputs, Lang::En);
        assert_eq!((report.verified, report.records, report.head.map(|head| head.seq)), (true, 0, Some(0)));
        assert!(report.message.contains("roster trusted as written"), "{}", report.message);
    }

    #[test]
    fn a_broken_log_names_its_file_and_line() {
        let inputs = ReviewInputs { roster: Some(""), log: Some("{}\n"), ..ReviewInputs::default() };
        let report = audit_sequential(&ReviewSection::default(), &inputs, Lang::Zh);
        assert_eq!((report.kind, report.line), ("log-invalid", Some(1)));
        assert!(report.message.starts_with("reviews/log.jsonl:1: 审核记录档案校验失败: "), "{}", report.message);
    }

    #[test]
    fn the_status_report_lists_every_page_with_its_state() {
        let page = "+++\ntitle = \"通知\"\n+++\n正文\n";
        let review = SiteReview::evaluate(&ReviewSection::default(), None, None, &[("content/a.md", page)]);
        let report = review.status_report(Lang::Zh);
        assert_eq!((report.total, report.signed_off, report.stages.len()), (1, 0, 3));
        assert_eq!((report.pages[0].state, report.pages[0].label.as_str()), ("unsigned", "未签核"));
        assert!(report.pages[0].reason.as_deref().is_some_and(|reason| reason.contains("第十三条")));
    }
}
