//! The signed build manifest and `govpress verify --public-key` (SPEC §5, docs/deploy.md): one changed
//! byte, a file added, a file removed and a manifest rewritten without the publisher key are each caught.

mod common;

use std::path::{Path, PathBuf};

use common::{govpress, keypair, run, sign_off, write, Run, NOW};

/// A fixture site in a temporary directory, signed off, and a publisher key pair *outside* the site.
struct Deploy {
    dir: tempfile::TempDir,
    site: PathBuf,
    key: PathBuf,
    public: PathBuf,
}

impl Deploy {
    fn new() -> Deploy {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build-site");
        for entry in walkdir::WalkDir::new(&source) {
            let entry = entry.unwrap();
            let target = site.join(entry.path().strip_prefix(&source).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        sign_off(&site);
        let (key, public) = keypair(dir.path(), "publisher");
        Deploy { dir, site, key, public }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    fn build(&self, extra: &[&str]) -> Run {
        let out = self.out();
        let built = run(govpress()
            .env_remove("GOVPRESS_PUBLISHER_KEY")
            .arg("build")
            .arg(&self.site)
            .arg("--out")
            .arg(&out)
            .args(["--now", NOW, "--quiet"])
            .args(extra));
        assert_eq!(built.code, 0, "{}", built.stderr);
        built
    }

    fn build_signed(&self) {
        self.build(&["--publisher-key", self.key.to_str().unwrap()]);
    }

    fn verify(&self, extra: &[&str]) -> Run {
        run(govpress()
            .env_remove("GOVPRESS_TRUST_ROOT")
            .arg("verify")
            .arg(self.out())
            .arg("--public-key")
            .arg(&self.public)
            .args(["--format", "json"])
            .args(extra))
    }
}

/// `rule file` of every finding in a JSON report.
fn findings(verified: &Run) -> Vec<String> {
    let report: serde_json::Value =
        serde_json::from_str(&verified.stdout).unwrap_or_else(|error| panic!("{error}: {}", verified.stdout));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| format!("{} {}", diagnostic["rule"].as_str().unwrap(), diagnostic["file"].as_str().unwrap()))
        .collect()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join(".govpress-manifest.json")).unwrap()).unwrap()
}

#[test]
fn a_signed_build_verifies_with_the_review_log_head_recorded() {
    let deploy = Deploy::new();
    deploy.build_signed();
    let clean = deploy.verify(&[]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    let report: serde_json::Value = serde_json::from_str(&clean.stdout).unwrap();
    assert_eq!(report["errors"], 0);
    assert!(report["files_checked"].as_u64().unwrap() > 5);
    let manifest = manifest(&deploy.out());
    assert_eq!(manifest["version"], 2);
    assert_eq!(manifest["signature"]["algorithm"], "SM2-SM3");
    // The head of the review log the build read: the fixture's sign-off wrote three records per page.
    let log = std::fs::read_to_string(deploy.site.join("reviews/log.jsonl")).unwrap();
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(manifest["review_log_head"]["seq"], last["seq"]);
    assert_eq!(manifest["review_log_head"]["hash"], last["hash"]);
}

#[test]
fn one_changed_byte_an_added_and_a_removed_file_are_each_caught() {
    let deploy = Deploy::new();
    deploy.build_signed();
    let out = deploy.out();
    let page = out.join("news/a/index.html");
    let original = std::fs::read(&page).unwrap();

    // One byte flipped in the middle of a page.
    let mut changed = original.clone();
    let middle = changed.len() / 2;
    changed[middle] ^= 0x01;
    std::fs::write(&page, &changed).unwrap();
    let verified = deploy.verify(&[]);
    assert_eq!(verified.code, 1);
    assert_eq!(findings(&verified), ["verify.changed news/a/index.html"]);
    std::fs::write(&page, &original).unwrap();
    assert_eq!(deploy.verify(&[]).code, 0);

    // A file added (in a new directory, too).
    write(&out.join("news/b/evil.html"), "<script>alert(1)</script>");
    let verified = deploy.verify(&[]);
    assert_eq!(findings(&verified), ["verify.added news/b/evil.html"]);
    std::fs::remove_file(out.join("news/b/evil.html")).unwrap();

    // A file removed.
    std::fs::remove_file(out.join("robots.txt")).unwrap();
    let verified = deploy.verify(&[]);
    assert_eq!(verified.code, 1);
    assert_eq!(findings(&verified), ["verify.missing robots.txt"]);
}

#[test]
fn a_manifest_rewritten_without_the_key_is_caught() {
    let deploy = Deploy::new();
    deploy.build_signed();
    let out = deploy.out();
    let manifest_path = out.join(".govpress-manifest.json");
    let signed = manifest(&out);
    // The attacker changes a page and rewrites its digest to match.
    let page = out.join("news/a/index.html");
    std::fs::write(&page, "<p>篡改</p>").unwrap();
    let digest = govpress::audit::manifest::sm3_hex(b"<p>\xe7\xaf\xa1\xe6\x94\xb9</p>");
    let mut rewritten = signed.clone();
    rewritten["files"]["news/a/index.html"] = serde_json::Value::String(digest);

    // 1. The old signature kept.
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&rewritten).unwrap()).unwrap();
    let verified = deploy.verify(&[]);
    assert_eq!(verified.code, 1);
    assert_eq!(findings(&verified), ["verify.signature .govpress-manifest.json"]);
    // Without the public key only the digests are compared: the rewrite goes unnoticed (and it says so).
    let digests_only = run(govpress().arg("verify").arg(&out));
    assert_eq!(digests_only.code, 0);
    assert!(digests_only.stderr.contains("--public-key"), "{}", digests_only.stderr);

    // 2. The signature removed.
    let mut stripped = rewritten.clone();
    stripped.as_object_mut().unwrap().remove("signature");
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&stripped).unwrap()).unwrap();
    let verified = deploy.verify(&[]);
    assert_eq!(findings(&verified), ["verify.signature .govpress-manifest.json"]);
    assert!(verified.stdout.contains("没有签名"), "{}", verified.stdout);

    // 3. Re-signed with the attacker's own key: a whole build with their key, its manifest copied over.
    let (evil_key, _) = keypair(deploy.dir.path(), "evil");
    let evil_out = deploy.dir.path().join("evil-out");
    let evil = run(govpress()
        .arg("build")
        .arg(&deploy.site)
        .arg("--out")
        .arg(&evil_out)
        .args(["--now", NOW, "--quiet", "--publisher-key"])
        .arg(&evil_key));
    assert_eq!(evil.code, 0, "{}", evil.stderr);
    std::fs::copy(evil_out.join(".govpress-manifest.json"), &manifest_path).unwrap();
    std::fs::write(&page, std::fs::read(evil_out.join("news/a/index.html")).unwrap()).unwrap();
    let verified = deploy.verify(&[]);
    assert_eq!(findings(&verified), ["verify.signature .govpress-manifest.json"]);
    assert!(verified.stdout.contains("另一把密钥"), "{}", verified.stdout);

    // 4. A separately kept copy of the signed manifest (--manifest) still catches a changed page.
    std::fs::write(&page, "<p>篡改</p>").unwrap();
    let kept = deploy.dir.path().join("kept-manifest.json");
    std::fs::write(&kept, serde_json::to_string_pretty(&signed).unwrap()).unwrap();
    let verified = deploy.verify(&["--manifest", kept.to_str().unwrap()]);
    assert_eq!(findings(&verified), ["verify.changed news/a/index.html"]);
}

#[test]
fn without_a_key_the_build_warns_and_verify_with_a_public_key_refuses() {
    let deploy = Deploy::new();
    let built = deploy.build(&[]);
    assert!(built.stderr.contains("GOVPRESS_PUBLISHER_KEY"), "{}", built.stderr);
    assert!(manifest(&deploy.out()).get("signature").is_none());
    let verified = deploy.verify(&[]);
    assert_eq!(verified.code, 1);
    assert_eq!(findings(&verified), ["verify.signature .govpress-manifest.json"]);
    // English too.
    let english =
        run(govpress().args(["--lang", "en", "verify"]).arg(deploy.out()).arg("--public-key").arg(&deploy.public));
    assert!(english.stdout.contains("unsigned"), "{}", english.stdout);
}

#[test]
fn the_key_comes_from_the_environment_never_from_inside_the_site() {
    let deploy = Deploy::new();
    // The PEM text itself in the variable (a CI secret).
    let pem = std::fs::read_to_string(&deploy.key).unwrap();
    let built = run(govpress()
        .env("GOVPRESS_PUBLISHER_KEY", &pem)
        .arg("build")
        .arg(&deploy.site)
        .arg("--out")
        .arg(deploy.out())
        .args(["--now", NOW, "--quiet"]));
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(!built.stderr.contains("GOVPRESS_PUBLISHER_KEY"), "{}", built.stderr);
    assert_eq!(deploy.verify(&[]).code, 0);

    // A path in the variable works the same; a key inside the site is refused, by flag or variable.
    let inside = deploy.site.join("keys/publisher.pem");
    std::fs::copy(&deploy.key, &inside).unwrap();
    for command in [
        govpress().arg("build").arg(&deploy.site).arg("--publisher-key").arg(&inside),
        govpress().env("GOVPRESS_PUBLISHER_KEY", &inside).arg("build").arg(&deploy.site),
    ] {
        let refused = run(command.arg("--out").arg(deploy.out()).args(["--now", NOW, "--quiet"]));
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        assert!(refused.stderr.contains("版本库"), "{}", refused.stderr);
    }
    // Not a key: a clear error, nothing written.
    let bad = deploy.dir.path().join("bad.pem");
    write(&bad, "not a key");
    let refused = run(govpress()
        .arg("build")
        .arg(&deploy.site)
        .arg("--publisher-key")
        .arg(&bad)
        .arg("--out")
        .arg(deploy.dir.path().join("none")));
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("bad.pem"), "{}", refused.stderr);
    assert!(!deploy.dir.path().join("none").exists());
}

#[test]
fn with_a_trust_root_the_public_key_must_be_certified_by_the_administrator() {
    let deploy = Deploy::new();
    deploy.build_signed();
    let (admin, _) = keypair(deploy.dir.path(), "admin");
    let fingerprint = run(govpress().args(["review", "fingerprint"]).arg(&admin)).stdout.trim().to_string();
    let root = ["--trust-root", fingerprint.as_str()];
    let uncertified = deploy.verify(&root);
    assert_eq!(uncertified.code, 2);
    assert!(uncertified.stderr.contains("publisher.pub"), "{}", uncertified.stderr);
    let certified = run(govpress()
        .args(["review", "certify"])
        .arg(&deploy.public)
        .args(["--kind", "publisher-key", "--key"])
        .arg(&admin));
    assert_eq!(certified.code, 0, "{}", certified.stderr);
    let verified = deploy.verify(&root);
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    // Another administrator's root: refused.
    let (other, _) = keypair(deploy.dir.path(), "other");
    let other = run(govpress().args(["review", "fingerprint"]).arg(&other)).stdout.trim().to_string();
    assert_eq!(deploy.verify(&["--trust-root", &other]).code, 2);
}
