//! Rollback of the log against a base (a git revision or a file), a forged tail refused by `review sign`,
//! and the roster certified by the administrator key CI is given as the trust root.

use std::process::{Command, Output};

use serde_json::Value;

use super::{ok, stderr, Site};

fn git(site: &Site, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=测试", "-c", "user.email=test@example.gov.cn", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(&site.root)
        .output()
        .expect("git");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn run_env(site: &Site, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govpress"))
        .args(args)
        .env_remove("GOVPRESS_TRUST_ROOT")
        .env_remove("GOVPRESS_REVIEW_BASE")
        .envs(env.iter().copied())
        .current_dir(&site.root)
        .output()
        .expect("run govpress")
}

fn review_rules(output: &Output) -> Vec<(String, String)> {
    let report: Value = serde_json::from_slice(&output.stdout).expect("json report");
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("review."))
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["file"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn deleting_the_last_record_is_caught_against_the_base_commit() {
    let site = Site::with_roster();
    site.sign_all_stages(&["content/news/a.md"]);
    let reject = ["review", "sign", "content/news/a.md", "--stage", "复审", "--reviewer", "li", "--key", "li.pem"];
    ok(site.run(&[&reject[..], &["--reject", "--comment", "数据有误"]].concat()));
    git(&site, &["init", "-q"]);
    git(&site, &["add", "govpress.toml", "reviewers.toml", "reviews", "content"]);
    git(&site, &["commit", "-q", "-m", "退回"]);
    let log_path = site.root.join("reviews/log.jsonl");
    let with_reject = site.log();
    ok(run_env(&site, &[], &["review", "verify", "--base", "HEAD"]));

    // Undo the rejection by deleting the last line: the chain alone still verifies.
    let without_reject: String = with_reject.lines().take(3).map(|line| format!("{line}\n")).collect();
    std::fs::write(&log_path, &without_reject).unwrap();
    ok(run_env(&site, &[], &["review", "verify"]));
    let output = run_env(&site, &[], &["review", "verify", "--base", "HEAD"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("reviews/log.jsonl:4:") && stderr(&output).contains("末尾的记录被删除"),
        "{}",
        stderr(&output)
    );
    let check = run_env(&site, &[("GOVPRESS_REVIEW_BASE", "HEAD")], &["check", "--format", "json", "."]);
    let rules = review_rules(&check);
    assert!(rules.contains(&("review.log-rollback".into(), "reviews/log.jsonl".into())), "{rules:?}");
    assert!(rules.contains(&("review.log-invalid".into(), "content/news/a.md".into())), "{rules:?}");
    // The same anchor by flag, for check and for build (which then publishes nothing).
    let by_flag = review_rules(&run_env(&site, &[], &["check", "--format", "json", "--base", "HEAD", "."]));
    assert_eq!(by_flag, rules, "a flag and the environment anchor the same way");
    let build = run_env(&site, &[], &["build", "--base", "HEAD", "--out", "out", "."]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    let printed = String::from_utf8_lossy(&build.stdout);
    assert!(printed.contains("review.log-rollback"), "{printed}");
    assert!(!site.root.join("out").exists());
    // Without the anchor the rollback would publish the rejected page.
    let unanchored = review_rules(&run_env(&site, &[], &["check", "--format", "json", "."]));
    assert!(!unanchored.iter().any(|(_, file)| file == "content/news/a.md"), "{unanchored:?}");

    // An emptied or a missing log.
    std::fs::write(&log_path, "").unwrap();
    assert_eq!(run_env(&site, &[], &["review", "verify", "--base", "HEAD"]).status.code(), Some(1));
    std::fs::remove_file(&log_path).unwrap();
    let check = run_env(&site, &[("GOVPRESS_REVIEW_BASE", "HEAD")], &["check", "--format", "json", "."]);
    assert!(review_rules(&check).contains(&("review.log-rollback".into(), "reviews/log.jsonl".into())));

    // A file as the base works the same; appending new records extends it.
    std::fs::write(site.root.join("base.jsonl"), &with_reject).unwrap();
    std::fs::write(&log_path, &with_reject).unwrap();
    ok(site.sign(&["content/news/a.md"], "初审", "zhang"));
    ok(run_env(&site, &[], &["review", "verify", "--base", "base.jsonl"]));
    ok(run_env(&site, &[], &["review", "verify", "--base", "HEAD"]));
    let bad = run_env(&site, &[], &["review", "verify", "--base", "no-such-rev"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("既不是文件，也不是 git 版本"), "{}", stderr(&bad));
}

#[test]
fn sign_refuses_a_forged_tail_and_never_wraps_the_sequence() {
    let site = Site::with_roster();
    ok(site.sign(&["content/news/a.md"], "初审", "zhang"));
    let log_path = site.root.join("reviews/log.jsonl");
    let genuine = site.log();
    // The last line's seq set to u64::MAX and its hash recomputed, as anyone can.
    let mut record: Value = serde_json::from_str(genuine.trim_end()).unwrap();
    record["seq"] = u64::MAX.into();
    let forged = govpress::review::Record::parse_line(&record.to_string()).unwrap();
    record["hash"] = forged.computed_hash().into();
    std::fs::write(&log_path, format!("{record}\n")).unwrap();
    let output = site.sign(&["content/news/a.md"], "复审", "li");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("拒绝追加") && stderr(&output).contains("序号应为 1"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&log_path).unwrap(), format!("{record}\n"), "nothing appended");

    // A tail whose hash chain holds but whose signature was forged: refused too.
    let mut record: Value = serde_json::from_str(genuine.trim_end()).unwrap();
    record["comment"] = "伪造".into();
    let forged = govpress::review::Record::parse_line(&record.to_string()).unwrap();
    record["hash"] = forged.computed_hash().into();
    std::fs::write(&log_path, format!("{record}\n")).unwrap();
    let output = site.sign(&["content/news/a.md"], "复审", "li");
    assert!(stderr(&output).contains("签名无效") && stderr(&output).contains("拒绝追加"), "{}", stderr(&output));

    // The genuine log: signing goes on, and the new head is printed.
    std::fs::write(&log_path, &genuine).unwrap();
    let signed = ok(site.sign(&["content/news/a.md"], "复审", "li"));
    let head = serde_json::from_str::<Value>(site.log().lines().last().unwrap()).unwrap()["hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(signed.contains(&format!("档案头：2 {head}")), "{signed}");
}

#[test]
fn a_trust_root_requires_the_administrators_certificate_of_the_roster() {
    let site = Site::with_roster();
    site.sign_all_stages(&["content/news/a.md"]);
    let admin_public = ok(site.run(&["keygen", "--out", "admin.pem"]));
    let root = ok(site.run(&["review", "fingerprint", "admin.pem"])).trim().to_string();
    std::fs::write(site.root.join("admin.pub"), &admin_public).unwrap();
    assert_eq!(ok(site.run(&["review", "fingerprint", "admin.pub"])).trim(), root, "same for the public key");
    assert_eq!(root.len(), 64);
    let trusted = [("GOVPRESS_TRUST_ROOT", root.as_str())];

    // Uncertified: check fails citing article 13; without a root it only warns.
    let check = run_env(&site, &trusted, &["check", "--format", "json", "."]);
    assert!(review_rules(&check).contains(&("review.roster-uncertified".into(), "reviewers.toml".into())));
    let by_flag = run_env(&site, &[], &["check", "--format", "json", "--trust-root", &root, "."]);
    assert_eq!(review_rules(&by_flag), review_rules(&check), "--trust-root works as the environment does");
    let untrusted = run_env(&site, &[], &["check", "--format", "json", "."]);
    assert_eq!(review_rules(&untrusted), [("review.unsigned".to_string(), "content/news/b.md".to_string())]);
    let verify = run_env(&site, &[], &["review", "verify"]);
    assert!(stderr(&verify).contains("按原文信任"), "{}", stderr(&verify));

    // Certified by the administrator: signed off, and verify says so.
    let certified = ok(site.run(&["review", "certify-roster", "--key", "admin.pem"]));
    assert!(certified.contains(&format!("GOVPRESS_TRUST_ROOT={root}")), "{certified}");
    let check = run_env(&site, &trusted, &["check", "--format", "json", "."]);
    assert_eq!(review_rules(&check), [("review.unsigned".to_string(), "content/news/b.md".to_string())]);
    let verify = run_env(&site, &[], &["review", "verify", "--trust-root", &root]);
    assert!(!stderr(&verify).contains("按原文信任"));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("经信任根认证"), "{}", stderr(&verify));

    // Someone who can edit the repository adds themselves as a reviewer: refused.
    let mallory = ok(site.run(&["keygen", "--out", "mallory.pem"]));
    site.add_reviewer("mallory", "某人", "终审", true, &mallory, "2030-12-31");
    let check = run_env(&site, &trusted, &["check", "--format", "json", "."]);
    assert!(review_rules(&check).contains(&("review.roster-uncertified".into(), "reviewers.toml".into())));
    let verify = run_env(&site, &[], &["review", "verify", "--trust-root", &root]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(stderr(&verify).contains("认证后被修改"), "{}", stderr(&verify));
    // ... and certifying it with their own key does not help.
    ok(site.run(&["review", "certify-roster", "--key", "mallory.pem"]));
    let check = run_env(&site, &trusted, &["check", "--format", "json", "."]);
    assert!(review_rules(&check).contains(&("review.roster-uncertified".into(), "reviewers.toml".into())));
    let bad_root = run_env(&site, &[("GOVPRESS_TRUST_ROOT", "zhang")], &["check", "."]);
    assert_eq!(bad_root.status.code(), Some(2), "{}", stderr(&bad_root));

    // The same root certifies the publisher key (one key model).
    let publisher = ok(site.run(&["keygen", "--out", "publisher.pem"]));
    std::fs::write(site.root.join("publisher.pub"), &publisher).unwrap();
    ok(site.run(&["review", "certify", "publisher.pub", "--kind", "publisher-key", "--key", "admin.pem"]));
    let certificate = std::fs::read_to_string(site.root.join("publisher.pub.sig")).unwrap();
    let roots = [root.clone()];
    let verified =
        govpress::review::verify_certified(&roots, Some(&certificate), "publisher-key", publisher.as_bytes());
    assert_eq!(verified.unwrap().signer, root);
}

#[test]
fn the_fingerprint_is_what_openssl_computes() {
    let site = Site::new();
    let public = ok(site.run(&["keygen", "--out", "admin.pem"]));
    std::fs::write(site.root.join("admin.pub"), public).unwrap();
    let ours = ok(site.run(&["review", "fingerprint", "admin.pub"]));
    let der = Command::new("openssl")
        .args(["pkey", "-pubin", "-in", "admin.pub", "-outform", "DER"])
        .current_dir(&site.root)
        .output();
    let Ok(der) = der else { return };
    assert!(der.status.success());
    std::fs::write(site.root.join("admin.der"), &der.stdout).unwrap();
    let digest =
        Command::new("openssl").args(["dgst", "-sm3", "-r", "admin.der"]).current_dir(&site.root).output().unwrap();
    let theirs = String::from_utf8(digest.stdout).unwrap();
    assert_eq!(theirs.split_whitespace().next(), Some(ours.trim()));
}
