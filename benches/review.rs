//! Review at portal scale: one signature over 10,000 pages, verifying a 30,000-record archive,
//! and the sign-off state of 10,000 pages. `cargo bench --bench review`.

use std::hint::black_box;

use chrono::DateTime;
use criterion::{criterion_group, criterion_main, Criterion};
use govpress::review::{ChainTip, Decision, Draft, PageDigest, PrivateKey, Record, ReviewLog, Roster};

const STAGES: [&str; 3] = ["初审", "复审", "终审"];

fn key(seed: u8) -> PrivateKey {
    let mut bytes = [0x22u8; 32];
    bytes[31] = seed;
    PrivateKey::from_secret(&sm2::SecretKey::from_slice(&bytes).expect("scalar")).expect("key")
}

fn roster() -> Roster {
    let text: String = STAGES
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            format!(
                "[[reviewer]]\nid = \"r{index}\"\nname = \"审核人{index}\"\nstaff = true\nstages = [\"{stage}\"]\npublic_key = \"\"\"\n{}\"\"\"\nvalid_from = 2024-01-01\nvalid_until = 2030-12-31\n",
                key(index as u8 + 1).public_key().to_pem()
            )
        })
        .collect();
    Roster::parse(&text, &STAGES.map(String::from)).expect("roster")
}

/// 10,000 pages of about 1.5 KB each.
fn pages() -> Vec<(String, String)> {
    (0..10_000)
        .map(|index| {
            let body = "示例市人民政府关于开展网络安全宣传周活动的通知。".repeat(20);
            (format!("content/news/{index:05}.md"), format!("+++\ntitle = \"通知{index}\"\n+++\n{body}\n"))
        })
        .collect()
}

fn draft(stage: usize, pages: Vec<PageDigest>) -> Draft {
    Draft {
        time: DateTime::parse_from_rfc3339("2025-03-01T10:00:00+08:00").expect("time"),
        stage: STAGES[stage].to_string(),
        decision: Decision::Approve,
        reviewer: format!("r{stage}"),
        comment: "同意".into(),
        pages,
    }
}

fn append(log: &mut String, tip: &mut ChainTip, stage: usize, pages: Vec<PageDigest>) {
    let record = Record::sign(draft(stage, pages), tip, &key(stage as u8 + 1)).expect("sign");
    *tip = ChainTip { seq: record.seq, hash: record.hash.clone() };
    log.push_str(&record.to_line());
    log.push('\n');
}

fn bench(c: &mut Criterion) {
    let pages = pages();
    let roster = roster();
    let signer = key(1);

    c.bench_function("sign 10,000 pages in one record (SM3 digests + one SM2 signature)", |b| {
        b.iter(|| {
            let digests = pages.iter().map(|(path, text)| PageDigest::of(path.clone(), text.as_bytes())).collect();
            black_box(Record::sign(draft(0, digests), &ChainTip::GENESIS, &signer).expect("sign").to_line())
        })
    });

    // 30,000 records, each one page, stages in turn.
    let (mut log, mut tip) = (String::new(), ChainTip::GENESIS);
    for index in 0..30_000 {
        let (path, text) = &pages[index % pages.len()];
        append(&mut log, &mut tip, index % 3, vec![PageDigest::of(path.clone(), text.as_bytes())]);
    }
    let mut group = c.benchmark_group("archive");
    group.sample_size(10);
    group.bench_function("parse + verify 30,000 records (one thread)", |b| {
        b.iter(|| {
            let parsed = ReviewLog::parse(&log).expect("log");
            black_box(parsed.verify(&roster).is_ok())
        })
    });
    group.finish();

    // Three batch records (one per stage) over 10,000 pages, then the state of each page.
    let (mut batch_log, mut tip) = (String::new(), ChainTip::GENESIS);
    for stage in 0..3 {
        let digests = pages.iter().map(|(path, text)| PageDigest::of(path.clone(), text.as_bytes())).collect();
        append(&mut batch_log, &mut tip, stage, digests);
    }
    let parsed = ReviewLog::parse(&batch_log).expect("log");
    let verified = parsed.verify(&roster).expect("verified");
    let stages = STAGES.map(String::from);
    c.bench_function("sign-off state of 10,000 pages", |b| {
        b.iter(|| {
            let signed = pages
                .iter()
                .filter(|(path, text)| verified.state(&roster, &stages, path, text.as_bytes(), None).is_signed_off())
                .count();
            assert_eq!(signed, pages.len());
            black_box(signed)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
