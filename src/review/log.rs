//! `reviews/log.jsonl`: the archive (审核记录档案), one record per line, hash-chained and signed.

use std::collections::HashMap;

use super::crypto::{verify_batch, PublicKeyPem, SignedMessage};
use super::record::{ChainTip, Record, GENESIS};
use super::roster::Roster;
use crate::diagnostic::Text;

/// The parsed log, with an index from page path to the records that name it.
#[derive(Debug, Clone, Default)]
pub struct ReviewLog {
    records: Vec<Record>,
    /// 1-based line of each record.
    lines: Vec<usize>,
    /// Page path → (record index, page index within the record), in log order.
    by_path: HashMap<String, Vec<(usize, usize)>>,
}

/// The first record that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第 {line} 行 / line {line}: {}", reason.zh)]
pub struct Broken {
    pub line: usize,
    pub reason: Text,
}

impl ReviewLog {
    /// Parses every line; the first malformed line is an error. An empty text is an empty log.
    pub fn parse(text: &str) -> Result<ReviewLog, Broken> {
        let mut log = ReviewLog::default();
        let body = text.strip_suffix('\n').unwrap_or(text);
        if body.is_empty() {
            return Ok(log);
        }
        for (index, line) in body.split('\n').enumerate() {
            let line_number = index + 1;
            if line.trim().is_empty() {
                return Err(Broken {
                    line: line_number,
                    reason: Text::new(
                        "空行：审核记录档案只能逐行追加记录",
                        "Blank line: the archive only holds appended records",
                    ),
                });
            }
            let record = Record::parse_line(line).map_err(|reason| Broken { line: line_number, reason })?;
            log.push(record, line_number);
        }
        Ok(log)
    }

    fn push(&mut self, record: Record, line: usize) {
        let record_index = self.records.len();
        for (page_index, page) in record.pages.iter().enumerate() {
            self.by_path.entry(page.path.clone()).or_default().push((record_index, page_index));
        }
        self.records.push(record);
        self.lines.push(line);
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    pub fn line_of(&self, record_index: usize) -> usize {
        self.lines.get(record_index).copied().unwrap_or(0)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Where the next record chains on.
    pub fn tip(&self) -> ChainTip {
        self.records.last().map_or(ChainTip::GENESIS, |last| ChainTip { seq: last.seq, hash: last.hash.clone() })
    }

    /// (record index, page index) of every record naming `path`, in log order.
    pub fn entries_for(&self, path: &str) -> &[(usize, usize)] {
        self.by_path.get(path).map_or(&[], Vec::as_slice)
    }

    /// Verifies the whole chain and every signature, one after another (`review verify`: the full audit).
    pub fn verify(&self, roster: &Roster) -> Result<VerifiedLog<'_>, Broken> {
        self.verify_with(roster, |records| records.iter().map(|record| signature_holds(record, roster)).collect())
    }

    /// Like `verify`, with the signature checks done by `check_signatures` (one bool per record given), so
    /// a caller with threads can spread them. Each signature is checked once.
    pub fn verify_with(
        &self,
        roster: &Roster,
        check_signatures: impl FnOnce(&[Record]) -> Vec<bool>,
    ) -> Result<VerifiedLog<'_>, Broken> {
        let chain = self.check_chain(roster);
        let checked_until = chain.as_ref().err().map_or(self.records.len(), |(index, _)| *index);
        let signatures = check_signatures(&self.records[..checked_until]);
        if let Some(index) = (0..checked_until).find(|&index| !signatures.get(index).copied().unwrap_or(false)) {
            return Err(self.bad_signature(index));
        }
        match chain {
            Ok(()) => Ok(VerifiedLog { log: self }),
            Err((index, reason)) => Err(Broken { line: self.line_of(index), reason }),
        }
    }

    /// Sequence, chain links, record hashes and each signer's entitlement, for every record: SM3 only,
    /// no signature. With the head's signature (see `verify_selected`) this pins every earlier record:
    /// changing one changes its hash, so either the next `prev` no longer matches or the hashes were
    /// recomputed up to the head, whose signed bytes then changed.
    pub fn verify_chain(&self, roster: &Roster) -> Result<(), Broken> {
        self.check_chain(roster).map_err(|(index, reason)| Broken { line: self.line_of(index), reason })
    }

    /// The chain of every record, the signature of the head and of the records at `indices` (0-based):
    /// what `check` and `build` verify, the records that decide the current pages' states, not every
    /// signature in history. `review verify` still audits them all.
    pub fn verify_selected(
        &self,
        roster: &Roster,
        indices: &std::collections::BTreeSet<usize>,
        check_signatures: impl FnOnce(&[Record]) -> Vec<bool>,
    ) -> Result<VerifiedLog<'_>, Broken> {
        self.verify_chain(roster)?;
        self.verify_selected_signatures(indices, check_signatures)?;
        Ok(VerifiedLog { log: self })
    }

    /// The second half of [`ReviewLog::verify_selected`], for a caller that has just verified the chain
    /// itself (`SiteReview::evaluate_inputs` reads the states from the chain-checked log first): the
    /// signatures of the records at `indices` and of the head.
    pub fn verify_selected_signatures(
        &self,
        indices: &std::collections::BTreeSet<usize>,
        check_signatures: impl FnOnce(&[Record]) -> Vec<bool>,
    ) -> Result<(), Broken> {
        let mut selected: Vec<usize> = indices.iter().copied().filter(|&index| index < self.records.len()).collect();
        if let Some(head) = self.records.len().checked_sub(1) {
            if selected.last() != Some(&head) {
                selected.push(head);
            }
        }
        self.verify_signatures(&selected, check_signatures)
    }

    /// The signatures of the records at `selected` (0-based) only: the chain is the caller's to have
    /// verified (`serve` verified it once and reads one edited page's deciding records again).
    pub fn verify_signatures(
        &self,
        selected: &[usize],
        check_signatures: impl FnOnce(&[Record]) -> Vec<bool>,
    ) -> Result<(), Broken> {
        // Every record selected (a short log, or a few records naming many pages each): no copy of them.
        let signatures = if selected.len() == self.records.len()
            && selected.iter().enumerate().all(|(at, &index)| at == index)
        {
            check_signatures(&self.records)
        } else {
            let records: Vec<Record> = selected.iter().filter_map(|&index| self.records.get(index).cloned()).collect();
            check_signatures(&records)
        };
        match selected.iter().enumerate().find(|&(position, _)| !signatures.get(position).copied().unwrap_or(false)) {
            Some((_, &index)) => Err(self.bad_signature(index)),
            None => Ok(()),
        }
    }

    /// What `review sign` checks before appending: the whole chain and the head's signature, so it
    /// never chains on a forged or rewritten tail, and a sequence number that can still grow.
    pub fn verify_tip(&self, roster: &Roster) -> Result<ChainTip, Broken> {
        self.verify_selected(roster, &std::collections::BTreeSet::new(), |records| {
            records.iter().map(|record| signature_holds(record, roster)).collect()
        })?;
        let tip = self.tip();
        tip.next_seq().map_err(|overflow| Broken {
            line: self.line_of(self.records.len().saturating_sub(1)),
            reason: Text::new(overflow.to_string(), overflow.to_string()),
        })?;
        Ok(tip)
    }

    /// Whether this log extends `base`, an earlier copy of it (the base commit's log in CI): every record of
    /// the base is here, unchanged and in place. Anchors the end of the chain, which the chain itself cannot:
    /// deleting the last records (undoing a `--reject`) or emptying the log leaves a valid chain.
    pub fn extends(&self, base: &ReviewLog) -> Result<(), Broken> {
        if let Some(index) = base.records.iter().zip(&self.records).position(|(old, new)| old.hash != new.hash) {
            return Err(Broken {
                line: self.line_of(index),
                reason: Text::new(
                    format!("第 {} 条记录与基线档案中的不同：已有记录被改写", index + 1),
                    format!("Record {} differs from the base archive's: a recorded review was rewritten", index + 1),
                ),
            });
        }
        if self.records.len() < base.records.len() {
            return Err(Broken {
                line: self.records.len() + 1,
                reason: Text::new(
                    format!(
                        "档案只有 {} 条记录，基线档案有 {} 条：末尾的记录被删除（签核或退回被撤销）",
                        self.records.len(),
                        base.records.len()
                    ),
                    format!(
                        "The archive holds {} records but the base holds {}: the last records were deleted (a sign-off or rejection undone)",
                        self.records.len(),
                        base.records.len()
                    ),
                ),
            });
        }
        Ok(())
    }

    fn bad_signature(&self, index: usize) -> Broken {
        let reviewer = self.records.get(index).map_or("", |record| record.reviewer.as_str());
        Broken {
            line: self.line_of(index),
            reason: Text::new(
                format!("审核人 {reviewer} 的签名无效：记录内容被改动，或名册中的公钥已被更换"),
                format!(
                    "The signature of reviewer {reviewer} does not verify: the record was altered, or the roster's key was replaced"
                ),
            ),
        }
    }

    /// Sequence, chain links, record hashes and the signer's entitlement; the first failing record.
    fn check_chain(&self, roster: &Roster) -> Result<(), (usize, Text)> {
        let mut prev = GENESIS;
        for (index, record) in self.records.iter().enumerate() {
            let expected_seq = index as u64 + 1;
            if record.seq != expected_seq {
                return Err((
                    index,
                    Text::new(
                        format!("序号应为 {expected_seq}，实为 {}：有记录被删除、插入或调换顺序", record.seq),
                        format!(
                            "Sequence should be {expected_seq} but is {}: a record was deleted, inserted or moved",
                            record.seq
                        ),
                    ),
                ));
            }
            if record.prev != prev {
                return Err((
                    index,
                    Text::new(
                        "prev 与上一条记录的哈希不符：链条断裂（记录被删除、调换或改动）",
                        "prev does not match the previous record's hash: the chain is broken (deleted, moved or altered records)",
                    ),
                ));
            }
            if record.computed_hash() != record.hash {
                return Err((
                    index,
                    Text::new("记录哈希不符：记录内容被改动", "The record hash does not match: the record was altered"),
                ));
            }
            let Some(reviewer) = roster.get(&record.reviewer) else {
                return Err((
                    index,
                    Text::new(
                        format!("审核人 {} 不在审核人员名册中", record.reviewer),
                        format!("Reviewer {} is not in the roster", record.reviewer),
                    ),
                ));
            };
            let signed_at = record.signed_at().unwrap_or_default();
            if let Err(refusal) = reviewer.may_sign(&record.stage, signed_at) {
                let why = refusal.text(reviewer);
                return Err((
                    index,
                    Text::new(
                        format!("该记录的签核人当时无权签核：{}", why.zh),
                        format!("The signer was not entitled to sign it: {}", why.en),
                    ),
                ));
            }
            prev = &record.hash;
        }
        Ok(())
    }

    /// For advice only (e.g. `review sign` refusing a second stage by the same reviewer): evaluates without
    /// verifying. Never use it to decide whether a page may be published.
    pub fn unverified(&self) -> VerifiedLog<'_> {
        VerifiedLog { log: self }
    }
}

/// One record's SM2 signature against its reviewer's key in the roster.
pub fn signature_holds(record: &Record, roster: &Roster) -> bool {
    let (Some(reviewer), Some(signature)) = (roster.get(&record.reviewer), record.signature_der()) else {
        return false;
    };
    reviewer.public_key.verify(&record.signed_bytes(), &signature)
}

/// [`signature_holds`] for each of `records`, as one batch ([`verify_batch`]: the same answers, a
/// reviewer key signing many of them verified through its wide table, one field inversion for all).
pub fn signatures_hold(records: &[Record], roster: &Roster) -> Vec<bool> {
    let mut results = vec![false; records.len()];
    let mut positions = Vec::new();
    let mut items = Vec::new();
    let signed: Vec<(usize, &PublicKeyPem, Vec<u8>, Vec<u8>)> = records
        .iter()
        .enumerate()
        .filter_map(|(position, record)| {
            let reviewer = roster.get(&record.reviewer)?;
            Some((position, &reviewer.public_key, record.signature_der()?, record.signed_bytes()))
        })
        .collect();
    for (position, key, der, message) in &signed {
        positions.push(*position);
        items.push(SignedMessage { key, message, signature_der: der });
    }
    for (position, holds) in positions.into_iter().zip(verify_batch(&items)) {
        results[position] = holds;
    }
    results
}

/// Checks the signature of each record among `lines` (any lines of a log: a worker's share of it) against
/// `roster`, as plain values for a `SignatureMemo::seed`. Nothing else is judged here — not the chain,
/// the order, nor the signer's entitlement: lines that do not parse and records whose reviewer the roster
/// does not name are left out, and the memo that takes the results verifies whatever they do not cover.
pub fn check_signatures_of_lines(lines: &str, roster: &Roster) -> Vec<CheckedSignature> {
    let records: Vec<Record> = lines.split('\n').filter_map(|line| Record::parse_line(line).ok()).collect();
    let mut memo = SignatureMemo::default();
    memo.check(&records, roster);
    memo.checked()
}

/// Signature checks remembered for a host that asks about the same records more than once (the browser's
/// reviewers' view: the full audit, then each page's status after every edit). A result is kept under
/// exactly what decided it — the key's SEC1 bytes, the signature as written and the signed bytes — so a
/// record changed in any way, or a roster whose key changed, is checked afresh: `check` always returns
/// what `signature_holds` would. A plain value owned by its caller; nothing global.
#[derive(Debug, Clone, Default)]
pub struct SignatureMemo {
    results: HashMap<(Vec<u8>, String, Vec<u8>), bool>,
}

/// One signature check as a plain value, under exactly what decided it: what a memo gives out
/// (`SignatureMemo::checked`) and takes in (`SignatureMemo::seed`), e.g. across Web Workers. A result
/// only ever answers for these exact bytes: a record that differs in any of them misses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSignature {
    /// The reviewer's key as the roster gave it, an uncompressed SEC1 point.
    pub public_key: Vec<u8>,
    /// The record's `signature` as written.
    pub signature: String,
    /// The signed bytes (`Record::signed_bytes`).
    pub message: Vec<u8>,
    pub holds: bool,
}

impl SignatureMemo {
    /// `signature_holds` for each record, computing only those not seen before. Records whose reviewer is
    /// not in the roster do not verify (and are not remembered: nothing was computed).
    /// The new ones are verified as one batch (`verify_batch`).
    pub fn check(&mut self, records: &[Record], roster: &Roster) -> Vec<bool> {
        let mut sec1_of: HashMap<&str, Vec<u8>> = HashMap::new();
        let mut results = vec![false; records.len()];
        // (position, memo key, the reviewer's key, DER signature) of each record not seen before.
        let mut unseen = Vec::new();
        for (position, record) in records.iter().enumerate() {
            let Some(reviewer) = roster.get(&record.reviewer) else { continue };
            let sec1 = sec1_of.entry(reviewer.id.as_str()).or_insert_with(|| reviewer.public_key.to_sec1()).clone();
            let key = (sec1, record.signature.clone(), record.signed_bytes());
            match self.results.get(&key) {
                Some(&holds) => results[position] = holds,
                None => match record.signature_der() {
                    Some(der) => unseen.push((position, key, &reviewer.public_key, der)),
                    None => {
                        self.results.insert(key, false);
                    }
                },
            }
        }
        let items: Vec<SignedMessage<'_>> = unseen
            .iter()
            .map(|(_, key, public_key, der)| SignedMessage { key: public_key, message: &key.2, signature_der: der })
            .collect();
        let verified = verify_batch(&items);
        for ((position, key, _, _), holds) in unseen.into_iter().zip(verified) {
            results[position] = holds;
            self.results.insert(key, holds);
        }
        results
    }

    /// Everything remembered, as plain values: a worker's answer for another memo's `seed`.
    pub fn checked(&self) -> Vec<CheckedSignature> {
        self.results
            .iter()
            .map(|((public_key, signature, message), &holds)| CheckedSignature {
                public_key: public_key.clone(),
                signature: signature.clone(),
                message: message.clone(),
                holds,
            })
            .collect()
    }

    /// Takes checks made elsewhere (by another instance of this code, e.g. in a Web Worker), each under
    /// the key, signature and bytes it was made for: `check` then answers a record from them only when
    /// all three are exactly the record's, and verifies every other record itself.
    pub fn seed(&mut self, checked: impl IntoIterator<Item = CheckedSignature>) {
        for CheckedSignature { public_key, signature, message, holds } in checked {
            self.results.insert((public_key, signature, message), holds);
        }
    }

    /// Forgets everything (e.g. when the archive was replaced and the old results will not be asked again).
    pub fn clear(&mut self) {
        self.results.clear();
    }

    /// How many checks are remembered.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}

/// A log whose chain and signatures held against a roster; page states are read from it.
#[derive(Debug, Clone, Copy)]
pub struct VerifiedLog<'a> {
    pub(crate) log: &'a ReviewLog,
}

impl<'a> VerifiedLog<'a> {
    pub fn log(&self) -> &'a ReviewLog {
        self.log
    }

    /// The records naming `path` with the digest each recorded, in log order.
    pub(crate) fn history(&self, path: &str) -> impl Iterator<Item = (&'a Record, &'a str, usize)> + '_ {
        let log = self.log;
        log.entries_for(path).iter().map(move |&(record_index, page_index)| {
            let record = &log.records[record_index];
            (record, record.pages[page_index].sm3.as_str(), log.line_of(record_index))
        })
    }
}
