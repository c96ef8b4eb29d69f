//! Writes one site twice for scripts/bench/review.sh, which times `govpress check` and `build` on both:
//! `one-by-one/`, each page signed on its own at each stage (pages × 3 records, as a daily 三审 flow
//! produces), and `batch/`, every page signed in one record per stage (3 records). Same pages, same
//! roster, same verdict: every page signed off.
//!
//! `cargo bench --bench review_site -- DIR [PAGES]` (DIR must exist and be empty; PAGES defaults to 1500).

use std::path::Path;

use chrono::DateTime;
use govpress::review::{ChainTip, Decision, Draft, PageDigest, PrivateKey, Record};

const STAGES: [&str; 3] = ["初审", "复审", "终审"];

fn key(seed: u8) -> PrivateKey {
    let mut bytes = [0x33u8; 32];
    bytes[31] = seed;
    PrivateKey::from_secret(&sm2::SecretKey::from_slice(&bytes).expect("scalar")).expect("key")
}

fn roster() -> String {
    STAGES
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            format!(
                "[[reviewer]]\nid = \"r{index}\"\nname = \"审核人{index}\"\nstaff = true\nstages = [\"{stage}\"]\npublic_key = \"\"\"\n{}\"\"\"\nvalid_from = 2024-01-01\nvalid_until = 2099-12-31\n\n",
                key(index as u8 + 1).public_key().to_pem()
            )
        })
        .collect()
}

fn page(index: usize) -> (String, String) {
    let body = "示例市人民政府关于开展网络安全宣传周活动的通知。".repeat(20);
    (format!("content/news/{index:05}.md"), format!("+++\ntitle = \"通知{index}\"\ndate = 2024-05-15\n+++\n{body}\n"))
}

/// Signs each group of pages at every stage, stage by stage per group, chaining as `review sign` does.
fn log(groups: &[Vec<PageDigest>]) -> String {
    let (mut text, mut tip) = (String::new(), ChainTip::GENESIS);
    for pages in groups {
        for (stage, name) in STAGES.iter().enumerate() {
            let draft = Draft {
                time: DateTime::parse_from_rfc3339("2025-03-01T10:00:00+08:00").expect("time"),
                stage: name.to_string(),
                decision: Decision::Approve,
                reviewer: format!("r{stage}"),
                comment: "同意".into(),
                pages: pages.clone(),
            };
            let record = Record::sign(draft, &tip, &key(stage as u8 + 1)).expect("sign");
            tip = ChainTip { seq: record.seq, hash: record.hash.clone() };
            text.push_str(&record.to_line());
            text.push('\n');
        }
    }
    text
}

fn write_site(root: &Path, pages: &[(String, String)], log: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("content/news"))?;
    std::fs::create_dir_all(root.join("reviews"))?;
    std::fs::write(
        root.join("govpress.toml"),
        "[site]\nname = \"基准测试市人民政府\"\nbase_url = \"https://www.bench.gov.cn\"\norg_kind = \"party-government\"\n\n\
         [identity]\nconac_id = \"0123456789ABCDEF0123456789ABCDEF\"\nsite_code = \"9999000001\"\n\
         icp = \"浙ICP备99000001号-1\"\npsb = \"浙公网安备99990002000001号\"\n\
         sponsor = \"基准测试市人民政府办公室\"\ncontact = \"12345\"\n",
    )?;
    std::fs::write(root.join("reviewers.toml"), roster())?;
    std::fs::write(root.join("reviews/log.jsonl"), log)?;
    for (path, text) in pages {
        std::fs::write(root.join(path), text)?;
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: cargo bench --bench review_site -- DIR [PAGES]");
        std::process::exit(2);
    };
    let count: usize = args.get(1).and_then(|text| text.parse().ok()).unwrap_or(1500);
    let pages: Vec<(String, String)> = (0..count).map(page).collect();
    let digests: Vec<PageDigest> =
        pages.iter().map(|(path, text)| PageDigest::of(path.clone(), text.as_bytes())).collect();
    let one_by_one: Vec<Vec<PageDigest>> = digests.iter().map(|digest| vec![digest.clone()]).collect();
    let dir = Path::new(dir);
    write_site(&dir.join("one-by-one"), &pages, &log(&one_by_one))?;
    write_site(&dir.join("batch"), &pages, &log(&[digests]))?;
    println!("{count} pages: one-by-one {} records, batch {} records", count * 3, 3);
    Ok(())
}
