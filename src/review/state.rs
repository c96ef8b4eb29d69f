//! Whether a page is signed off (SPEC §4): every configured stage approved over the current digest by
//! distinct, entitled reviewers other than the author, with no later rejection standing.

use super::crypto::sm3_hex;
use super::log::VerifiedLog;
use super::record::{Decision, Record};
use super::roster::Roster;
use crate::diagnostic::Text;

/// One signature that counts (or counted) for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub stage: String,
    pub reviewer: String,
    pub time: String,
    pub comment: String,
    pub seq: u64,
    /// Line of the record in the log.
    pub line: usize,
}

impl Approval {
    fn of(record: &Record, line: usize) -> Approval {
        Approval {
            stage: record.stage.clone(),
            reviewer: record.reviewer.clone(),
            time: record.time.clone(),
            comment: record.comment.clone(),
            seq: record.seq,
            line,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageState {
    /// Every stage approved over the current content.
    SignedOff { approvals: Vec<Approval> },
    /// No record names the page.
    Unsigned,
    /// Some stages approved over the current content, others missing.
    Pending { approvals: Vec<Approval>, missing: Vec<String>, notes: Vec<Text> },
    /// The content changed after a signature: the stages must be signed again.
    Stale { approvals: Vec<Approval>, missing: Vec<String>, outdated: Approval },
    /// The latest word on the page is a rejection.
    Rejected { rejection: Approval },
    /// The roster or the log cannot be trusted, so nothing is signed off.
    Invalid { reason: Text },
}

impl PageState {
    pub fn is_signed_off(&self) -> bool {
        matches!(self, PageState::SignedOff { .. })
    }

    /// A short name for tables and JSON: `signed-off`, `unsigned`, `pending`, `stale`, `rejected`, `invalid`.
    pub fn code(&self) -> &'static str {
        match self {
            PageState::SignedOff { .. } => "signed-off",
            PageState::Unsigned => "unsigned",
            PageState::Pending { .. } => "pending",
            PageState::Stale { .. } => "stale",
            PageState::Rejected { .. } => "rejected",
            PageState::Invalid { .. } => "invalid",
        }
    }

    pub fn label(&self) -> Text {
        match self {
            PageState::SignedOff { .. } => Text::new("已签核", "signed off"),
            PageState::Unsigned => Text::new("未签核", "unsigned"),
            PageState::Pending { .. } => Text::new("待签核", "pending"),
            PageState::Stale { .. } => Text::new("内容已变更", "stale"),
            PageState::Rejected { .. } => Text::new("已退回", "rejected"),
            PageState::Invalid { .. } => Text::new("无法确认", "invalid"),
        }
    }

    /// Approvals that count for the current content.
    pub fn approvals(&self) -> &[Approval] {
        match self {
            PageState::SignedOff { approvals }
            | PageState::Pending { approvals, .. }
            | PageState::Stale { approvals, .. } => approvals,
            _ => &[],
        }
    }

    /// Sequence numbers of the records this state rests on: the approvals that count, the standing
    /// rejection, the outdated approval. Their signatures are what `check` verifies for the page.
    pub fn deciding_seqs(&self) -> Vec<u64> {
        let mut seqs: Vec<u64> = self.approvals().iter().map(|approval| approval.seq).collect();
        match self {
            PageState::Rejected { rejection } => seqs.push(rejection.seq),
            PageState::Stale { outdated, .. } => seqs.push(outdated.seq),
            _ => {}
        }
        seqs
    }

    /// Stages still to sign, in configured order.
    pub fn missing(&self) -> &[String] {
        match self {
            PageState::Pending { missing, .. } | PageState::Stale { missing, .. } => missing,
            _ => &[],
        }
    }
}

impl VerifiedLog<'_> {
    /// The sign-off state of the page at `path` whose exact bytes are `bytes`; `author` is its front-matter
    /// `author`, matched against reviewer ids and names.
    pub fn state(
        &self,
        roster: &Roster,
        stages: &[String],
        path: &str,
        bytes: &[u8],
        author: Option<&str>,
    ) -> PageState {
        let digest = sm3_hex(bytes);
        let history: Vec<_> = self.history(path).collect();
        if history.is_empty() {
            return PageState::Unsigned;
        }
        // A rejection voids everything before it; it stands until a later approval.
        let after_rejection = history.iter().rposition(|(record, _, _)| record.decision == Decision::Reject);
        let live = match after_rejection {
            Some(index) if index + 1 == history.len() => {
                let (record, _, line) = history[index];
                return PageState::Rejected { rejection: Approval::of(record, line) };
            }
            Some(index) => &history[index + 1..],
            None => &history[..],
        };
        let is_author = |reviewer_id: &str| {
            author.is_some_and(|author| {
                author.trim() == reviewer_id
                    || roster.get(reviewer_id).is_some_and(|reviewer| reviewer.is_author(author))
            })
        };
        let mut notes = Vec::new();
        let mut candidates: Vec<Vec<Approval>> = vec![Vec::new(); stages.len()];
        let current =
            live.iter().filter(|(record, recorded, _)| record.decision == Decision::Approve && *recorded == digest);
        for &(record, _, line) in current {
            let Some(stage_index) = stages.iter().position(|stage| *stage == record.stage) else { continue };
            if is_author(&record.reviewer) {
                notes.push(Text::new(
                    format!("{} 是本页作者，其“{}”签核不计入（不得审核本人的页面）", record.reviewer, record.stage),
                    format!(
                        "{} wrote this page; their “{}” signature does not count (no self-review)",
                        record.reviewer, record.stage
                    ),
                ));
                continue;
            }
            let slot = &mut candidates[stage_index];
            slot.retain(|approval| approval.reviewer != record.reviewer);
            slot.push(Approval::of(record, line));
        }
        let assignment = assign_distinct(&candidates);
        let approvals: Vec<Approval> = assignment.iter().flatten().cloned().collect();
        let missing: Vec<String> = stages
            .iter()
            .zip(&assignment)
            .filter(|(_, assigned)| assigned.is_none())
            .map(|(stage, _)| stage.clone())
            .collect();
        if missing.is_empty() {
            return PageState::SignedOff { approvals };
        }
        for (stage_index, stage) in stages.iter().enumerate() {
            if assignment[stage_index].is_some() {
                continue;
            }
            for candidate in &candidates[stage_index] {
                if let Some(other) = approvals.iter().find(|approval| approval.reviewer == candidate.reviewer) {
                    notes.push(Text::new(
                        format!("{} 已签核“{}”，不能再计入同一页面的“{stage}”：每个环节须由不同审核人签核", candidate.reviewer, other.stage),
                        format!("{} already signed “{}”; it cannot also count for “{stage}”: each stage needs a different reviewer", candidate.reviewer, other.stage),
                    ));
                }
            }
        }
        let outdated =
            live.iter().rev().find(|(record, recorded, _)| record.decision == Decision::Approve && *recorded != digest);
        match outdated {
            Some(&(record, _, line)) => PageState::Stale { approvals, missing, outdated: Approval::of(record, line) },
            None => PageState::Pending { approvals, missing, notes },
        }
    }
}

/// Assigns each stage one approval so no reviewer counts twice, maximising the stages covered
/// (a bipartite matching; stages are few). Prefers the latest approval of each reviewer per stage.
fn assign_distinct(candidates: &[Vec<Approval>]) -> Vec<Option<Approval>> {
    let mut owner_of_stage: Vec<Option<usize>> = vec![None; candidates.len()];
    // reviewer id → stage it is matched to
    let mut stage_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for stage in 0..candidates.len() {
        let mut visited = vec![false; candidates.len()];
        augment(stage, candidates, &mut visited, &mut stage_of, &mut owner_of_stage);
    }
    owner_of_stage
        .iter()
        .enumerate()
        .map(|(stage, owner)| owner.map(|candidate| candidates[stage][candidate].clone()))
        .collect()
}

fn augment<'a>(
    stage: usize,
    candidates: &'a [Vec<Approval>],
    visited: &mut [bool],
    stage_of: &mut std::collections::HashMap<&'a str, usize>,
    owner_of_stage: &mut [Option<usize>],
) -> bool {
    if visited[stage] {
        return false;
    }
    visited[stage] = true;
    // Latest first, so the approval shown is the newest.
    for (index, approval) in candidates[stage].iter().enumerate().rev() {
        let free = match stage_of.get(approval.reviewer.as_str()).copied() {
            None => true,
            Some(other) => augment(other, candidates, visited, stage_of, owner_of_stage),
        };
        if free {
            stage_of.insert(&approval.reviewer, stage);
            owner_of_stage[stage] = Some(index);
            return true;
        }
    }
    false
}
