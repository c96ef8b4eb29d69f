//! Tampering with a long history, where `check` verifies the chain of every record but the signatures of
//! only the records that decide the current pages (and the head); rollback against a base; the roster
//! against the trust root.

use std::cell::Cell;

use super::*;
use crate::config::ReviewSection;

const A2: (&str, &str) = ("content/news/a.md", "+++\ntitle = \"甲\"\n+++\n正文（修订）\n");

/// Six records: A signed by three stages (1–3), then A edited and signed again (4–6). Records 1–3 no
/// longer decide anything: the current page is A2.
fn resigned_log() -> String {
    let mut log = signed_log();
    approve(&mut log, "zhang", "初审", &[A2]);
    approve(&mut log, "li", "复审", &[A2]);
    approve(&mut log, "wang", "终审", &[A2]);
    log
}

fn review(inputs: &ReviewInputs<'_>, pages: &[(&str, &str)]) -> SiteReview {
    let section = ReviewSection::default();
    SiteReview::evaluate_inputs(&section, inputs, pages, |records, roster| {
        records.iter().map(|record| log::signature_holds(record, roster)).collect()
    })
}

/// (rule, file, line) of every article-13 finding.
fn findings(review: &SiteReview) -> Vec<(&'static str, String, usize)> {
    review.diagnostics().into_iter().map(|d| (d.rule, d.file, d.start.line)).collect()
}

fn with_log<'a>(roster: &'a str, log: &'a str) -> ReviewInputs<'a> {
    ReviewInputs { roster: Some(roster), log: Some(log), ..ReviewInputs::default() }
}

/// Recomputes `prev` and `hash` of every record from `line` on, as a forger rewriting history would.
fn rechain_from(log: &str, line: usize) -> String {
    let mut lines: Vec<String> = log.lines().map(str::to_string).collect();
    for index in line - 1..lines.len() {
        let mut value: serde_json::Value = serde_json::from_str(&lines[index]).unwrap();
        if index > 0 {
            let previous: serde_json::Value = serde_json::from_str(&lines[index - 1]).unwrap();
            value["prev"] = previous["hash"].clone();
        }
        rehash(&mut value);
        lines[index] = value.to_string();
    }
    lines.join("\n") + "\n"
}

#[test]
fn check_verifies_only_the_deciding_signatures_and_the_head() {
    let (roster_text, log) = (roster_text(), resigned_log());
    let checked = Cell::new(Vec::new());
    let section = ReviewSection::default();
    let review = SiteReview::evaluate_inputs(&section, &with_log(&roster_text, &log), &[A2], |records, roster| {
        checked.set(records.iter().map(|record| record.seq).collect());
        records.iter().map(|record| log::signature_holds(record, roster)).collect()
    });
    assert!(review.pages[0].state.is_signed_off(), "{:?}", review.pages[0].state);
    assert_eq!(checked.take(), [4, 5, 6], "the superseded records 1–3 are not re-verified");
    assert_eq!(review.log_head.as_ref().map(|head| head.seq), Some(6));

    // A page nobody decided yet: only the head's signature is checked.
    let mut log = String::new();
    approve(&mut log, "zhang", "初审", &[B]);
    approve(&mut log, "zhang", "初审", &[B]);
    let review = SiteReview::evaluate_inputs(&section, &with_log(&roster_text, &log), &[A], |records, roster| {
        checked.set(records.iter().map(|record| record.seq).collect());
        records.iter().map(|record| log::signature_holds(record, roster)).collect()
    });
    assert_eq!(review.pages[0].state, PageState::Unsigned);
    assert_eq!(checked.take(), [2]);
}

#[test]
fn editing_an_old_non_deciding_record_still_fails_the_build() {
    let (roster_text, log) = (roster_text(), resigned_log());
    assert!(findings(&review(&with_log(&roster_text, &log), &[A2])).is_empty());
    let log_file = "reviews/log.jsonl".to_string();
    for line in 1..=3 {
        // The field edited, the hash left alone: the record hash no longer matches.
        let edited = edit_line(&log, line, |value| value["comment"] = "改".into());
        let found = findings(&review(&with_log(&roster_text, &edited), &[A2]));
        assert_eq!(found[0], ("review.log-invalid", log_file.clone(), line), "line {line}");
        assert_eq!(found[1].0, "review.log-invalid", "every page is untrusted");

        // The record's hash recomputed: the next record's `prev` no longer matches.
        let rehashed = edit_line(&log, line, |value| {
            value["decision"] = "reject".into();
            rehash(value);
        });
        let found = findings(&review(&with_log(&roster_text, &rehashed), &[A2]));
        assert_eq!(found[0], ("review.log-invalid", log_file.clone(), line + 1), "line {line}, rehashed");

        // Every later hash recomputed too: the deciding records' (and the head's) signed `prev` changed.
        let rechained = rechain_from(&edited, line);
        assert!(ReviewLog::parse(&rechained).unwrap().verify_chain(&roster()).is_ok(), "a consistent forged chain");
        let found = findings(&review(&with_log(&roster_text, &rechained), &[A2]));
        assert_eq!(found[0].0, "review.log-invalid", "line {line}, rechained: {found:?}");
        assert!(found[0].2 > 3, "caught at a signature the forger could not redo: {found:?}");
    }
    // Deleting an old record and renumbering the rest is the same rewrite.
    let without_second: Vec<&str> =
        log.lines().enumerate().filter(|(index, _)| *index != 1).map(|(_, line)| line).collect();
    let renumbered = without_second.iter().enumerate().map(|(index, line)| {
        let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
        value["seq"] = (index as u64 + 1).into();
        value.to_string()
    });
    let renumbered = rechain_from(&(renumbered.collect::<Vec<_>>().join("\n") + "\n"), 1);
    let found = findings(&review(&with_log(&roster_text, &renumbered), &[A2]));
    assert_eq!(found[0].0, "review.log-invalid", "{found:?}");
}

#[test]
fn a_forged_head_fails_even_when_it_decides_nothing() {
    let (roster_text, log) = (roster_text(), resigned_log());
    // A record appended by someone without wang's key, about a page that is not published.
    let mut forged = log.clone();
    approve(&mut forged, "wang", "终审", &[("content/news/gone.md", "x")]);
    let forged = edit_line(&forged, 7, |value| {
        value["comment"] = "伪造".into();
        rehash(value);
    });
    let found = findings(&review(&with_log(&roster_text, &forged), &[A2]));
    assert_eq!(found[0], ("review.log-invalid", "reviews/log.jsonl".to_string(), 7));
}

#[test]
fn the_log_must_extend_its_base() {
    let (roster_text, log) = (roster_text(), resigned_log());
    let mut rejected = log.clone();
    sign(&mut rejected, "li", "复审", Decision::Reject, &[A2], "2025-03-02T10:00:00+08:00");
    let base = ReviewInputs { base_log: Some(&rejected), ..with_log(&roster_text, &rejected) };
    assert!(matches!(review(&base, &[A2]).pages[0].state, PageState::Rejected { .. }));

    // The rejection deleted: a valid chain, and A2 signed off again, unless the base anchors the end.
    assert!(review(&with_log(&roster_text, &log), &[A2]).pages[0].state.is_signed_off());
    let rolled_back = ReviewInputs { log: Some(&log), ..base };
    let found = findings(&review(&rolled_back, &[A2]));
    assert_eq!(found[0], ("review.log-rollback", "reviews/log.jsonl".to_string(), 7), "{found:?}");
    assert_eq!(found[1].0, "review.log-invalid", "the page cannot be trusted");

    // An emptied or a missing log.
    for emptied in [ReviewInputs { log: Some(""), ..base }, ReviewInputs { log: None, ..base }] {
        assert_eq!(findings(&review(&emptied, &[A2]))[0].0, "review.log-rollback");
    }
    // A rewritten record that the base already held.
    let rewritten = rechain_from(&edit_line(&rejected, 2, |value| value["comment"] = "改".into()), 2);
    let found = findings(&review(&ReviewInputs { log: Some(&rewritten), ..base }, &[A2]));
    assert_eq!(found[0], ("review.log-rollback", "reviews/log.jsonl".to_string(), 2), "{found:?}");

    // Appending extends the base; an empty base (no log yet at the base commit) is extended by any log.
    let mut appended = rejected.clone();
    approve(&mut appended, "zhang", "初审", &[A2]);
    assert!(review(&ReviewInputs { log: Some(&appended), ..base }, &[A2]).problems.is_empty());
    assert!(review(&ReviewInputs { base_log: Some(""), ..base }, &[A2]).problems.is_empty());
    let log = ReviewLog::parse(&log).unwrap();
    let broken = log.extends(&ReviewLog::parse(&rejected).unwrap()).unwrap_err();
    assert!(broken.reason.zh.contains("末尾的记录被删除"), "{broken}");
}

#[test]
fn with_a_trust_root_only_a_certified_roster_counts() {
    let (roster_text, log) = (roster_text(), signed_log());
    let admin = test_key(7);
    let roots = vec![admin.public_key().fingerprint()];
    let time = DateTime::parse_from_rfc3339("2025-01-01T09:00:00+08:00").unwrap();
    let certificate = certify(trust::ROSTER, roster_text.as_bytes(), &admin, time).to_text();
    let trusted = ReviewInputs {
        roster_certificate: Some(&certificate),
        trust_root: Some(&roots),
        ..with_log(&roster_text, &log)
    };
    assert!(review(&trusted, &[A]).pages[0].state.is_signed_off());

    // The roster edited after certification, an uncertified roster, a certificate by another key.
    let added = roster_text.replace("stages = [\"终审\"]", "stages = [\"初审\", \"终审\"]");
    assert_ne!(added, roster_text);
    let other = certify(trust::ROSTER, roster_text.as_bytes(), &test_key(8), time).to_text();
    for (inputs, expected) in [
        (ReviewInputs { roster: Some(&added), ..trusted }, "认证后被修改"),
        (ReviewInputs { roster_certificate: None, ..trusted }, "缺少"),
        (ReviewInputs { roster_certificate: Some(&other), ..trusted }, "不是信任根"),
    ] {
        let review = review(&inputs, &[A]);
        let diagnostics = review.diagnostics();
        assert_eq!(
            (diagnostics[0].rule, diagnostics[0].file.as_str()),
            ("review.roster-uncertified", "reviewers.toml")
        );
        assert!(diagnostics[0].message.zh.contains(expected), "{}", diagnostics[0].message.zh);
        assert!(matches!(review.pages[0].state, PageState::Invalid { .. }));
    }
    // Without a trust root the roster is trusted as written (the CLI warns).
    assert!(review(&ReviewInputs { trust_root: None, ..trusted }, &[A]).pages[0].state.is_signed_off());
}
