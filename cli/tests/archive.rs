//! The decommissioning archive (第十二条, SPEC §11, docs/archive.md): a round trip verifies; a changed
//! byte, an added or removed member, a manifest rewritten or re-signed without the publisher key and a
//! damaged file are each caught and named; no private key is ever inside, demo keys included.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::{govpress, keypair, run, Run};
use govpress::archive::ArchiveManifest;

struct Closing {
    dir: tempfile::TempDir,
    site: PathBuf,
    key: PathBuf,
    public: PathBuf,
}

impl Closing {
    /// A site made by `govpress init` (demo reviewer keys in `.govpress/demo-keys/`, pages signed), built
    /// once so it has a history, and a publisher key pair outside it.
    fn new() -> Closing {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let made = run(govpress().arg("init").arg(&site));
        assert_eq!(made.code, 0, "{}", made.stderr);
        let (key, public) = keypair(dir.path(), "publisher");
        // `init` dates and signs its pages today: the real clock, not the tests' fixed NOW.
        let built = run(govpress().arg("build").arg(&site).arg("--quiet"));
        assert_eq!(built.code, 0, "{}", built.stderr);
        Closing { dir, site, key, public }
    }

    fn archive_path(&self) -> PathBuf {
        self.dir.path().join("closing.tar.gz")
    }

    fn archive(&self) -> Run {
        run(govpress()
            .env_remove("GOVPRESS_PUBLISHER_KEY")
            .arg("archive")
            .arg(&self.site)
            .arg("--out")
            .arg(self.archive_path())
            .arg("--publisher-key")
            .arg(&self.key))
    }

    fn verify(&self) -> Run {
        run(govpress()
            .arg("archive")
            .arg("verify")
            .arg(self.archive_path())
            .arg("--public-key")
            .arg(&self.public)
            .args(["--format", "json"]))
    }
}

fn members(file: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(file).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (path, data)
        })
        .collect()
}

fn rewrite(file: &Path, members: &[(String, Vec<u8>)]) {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for (path, data) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, path, data.as_slice()).unwrap();
    }
    std::fs::write(file, builder.into_inner().unwrap().finish().unwrap()).unwrap();
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

fn manifest(members: &[(String, Vec<u8>)]) -> ArchiveManifest {
    let (_, bytes) = members.iter().find(|(path, _)| path == "GOVPRESS-ARCHIVE.json").expect("a manifest member");
    ArchiveManifest::from_json(std::str::from_utf8(bytes).unwrap()).unwrap()
}

fn page_member(members: &[(String, Vec<u8>)]) -> usize {
    members.iter().position(|(path, _)| path.starts_with("site/content/") && path.ends_with(".md")).expect("a page")
}

#[test]
fn a_round_trip_holds_the_whole_site_and_no_private_key() {
    let closing = Closing::new();
    // A key generated into the site by mistake: judged by its content, not its place.
    std::fs::create_dir_all(closing.site.join("keys")).unwrap();
    let made = run(govpress().arg("keygen").arg("--out").arg(closing.site.join("keys/stray.pem")));
    assert_eq!(made.code, 0, "{}", made.stderr);
    let archived = closing.archive();
    assert_eq!(archived.code, 0, "{}", archived.stderr);
    assert!(archived.stderr.contains("keys/stray.pem"), "the excluded key is named: {}", archived.stderr);

    let verified = closing.verify();
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
    assert_eq!(findings(&verified), Vec::<String>::new());

    let members = members(&closing.archive_path());
    let names: Vec<&str> = members.iter().map(|(path, _)| path.as_str()).collect();
    for must in [
        "site/govpress.toml",
        "site/reviewers.toml",
        "site/reviews/log.jsonl",
        "site/.govpress/history.jsonl",
        "output/index.html",
        "output/.govpress-manifest.json",
    ] {
        assert!(names.contains(&must), "{must} is archived: {names:?}");
    }
    assert_eq!(names.last(), Some(&"GOVPRESS-ARCHIVE.json"));
    assert!(names.iter().any(|name| name.starts_with("site/content/")));
    assert!(!names.iter().any(|name| name.starts_with("site/public/")), "the output is archived once, under output/");
    for (path, data) in &members {
        assert!(!path.contains("demo-keys"), "{path}");
        assert!(!String::from_utf8_lossy(data).contains("PRIVATE KEY"), "{path} holds a private key");
    }
    let manifest = manifest(&members);
    assert_eq!(manifest.members.len(), members.len() - 1);
    let excluded: Vec<&str> = manifest.excluded.iter().map(|excluded| excluded.path.as_str()).collect();
    assert!(excluded.contains(&"site/keys/stray.pem"), "{excluded:?}");
    assert!(excluded.iter().any(|path| path.starts_with("site/.govpress/demo-keys/")), "{excluded:?}");
    assert!(manifest.review_log_head.is_some(), "the verified review log's head is named");
    assert!(manifest.site.name.is_some());
}

#[test]
fn one_changed_byte_is_caught_and_the_member_named() {
    let closing = Closing::new();
    assert_eq!(closing.archive().code, 0);
    let mut members = members(&closing.archive_path());
    let page = page_member(&members);
    let last = members[page].1.len() - 2;
    members[page].1[last] ^= 0x01;
    rewrite(&closing.archive_path(), &members);
    let verified = closing.verify();
    assert_eq!(verified.code, 1, "{}", verified.stderr);
    assert_eq!(findings(&verified), [format!("archive.changed {}", members[page].0)]);
}

#[test]
fn added_and_removed_members_are_caught() {
    let closing = Closing::new();
    assert_eq!(closing.archive().code, 0);
    let mut members = members(&closing.archive_path());
    let page = page_member(&members);
    let removed = members.remove(page).0;
    members.insert(0, ("site/content/planted.md".to_string(), b"+++\ntitle = \"x\"\n+++\n".to_vec()));
    let duplicate = members[3].clone();
    members.insert(4, duplicate.clone());
    rewrite(&closing.archive_path(), &members);
    let verified = closing.verify();
    assert_eq!(verified.code, 1);
    let mut found = findings(&verified);
    found.sort();
    let mut expected = vec![
        format!("archive.added {}", duplicate.0),
        "archive.added site/content/planted.md".into(),
        format!("archive.missing {removed}"),
    ];
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_manifest_rewritten_or_re_signed_without_the_publisher_key_is_caught() {
    let closing = Closing::new();
    assert_eq!(closing.archive().code, 0);
    let original = members(&closing.archive_path());
    let page = page_member(&original);
    let mut members = original.clone();
    members[page].1.extend_from_slice("\n篡改。\n".as_bytes());
    let mut manifest = manifest(&members);
    manifest.add(members[page].0.clone(), &members[page].1);
    let manifest_index = members.len() - 1;

    // Digests updated, the old signature kept.
    members[manifest_index].1 = manifest.to_json().into_bytes();
    rewrite(&closing.archive_path(), &members);
    let verified = closing.verify();
    assert_eq!(verified.code, 1);
    assert_eq!(findings(&verified), ["archive.signature GOVPRESS-ARCHIVE.json"]);

    // Re-signed with a key of the attacker's own.
    let (attacker, _) = keypair(closing.dir.path(), "attacker");
    let attacker = govpress::review::PrivateKey::parse(&std::fs::read_to_string(attacker).unwrap()).unwrap();
    manifest.sign(&attacker);
    members[manifest_index].1 = manifest.to_json().into_bytes();
    rewrite(&closing.archive_path(), &members);
    let verified = closing.verify();
    assert_eq!(verified.code, 1);
    assert_eq!(findings(&verified), ["archive.signature GOVPRESS-ARCHIVE.json"]);
    assert!(verified.stdout.contains("另一把密钥"), "{}", verified.stdout);
}

#[test]
fn a_damaged_file_is_caught() {
    let closing = Closing::new();
    assert_eq!(closing.archive().code, 0);
    let path = closing.archive_path();
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let verified = closing.verify();
    assert_eq!(verified.code, 1, "{}{}", verified.stdout, verified.stderr);
    let found = findings(&verified);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|finding| finding.starts_with("archive.")
                && finding.split(' ').nth(1).is_some_and(|file| !file.is_empty())),
        "each finding names a member: {found:?}"
    );
}

#[test]
fn no_publisher_key_no_archive() {
    let closing = Closing::new();
    let refused = run(govpress()
        .env_remove("GOVPRESS_PUBLISHER_KEY")
        .arg("archive")
        .arg(&closing.site)
        .arg("--out")
        .arg(closing.archive_path()));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--publisher-key"), "{}", refused.stderr);
    assert!(!closing.archive_path().exists());
    let inside = run(govpress()
        .arg("archive")
        .arg(&closing.site)
        .arg("--out")
        .arg(closing.archive_path())
        .arg("--publisher-key")
        .arg(closing.site.join(".govpress/demo-keys/demo-final.pem")));
    assert_eq!(inside.code, 2, "a key inside the site is refused: {}", inside.stderr);
}
