//! One review record (审核记录) and its canonical form: what is signed, what is hashed, what is stored.
//!
//! Canonical form: the record as compact JSON with keys in byte order and no whitespace, strings
//! escaped as serde_json escapes them (only `"`, `\` and control characters; other characters as UTF-8).
//! - signed bytes: the canonical form without `signature` and `hash`;
//! - record hash: SM3 (hex) of the canonical form without `hash` (the signature included);
//! - stored line: the whole record, `hash` last, one per line.

use base64::Engine;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::crypto::{sm3_hex, PrivateKey};
use crate::diagnostic::Text;

/// The record format version written in `v`.
pub const FORMAT_VERSION: u32 = 1;
/// `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
        }
    }

    pub fn text(self) -> Text {
        match self {
            Decision::Approve => Text::new("通过", "approved"),
            Decision::Reject => Text::new("退回", "rejected"),
        }
    }
}

/// A page as it was reviewed: its site-relative path and the SM3 digest of its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageDigest {
    pub path: String,
    pub sm3: String,
}

impl PageDigest {
    pub fn of(path: impl Into<String>, bytes: &[u8]) -> PageDigest {
        PageDigest { path: path.into(), sm3: sm3_hex(bytes) }
    }
}

/// A stored record. Field order here is the stored order; the canonical order is in `Canonical`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub v: u32,
    /// 1-based position in the log.
    pub seq: u64,
    /// RFC 3339, China time, when the reviewer signed.
    pub time: String,
    pub stage: String,
    pub decision: Decision,
    pub reviewer: String,
    pub comment: String,
    pub pages: Vec<PageDigest>,
    /// The previous record's hash; `GENESIS` for the first.
    pub prev: String,
    /// SM2 signature (DER, standard base64) over the signed bytes.
    pub signature: String,
    pub hash: String,
}

/// Keys in byte order: serde writes struct fields in declaration order, whatever serde_json's map features.
#[derive(Serialize)]
struct Canonical<'a> {
    comment: &'a str,
    decision: Decision,
    pages: &'a [PageDigest],
    prev: &'a str,
    reviewer: &'a str,
    seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<&'a str>,
    stage: &'a str,
    time: &'a str,
    v: u32,
}

/// What a reviewer decides, before it is chained and signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub time: DateTime<FixedOffset>,
    pub stage: String,
    pub decision: Decision,
    pub reviewer: String,
    pub comment: String,
    pub pages: Vec<PageDigest>,
}

/// Where the chain goes on: the last record's sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainTip {
    pub seq: u64,
    pub hash: String,
}

/// The tip's sequence number cannot grow (a forged `seq` near `u64::MAX`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("审核记录档案最后一条记录的序号 {0} 已到上限，拒绝追加：运行 govpress review verify / the last record's sequence number {0} cannot grow; refusing to append")]
pub struct SequenceOverflow(pub u64);

impl ChainTip {
    pub const GENESIS: ChainTip = ChainTip { seq: 0, hash: String::new() };

    /// The next record's sequence number; an error instead of wrapping past `u64::MAX`.
    pub fn next_seq(&self) -> Result<u64, SequenceOverflow> {
        self.seq.checked_add(1).ok_or(SequenceOverflow(self.seq))
    }

    pub fn prev_hash(&self) -> &str {
        if self.seq == 0 {
            GENESIS
        } else {
            &self.hash
        }
    }
}

impl Record {
    /// Chains a draft after `tip` and signs it. Pages are sorted by path and must be distinct.
    pub fn sign(draft: Draft, tip: &ChainTip, key: &PrivateKey) -> Result<Record, SequenceOverflow> {
        let seq = tip.next_seq()?;
        let mut pages = draft.pages;
        pages.sort_by(|left, right| left.path.cmp(&right.path));
        pages.dedup_by(|left, right| left.path == right.path);
        let mut record = Record {
            v: FORMAT_VERSION,
            seq,
            time: draft.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            stage: draft.stage,
            decision: draft.decision,
            reviewer: draft.reviewer,
            comment: draft.comment,
            pages,
            prev: tip.prev_hash().to_string(),
            signature: String::new(),
            hash: String::new(),
        };
        record.signature = base64::engine::general_purpose::STANDARD.encode(key.sign(&record.signed_bytes()));
        record.hash = record.computed_hash();
        Ok(record)
    }

    fn canonical(&self, with_signature: bool) -> Vec<u8> {
        let canonical = Canonical {
            comment: &self.comment,
            decision: self.decision,
            pages: &self.pages,
            prev: &self.prev,
            reviewer: &self.reviewer,
            seq: self.seq,
            signature: with_signature.then_some(self.signature.as_str()),
            stage: &self.stage,
            time: &self.time,
            v: self.v,
        };
        serde_json::to_vec(&canonical).unwrap_or_default()
    }

    /// The bytes the SM2 signature covers (canonical form without `signature` and `hash`).
    pub fn signed_bytes(&self) -> Vec<u8> {
        self.canonical(false)
    }

    /// SM3 of the canonical form without `hash`.
    pub fn computed_hash(&self) -> String {
        sm3_hex(&self.canonical(true))
    }

    /// The DER signature, if `signature` is valid base64 (or hex).
    pub fn signature_der(&self) -> Option<Vec<u8>> {
        let text = self.signature.trim();
        base64::engine::general_purpose::STANDARD.decode(text).ok().or_else(|| hex::decode(text).ok())
    }

    pub fn signed_at(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.time).ok()
    }

    /// The stored line, without its newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads one stored line and checks its shape (not its chain or signature).
    pub fn parse_line(line: &str) -> Result<Record, Text> {
        let record: Record = serde_json::from_str(line).map_err(|error| {
            Text::new(
                format!("不是有效的审核记录（JSON）：{error}"),
                format!("Not a valid review record (JSON): {error}"),
            )
        })?;
        record.check_shape()?;
        Ok(record)
    }

    fn check_shape(&self) -> Result<(), Text> {
        let problem = |zh: &str, en: &str| Err(Text::new(zh, en));
        if self.v != FORMAT_VERSION {
            return Err(Text::new(
                format!("不支持的记录格式版本 v = {}", self.v),
                format!("Unsupported record format v = {}", self.v),
            ));
        }
        if self.signed_at().is_none() {
            return problem("time 不是 RFC 3339 时间", "time is not an RFC 3339 time");
        }
        if self.stage.trim().is_empty() || self.reviewer.trim().is_empty() {
            return problem("stage 或 reviewer 为空", "stage or reviewer is empty");
        }
        if self.pages.is_empty() {
            return problem("记录没有覆盖任何页面", "the record covers no page");
        }
        if !self.pages.windows(2).all(|pair| pair[0].path < pair[1].path) {
            return problem("pages 未按路径排序或有重复", "pages are not sorted by path or repeat");
        }
        if let Some(page) = self.pages.iter().find(|page| !is_site_path(&page.path) || !is_sm3_hex(&page.sm3)) {
            return Err(Text::new(
                format!("页面条目无效：{}（路径须为站点内相对路径，摘要须为 64 位小写十六进制）", page.path),
                format!("Bad page entry: {} (a site-relative path and a 64-digit lower-case hex digest)", page.path),
            ));
        }
        if !is_sm3_hex(&self.prev) || !is_sm3_hex(&self.hash) {
            return problem("prev 或 hash 不是 64 位十六进制", "prev or hash is not 64 hex digits");
        }
        Ok(())
    }
}

fn is_sm3_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_site_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::crypto::tests::test_key;

    pub(crate) fn draft(pages: &[(&str, &str)]) -> Draft {
        Draft {
            time: DateTime::parse_from_rfc3339("2024-05-16T09:00:00+08:00").unwrap(),
            stage: "初审".into(),
            decision: Decision::Approve,
            reviewer: "zhang".into(),
            comment: "同意发布".into(),
            pages: pages.iter().map(|(path, text)| PageDigest::of(*path, text.as_bytes())).collect(),
        }
    }

    #[test]
    fn canonical_form_sorts_keys_and_omits_signature_and_hash() {
        let record =
            Record::sign(draft(&[("content/b.md", "b"), ("content/a.md", "a")]), &ChainTip::GENESIS, &test_key(1))
                .unwrap();
        let signed = String::from_utf8(record.signed_bytes()).unwrap();
        assert!(
            signed.starts_with(
                "{\"comment\":\"同意发布\",\"decision\":\"approve\",\"pages\":[{\"path\":\"content/a.md\",\"sm3\":"
            ),
            "{signed}"
        );
        assert!(signed.ends_with(&format!("\"prev\":\"{GENESIS}\",\"reviewer\":\"zhang\",\"seq\":1,\"stage\":\"初审\",\"time\":\"2024-05-16T09:00:00+08:00\",\"v\":1}}")), "{signed}");
        assert!(!signed.contains("signature") && !signed.contains("hash"));
        assert!(test_key(1).public_key().verify(&record.signed_bytes(), &record.signature_der().unwrap()));
    }

    #[test]
    fn a_tip_at_the_largest_sequence_number_is_an_error_not_a_wrap() {
        let tip = ChainTip { seq: u64::MAX, hash: "ab".repeat(32) };
        let error = Record::sign(draft(&[("content/a.md", "a")]), &tip, &test_key(1)).unwrap_err();
        assert_eq!(error, SequenceOverflow(u64::MAX));
        assert!(error.to_string().contains("上限"), "{error}");
        let tip = ChainTip { seq: u64::MAX - 1, hash: "ab".repeat(32) };
        assert_eq!(Record::sign(draft(&[("content/a.md", "a")]), &tip, &test_key(1)).unwrap().seq, u64::MAX);
    }

    #[test]
    fn stored_lines_round_trip_and_bad_shapes_are_refused() {
        let record = Record::sign(draft(&[("content/a.md", "a")]), &ChainTip::GENESIS, &test_key(1)).unwrap();
        let line = record.to_line();
        assert!(!line.contains('\n'));
        assert_eq!(Record::parse_line(&line).unwrap(), record);
        assert_eq!(record.computed_hash(), record.hash);
        for (from, to) in [
            ("\"v\":1", "\"v\":2"),
            ("\"content/a.md\"", "\"../a.md\""),
            ("\"pages\":[", "\"extra\":1,\"pages\":["),
            ("2024-05-16T09:00:00+08:00", "yesterday"),
        ] {
            assert!(Record::parse_line(&line.replace(from, to)).is_err(), "{to}");
        }
    }
}
