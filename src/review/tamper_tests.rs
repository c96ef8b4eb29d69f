//! Every way of tampering with the archive that SPEC §4 and the issue name, each detected.

use chrono::DateTime;

use super::crypto::tests::test_key;
use super::*;

fn stages() -> Vec<String> {
    vec!["初审".into(), "复审".into(), "终审".into()]
}

/// zhang 初审/复审, li 复审/终审, wang 终审, zhao (not staff), qian (expired end of 2024).
fn roster_text() -> String {
    let entry = |id: &str, name: &str, seed: u8, staff: bool, stages: &str, until: &str| {
        let pem = test_key(seed).public_key().to_pem();
        format!(
            "[[reviewer]]\nid = \"{id}\"\nname = \"{name}\"\ndepartment = \"市政府办公室\"\nstaff = {staff}\nstages = [{stages}]\npublic_key = \"\"\"\n{pem}\"\"\"\nvalid_from = 2024-01-01\nvalid_until = {until}\n\n"
        )
    };
    [
        entry("zhang", "张三", 1, true, "\"初审\", \"复审\"", "2030-12-31"),
        entry("li", "李四", 2, true, "\"复审\", \"终审\"", "2030-12-31"),
        entry("wang", "王五", 3, true, "\"终审\"", "2030-12-31"),
        entry("zhao", "赵六", 4, false, "\"初审\"", "2030-12-31"),
        entry("qian", "钱七", 5, true, "\"初审\"", "2024-12-31"),
    ]
    .concat()
}

fn roster() -> Roster {
    Roster::parse(&roster_text(), &stages()).unwrap()
}

fn seed_of(id: &str) -> u8 {
    match id {
        "zhang" => 1,
        "li" => 2,
        "wang" => 3,
        "zhao" => 4,
        "qian" => 5,
        _ => 9,
    }
}

/// Appends one signed record to `log` the way `review sign` does.
fn sign(log: &mut String, reviewer: &str, stage: &str, decision: Decision, pages: &[(&str, &str)], time: &str) {
    let parsed = ReviewLog::parse(log).unwrap();
    let draft = Draft {
        time: DateTime::parse_from_rfc3339(time).unwrap(),
        stage: stage.into(),
        decision,
        reviewer: reviewer.into(),
        comment: String::new(),
        pages: pages.iter().map(|(path, text)| PageDigest::of(*path, text.as_bytes())).collect(),
    };
    let record = Record::sign(draft, &parsed.tip(), &test_key(seed_of(reviewer))).unwrap();
    log.push_str(&record.to_line());
    log.push('\n');
}

fn approve(log: &mut String, reviewer: &str, stage: &str, pages: &[(&str, &str)]) {
    sign(log, reviewer, stage, Decision::Approve, pages, "2025-03-01T10:00:00+08:00");
}

const A: (&str, &str) = ("content/news/a.md", "+++\ntitle = \"甲\"\n+++\n正文\n");
const B: (&str, &str) = ("content/news/b.md", "+++\ntitle = \"乙\"\nauthor = \"张三\"\n+++\n正文\n");

/// Three records: 初审 zhang (A, B), 复审 li (A, B), 终审 wang (A).
fn signed_log() -> String {
    let mut log = String::new();
    approve(&mut log, "zhang", "初审", &[A, B]);
    approve(&mut log, "li", "复审", &[A, B]);
    approve(&mut log, "wang", "终审", &[A]);
    log
}

fn state(log: &str, roster: &Roster, page: (&str, &str), author: Option<&str>) -> PageState {
    let parsed = ReviewLog::parse(log).unwrap();
    let verified = parsed.verify(roster).unwrap();
    verified.state(roster, &stages(), page.0, page.1.as_bytes(), author)
}

fn broken_line(log: &str, roster: &Roster) -> usize {
    match ReviewLog::parse(log) {
        Err(broken) => broken.line,
        Ok(parsed) => parsed.verify(roster).expect_err("tampering must be detected").line,
    }
}

fn edit_line(log: &str, line: usize, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut lines: Vec<String> = log.lines().map(str::to_string).collect();
    let mut value: serde_json::Value = serde_json::from_str(&lines[line - 1]).unwrap();
    edit(&mut value);
    lines[line - 1] = value.to_string();
    lines.join("\n") + "\n"
}

/// Re-computes `hash` after an edit, as a forger would, so only the signature can catch it.
fn rehash(value: &mut serde_json::Value) {
    let record: Record = serde_json::from_value(value.clone()).expect("edited record still parses");
    value["hash"] = serde_json::Value::String(record.computed_hash());
}

#[test]
fn a_complete_chain_signs_off_the_page_and_verifies() {
    let log = signed_log();
    let roster = roster();
    let state = state(&log, &roster, A, None);
    assert!(state.is_signed_off(), "{state:?}");
    assert_eq!(
        state.approvals().iter().map(|approval| approval.reviewer.as_str()).collect::<Vec<_>>(),
        ["zhang", "li", "wang"]
    );
    assert!(matches!(super::state::PageState::Unsigned, PageState::Unsigned));
    assert_eq!(self::state(&log, &roster, ("content/other.md", "x"), None), PageState::Unsigned);
}

#[test]
fn editing_any_field_of_any_record_is_detected() {
    let log = signed_log();
    let roster = roster();
    type Edit = (&'static str, fn(&mut serde_json::Value));
    let edits: [Edit; 11] = [
        ("v", |value| value["v"] = 2.into()),
        ("seq", |value| value["seq"] = 7.into()),
        ("time", |value| value["time"] = "2025-03-02T10:00:00+08:00".into()),
        ("stage", |value| value["stage"] = if value["stage"] == "复审" { "终审" } else { "复审" }.into()),
        ("decision", |value| value["decision"] = "reject".into()),
        ("reviewer", |value| value["reviewer"] = if value["reviewer"] == "li" { "wang" } else { "li" }.into()),
        ("comment", |value| value["comment"] = "改".into()),
        ("path", |value| value["pages"][0]["path"] = "content/news/c.md".into()),
        ("sm3", |value| value["pages"][0]["sm3"] = "1".repeat(64).into()),
        ("prev", |value| value["prev"] = "2".repeat(64).into()),
        ("signature", |value| value["signature"] = "MEUCIQ==".into()),
    ];
    for line in 1..=3 {
        for (field, edit) in &edits {
            let tampered = edit_line(&log, line, edit);
            assert_eq!(broken_line(&tampered, &roster), line, "{field} on line {line}");
            // A forger who also recomputes the record hash is still caught (by seq, chain or signature).
            let forged = edit_line(&log, line, |value| {
                edit(value);
                rehash(value);
            });
            assert_eq!(broken_line(&forged, &roster), line, "{field} on line {line}, rehashed");
        }
        let hash_edited = edit_line(&log, line, |value| value["hash"] = "3".repeat(64).into());
        assert_eq!(broken_line(&hash_edited, &roster), line, "hash on line {line}");
    }
}

#[test]
fn reordering_or_deleting_records_is_detected() {
    let log = signed_log();
    let roster = roster();
    let lines: Vec<&str> = log.lines().collect();
    let swapped = [lines[0], lines[2], lines[1]].join("\n") + "\n";
    assert_eq!(broken_line(&swapped, &roster), 2);
    let deleted = [lines[0], lines[2]].join("\n") + "\n";
    assert_eq!(broken_line(&deleted, &roster), 2);
    let first_deleted = [lines[1], lines[2]].join("\n") + "\n";
    assert_eq!(broken_line(&first_deleted, &roster), 1);
    let blank = [lines[0], "", lines[1]].join("\n") + "\n";
    assert_eq!(broken_line(&blank, &roster), 2);
    let garbage = [lines[0], lines[1], "{not json"].join("\n") + "\n";
    assert_eq!(broken_line(&garbage, &roster), 3);
}

#[test]
fn one_changed_byte_makes_the_page_stale() {
    let log = signed_log();
    let roster = roster();
    let changed = A.1.replace("正文", "正交");
    let state = state(&log, &roster, (A.0, &changed), None);
    let PageState::Stale { missing, outdated, .. } = &state else { panic!("{state:?}") };
    assert_eq!(missing, &stages());
    assert_eq!(outdated.reviewer, "wang");
}

#[test]
fn a_signature_copied_from_another_record_is_detected() {
    let mut log = String::new();
    approve(&mut log, "zhang", "初审", &[A]);
    approve(&mut log, "zhang", "初审", &[B]);
    let first: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    let copied = edit_line(&log, 2, |value| {
        value["signature"] = first["signature"].clone();
        rehash(value);
    });
    let broken = ReviewLog::parse(&copied).unwrap().verify(&roster()).unwrap_err();
    assert_eq!(broken.line, 2);
    assert!(broken.reason.zh.contains("签名无效"), "{broken}");
}

#[test]
fn records_by_unentitled_reviewers_are_detected() {
    let roster = roster();
    let cases = [
        ("zhao", "初审", "2025-03-01T10:00:00+08:00", "不是在编人员"),
        ("qian", "初审", "2025-01-01T00:00:00+08:00", "到期"),
        ("wang", "初审", "2025-03-01T10:00:00+08:00", "无权签核"),
        ("zhang", "初审", "2023-06-01T10:00:00+08:00", "起才生效"),
        ("ghost", "初审", "2025-03-01T10:00:00+08:00", "不在审核人员名册"),
    ];
    for (reviewer, stage, time, expected) in cases {
        let mut log = String::new();
        approve(&mut log, "zhang", "初审", &[A]);
        sign(&mut log, reviewer, stage, Decision::Approve, &[A], time);
        let broken = ReviewLog::parse(&log).unwrap().verify(&roster).unwrap_err();
        assert_eq!(broken.line, 2, "{reviewer}");
        assert!(broken.reason.zh.contains(expected), "{reviewer}: {broken}");
    }
    // The last valid day still counts.
    let mut log = String::new();
    sign(&mut log, "qian", "初审", Decision::Approve, &[A], "2024-12-31T23:59:59+08:00");
    assert!(ReviewLog::parse(&log).unwrap().verify(&roster).is_ok());
}

type Edit = (&'static str, fn(&mut serde_json::Value));

/// One forgery per field a memo's key must cover (each rehashed by the caller, so only the signature can catch it).
const FORGED_FIELDS: [Edit; 5] = [
    ("time", |value| value["time"] = "2025-03-02T10:00:00+08:00".into()),
    ("comment", |value| value["comment"] = "改".into()),
    ("sm3", |value| value["pages"][0]["sm3"] = "1".repeat(64).into()),
    ("signature", |value| value["signature"] = "MEUCIQ==".into()),
    ("reviewer", |value| value["reviewer"] = if value["reviewer"] == "li" { "wang" } else { "li" }.into()),
];

/// The browser asks about the same records again and again (audit, then status after every edit) through
/// one `SignatureMemo`: a remembered "valid" must never cover a record changed since, or a swapped key.
#[test]
fn a_signature_memo_that_saw_the_valid_log_still_catches_every_change() {
    let log = signed_log();
    let roster = roster();
    let mut memo = SignatureMemo::default();
    let memo_broken = |memo: &mut SignatureMemo, log: &str, roster: &Roster| match ReviewLog::parse(log) {
        Err(broken) => Some(broken.line),
        Ok(parsed) => parsed.verify_with(roster, |records| memo.check(records, roster)).err().map(|broken| broken.line),
    };
    assert_eq!(memo_broken(&mut memo, &log, &roster), None);
    assert_eq!(memo.len(), 3);
    for line in 1..=3 {
        for (field, edit) in &FORGED_FIELDS {
            let forged = edit_line(&log, line, |value| {
                edit(value);
                rehash(value);
            });
            assert_eq!(memo_broken(&mut memo, &forged, &roster), Some(line), "{field} on line {line}, rehashed");
            // The memo's answer for each record is the one-by-one check's.
            let parsed = ReviewLog::parse(&forged).unwrap();
            let one_by_one: Vec<bool> =
                parsed.records().iter().map(|record| log::signature_holds(record, &roster)).collect();
            assert_eq!(memo.check(parsed.records(), &roster), one_by_one, "{field} on line {line}");
            // So is the batch check the build runs (`log::signatures_hold`).
            assert_eq!(log::signatures_hold(parsed.records(), &roster), one_by_one, "{field} on line {line}");
        }
    }
    // A key swapped in the roster after the memo saw the valid log: its records are checked afresh.
    let swapped_text = roster_text().replace(&test_key(2).public_key().to_pem(), &test_key(8).public_key().to_pem());
    let swapped = Roster::parse(&swapped_text, &stages()).unwrap();
    assert_eq!(memo_broken(&mut memo, &log, &swapped), Some(2));
    let parsed = ReviewLog::parse(&log).unwrap();
    let one_by_one: Vec<bool> = parsed.records().iter().map(|record| log::signature_holds(record, &swapped)).collect();
    assert_eq!(log::signatures_hold(parsed.records(), &swapped), one_by_one);
    assert!(one_by_one.contains(&false) && one_by_one.contains(&true), "{one_by_one:?}");
    // And the valid log still holds with the original roster.
    assert_eq!(memo_broken(&mut memo, &log, &roster), None);
}

/// The browser spreads the audit over Web Workers: each checks a share of the log's lines and hands back
/// plain results, which the main memo takes. A result answers only for the exact key, signature and
/// bytes it was computed for: a worker that saw other bytes (an older or a forged archive, a swapped key)
/// decides nothing about the records in hand, which the memo then verifies itself.
#[test]
fn results_from_workers_answer_only_for_the_exact_bytes_they_checked() {
    let log = signed_log();
    let roster = roster();
    let lines: Vec<&str> = log.lines().collect();
    // Two workers' shares, as the page splits the log: together they cover every record.
    let shares = [lines[..2].join("\n"), lines[2..].join("\n")];
    let answers: Vec<CheckedSignature> =
        shares.iter().flat_map(|share| log::check_signatures_of_lines(share, &roster)).collect();
    assert_eq!(answers.len(), 3);
    assert!(answers.iter().all(|answer| answer.holds));
    let seeded = || {
        let mut memo = SignatureMemo::default();
        memo.seed(answers.clone());
        memo
    };
    let parsed = ReviewLog::parse(&log).unwrap();
    let mut memo = seeded();
    assert!(parsed.verify_with(&roster, |records| memo.check(records, &roster)).is_ok());
    assert_eq!(memo.len(), 3, "every record answered from the workers' results");
    assert_eq!(memo.checked().len(), 3);

    // A forged archive against the valid archive's answers: each forged line fails all the same.
    for line in 1..=3 {
        for (field, edit) in &FORGED_FIELDS {
            let forged = edit_line(&log, line, |value| {
                edit(value);
                rehash(value);
            });
            let parsed = ReviewLog::parse(&forged).unwrap();
            let mut memo = seeded();
            let broken = parsed.verify_with(&roster, |records| memo.check(records, &roster)).unwrap_err();
            assert_eq!(broken.line, line, "{field} on line {line}");
        }
    }

    // A worker's "holds" moved onto other bytes, another signature or another key is never taken for them.
    let record = &parsed.records()[0];
    let valid = answers.iter().find(|answer| answer.message == record.signed_bytes()).unwrap();
    let mut wrong_bytes = valid.clone();
    wrong_bytes.message.push(b' ');
    let mut wrong_signature = valid.clone();
    wrong_signature.signature = parsed.records()[1].signature.clone();
    let mut wrong_key = valid.clone();
    wrong_key.public_key = test_key(8).public_key().to_sec1();
    let forged = edit_line(&log, 1, |value| {
        value["comment"] = "改".into();
        rehash(value);
    });
    let forged_record = ReviewLog::parse(&forged).unwrap().records()[0].clone();
    let mut lying = valid.clone();
    lying.holds = false; // a wrong answer for the exact bytes would be taken: it is the same code's answer
    for (case, answer) in [("bytes", wrong_bytes), ("signature", wrong_signature), ("key", wrong_key)] {
        let mut memo = SignatureMemo::default();
        memo.seed([CheckedSignature { holds: true, ..answer }]);
        assert_eq!(memo.check(std::slice::from_ref(&forged_record), &roster), [false], "{case}");
        assert_eq!(memo.check(std::slice::from_ref(record), &roster), [true], "{case}");
    }
    let mut memo = SignatureMemo::default();
    memo.seed([lying]);
    assert_eq!(memo.check(std::slice::from_ref(record), &roster), [false], "the seed is the memo's answer");

    // Lines that do not parse and reviewers the roster does not name are left to the memo.
    let noisy = format!("not json\n{}\n\n", lines[0].replace("\"zhang\"", "\"ghost\""));
    assert!(log::check_signatures_of_lines(&noisy, &roster).is_empty());
}

#[test]
fn a_roster_key_swapped_after_signing_is_detected() {
    let log = signed_log();
    let swapped_text = roster_text().replace(&test_key(2).public_key().to_pem(), &test_key(8).public_key().to_pem());
    let swapped = Roster::parse(&swapped_text, &stages()).unwrap();
    let broken = ReviewLog::parse(&log).unwrap().verify(&swapped).unwrap_err();
    assert_eq!(broken.line, 2);
    // Removing the reviewer from the roster is caught too.
    let without_li =
        roster_text().split("\n\n").filter(|entry| !entry.contains("\"li\"")).collect::<Vec<_>>().join("\n\n");
    let without_li = Roster::parse(&without_li, &stages()).unwrap();
    assert_eq!(ReviewLog::parse(&log).unwrap().verify(&without_li).unwrap_err().line, 2);
}

#[test]
fn one_reviewer_cannot_sign_two_stages_of_a_page() {
    let mut log = String::new();
    approve(&mut log, "zhang", "初审", &[A]);
    approve(&mut log, "zhang", "复审", &[A]);
    approve(&mut log, "wang", "终审", &[A]);
    let state = state(&log, &roster(), A, None);
    let PageState::Pending { missing, notes, .. } = &state else { panic!("{state:?}") };
    assert_eq!(missing.len(), 1);
    assert!(notes.iter().any(|note| note.zh.contains("不同审核人")), "{notes:?}");
    // A second reviewer for 初审 lets zhang count for 复审 instead (a matching, not first come).
    sign(&mut log, "qian", "初审", Decision::Approve, &[A], "2024-12-01T10:00:00+08:00");
    let log = log.lines().take(3).collect::<Vec<_>>().join("\n") + "\n";
    let mut log = log;
    approve(&mut log, "li", "复审", &[A]);
    assert!(state_of(&log, A).is_signed_off());
}

fn state_of(log: &str, page: (&str, &str)) -> PageState {
    state(log, &roster(), page, None)
}

#[test]
fn the_best_assignment_of_reviewers_to_stages_is_found() {
    let mut log = String::new();
    approve(&mut log, "li", "复审", &[A]);
    approve(&mut log, "li", "终审", &[A]);
    approve(&mut log, "zhang", "复审", &[A]);
    approve(&mut log, "zhang", "初审", &[A]);
    // zhang must take 初审, li 复审 or 终审 — one of 复审/终审 stays open: three stages need three people.
    let state = state_of(&log, A);
    assert_eq!(state.missing().len(), 1, "{state:?}");
    approve(&mut log, "wang", "终审", &[A]);
    let state = state_of(&log, A);
    assert!(state.is_signed_off(), "{state:?}");
    let by_stage: Vec<_> =
        state.approvals().iter().map(|approval| (approval.stage.as_str(), approval.reviewer.as_str())).collect();
    assert_eq!(by_stage, [("初审", "zhang"), ("复审", "li"), ("终审", "wang")]);
}

#[test]
fn a_rejection_stands_until_new_approvals() {
    let mut log = signed_log();
    sign(&mut log, "li", "复审", Decision::Reject, &[A], "2025-03-02T10:00:00+08:00");
    let PageState::Rejected { rejection } = state_of(&log, A) else { panic!() };
    assert_eq!((rejection.reviewer.as_str(), rejection.line), ("li", 4));
    approve(&mut log, "zhang", "初审", &[A]);
    assert_eq!(state_of(&log, A).missing(), ["复审", "终审"], "approvals before the rejection no longer count");
    approve(&mut log, "li", "复审", &[A]);
    approve(&mut log, "wang", "终审", &[A]);
    assert!(state_of(&log, A).is_signed_off());
    // B was never rejected: its state is untouched by A's rejection.
    assert_eq!(state_of(&log, B).missing(), ["终审"]);
}

#[test]
fn authors_may_not_review_their_own_page() {
    let mut log = signed_log();
    approve(&mut log, "wang", "终审", &[B]);
    let state = state(&log, &roster(), B, Some("张三"));
    let PageState::Pending { missing, notes, .. } = &state else { panic!("{state:?}") };
    assert_eq!(missing, &["初审".to_string()]);
    assert!(notes[0].zh.contains("本页作者"));
    assert!(self::state(&log, &roster(), B, Some("zhang")).missing() == ["初审"]);
    assert!(self::state(&log, &roster(), B, Some("某编辑")).is_signed_off());
}

#[test]
fn site_diagnostics_name_the_fixing_command() {
    let log = signed_log();
    let roster = roster();
    let state = state(&log, &roster, B, None);
    let diagnostic = site::page_diagnostic(B.0, &state, Some(&roster), &stages(), None).unwrap();
    assert_eq!((diagnostic.rule, diagnostic.article, diagnostic.file.as_str()), ("review.unsigned", 13, B.0));
    assert!(
        diagnostic
            .help
            .zh
            .contains("govpress review sign content/news/b.md --stage 终审 --reviewer wang --key wang.pem"),
        "{}",
        diagnostic.help.zh
    );
    let signed = self::state(&log, &roster, A, None);
    assert!(site::page_diagnostic(A.0, &signed, Some(&roster), &stages(), None).is_none());
    let none = site::page_diagnostic(A.0, &PageState::Unsigned, None, &stages(), None).unwrap();
    assert!(none.help.zh.contains("govpress keygen"), "{}", none.help.zh);
}

/// Long histories (only deciding signatures are checked by `check`), the log's end, the trust root.
mod history;
