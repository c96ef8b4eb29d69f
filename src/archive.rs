//! The decommissioning archive (第十二条: 完成数据归档, SPEC §11): one file holding a closing site's
//! content, output, roster, review log, manifests and run history, with an SM3 digest of every member
//! in a manifest signed (SM2) by the unit's publisher key. Pure: the CLI packs and unpacks the file;
//! this module owns the manifest, decides what must never be archived (private keys) and compares
//! what an archive holds with what its manifest says.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::audit::manifest::{LogHead, ManifestSignature};
use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::review::{PrivateKey, PublicKeyPem};
use crate::rules::RuleInfo;

/// The manifest's member name: the archive's last member.
pub const MANIFEST_MEMBER: &str = "GOVPRESS-ARCHIVE.json";
/// Format version written in `version`.
pub const ARCHIVE_VERSION: u32 = 1;
/// Members from the site directory are under `site/`, the built output under `output/`.
pub const SITE_PREFIX: &str = "site/";
pub const OUTPUT_PREFIX: &str = "output/";

const fn rule(id: &'static str, summary_zh: &'static str, summary_en: &'static str) -> RuleInfo {
    RuleInfo { id, article: 12, severity: Severity::Error, summary_zh, summary_en }
}

pub const CHANGED: RuleInfo = rule(
    "archive.changed",
    "归档文件中的成员与签名清单的 SM3 摘要不一致",
    "An archive member differs from its SM3 digest in the signed manifest",
);
pub const MISSING: RuleInfo = rule(
    "archive.missing",
    "签名清单列出的成员在归档文件中缺失",
    "A member the signed manifest lists is missing from the archive",
);
pub const ADDED: RuleInfo = rule(
    "archive.added",
    "归档文件中出现了签名清单之外的成员",
    "The archive holds a member the signed manifest does not list",
);
pub const SIGNATURE: RuleInfo = rule(
    "archive.signature",
    "归档清单没有发布者密钥的有效签名（清单可能被改写）",
    "The archive manifest carries no valid signature by the publisher key (it may have been rewritten)",
);
pub const DAMAGED: RuleInfo = rule(
    "archive.damaged",
    "归档文件已损坏，无法完整读出（压缩数据或 tar 结构错误）",
    "The archive file is damaged and cannot be read whole (compressed data or tar structure)",
);

pub const RULES: &[RuleInfo] = &[CHANGED, MISSING, ADDED, SIGNATURE, DAMAGED];

/// One member: its size and SM3 digest (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub size: u64,
    pub sm3: String,
}

/// A file of the site left out of the archive, and why (a private key: 私钥不得归档).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excluded {
    pub path: String,
    pub reason: String,
}

/// Who the archived site was (网上标识 data from its config), for whoever reads the archive in years.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArchivedSite {
    pub name: Option<String>,
    pub base_url: Option<String>,
    pub sponsor: Option<String>,
    pub conac_id: Option<String>,
    pub site_code: Option<String>,
    pub icp: Option<String>,
    pub psb: Option<String>,
}

impl ArchivedSite {
    pub fn of(config: &crate::SiteConfig) -> ArchivedSite {
        ArchivedSite {
            name: config.site.name.clone(),
            base_url: config.site.base_url.clone(),
            sponsor: config.identity.sponsor.clone(),
            conac_id: config.identity.conac_id.clone(),
            site_code: config.identity.site_code.clone(),
            icp: config.identity.icp.clone(),
            psb: config.identity.psb.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveManifest {
    pub version: u32,
    pub generator: String,
    pub algorithm: String,
    /// RFC 3339: when the archive was made.
    pub created: String,
    pub site: ArchivedSite,
    /// The head of the archived review log (`None`: no log, or it did not verify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_log_head: Option<LogHead>,
    pub members: BTreeMap<String, Member>,
    #[serde(default)]
    pub excluded: Vec<Excluded>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ManifestSignature>,
}

/// The signed form: every field but `signature`, compact JSON in this order, domain-separated from the
/// build manifest's and the review log's.
#[derive(Serialize)]
struct Signed<'a> {
    purpose: &'static str,
    version: u32,
    generator: &'a str,
    algorithm: &'a str,
    created: &'a str,
    site: &'a ArchivedSite,
    review_log_head: &'a Option<LogHead>,
    members: &'a BTreeMap<String, Member>,
    excluded: &'a [Excluded],
}

impl ArchiveManifest {
    pub fn new(generator: impl Into<String>, created: impl Into<String>, site: ArchivedSite) -> ArchiveManifest {
        ArchiveManifest {
            version: ARCHIVE_VERSION,
            generator: generator.into(),
            algorithm: "SM3".into(),
            created: created.into(),
            site,
            review_log_head: None,
            members: BTreeMap::new(),
            excluded: Vec::new(),
            signature: None,
        }
    }

    /// Records a member's bytes.
    pub fn add(&mut self, path: impl Into<String>, bytes: &[u8]) {
        self.members.insert(path.into(), Member { size: bytes.len() as u64, sm3: crate::review::sm3_hex(bytes) });
    }

    pub fn signed_bytes(&self) -> Vec<u8> {
        let signed = Signed {
            purpose: "govpress archive manifest",
            version: self.version,
            generator: &self.generator,
            algorithm: &self.algorithm,
            created: &self.created,
            site: &self.site,
            review_log_head: &self.review_log_head,
            members: &self.members,
            excluded: &self.excluded,
        };
        serde_json::to_vec(&signed).unwrap_or_default()
    }

    pub fn sign(&mut self, key: &PrivateKey) {
        self.signature = Some(ManifestSignature::over(&self.signed_bytes(), key));
    }

    /// Whether the manifest is signed by `key` (never the key it names itself).
    pub fn verify_signature(&self, key: &PublicKeyPem) -> Result<(), Diagnostic> {
        match ManifestSignature::problem(self.signature.as_ref(), &self.signed_bytes(), key) {
            None => Ok(()),
            Some(problem) => Err(finding(&SIGNATURE, MANIFEST_MEMBER, &problem.zh, &problem.en)),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn from_json(text: &str) -> Result<ArchiveManifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Compares the members found (in archive order, the manifest member left out) with the manifest:
    /// a member listed twice is reported as added (an extractor would keep only one of them).
    pub fn compare(&self, found: &[(String, Member)]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (path, member) in found {
            let count = seen.entry(path.as_str()).or_insert(0);
            *count += 1;
            match self.members.get(path) {
                Some(_) if *count > 1 => {
                    out.push(finding(&ADDED, path, "在归档中出现了不止一次", "appears in the archive more than once"))
                }
                None => out.push(finding(&ADDED, path, "不在签名清单中", "is not in the signed manifest")),
                Some(expected) if expected != member => {
                    out.push(finding(&CHANGED, path, "内容与归档时不一致", "differs from what was archived"))
                }
                Some(_) => {}
            }
        }
        for path in self.members.keys() {
            if !seen.contains_key(path.as_str()) {
                out.push(finding(&MISSING, path, "在归档中缺失", "is missing from the archive"));
            }
        }
        out
    }
}

/// The archive could not be read past `member` (the member being read, or the last one read whole).
pub fn damaged(member: &str, error: &str) -> Diagnostic {
    DAMAGED
        .diagnostic(
            Text::new(
                format!("归档文件在成员 {member} 处损坏，无法读出：{error}"),
                format!("The archive is damaged at member {member} and cannot be read: {error}"),
            ),
            Text::new(
                "改用另一份归档副本（第十二条：归档应多处保存），并查明损坏原因",
                "Use another copy of the archive (keep copies in several places) and find out what damaged it",
            ),
        )
        .in_file(member)
}

fn finding(rule: &RuleInfo, path: &str, zh: &str, en: &str) -> Diagnostic {
    rule.diagnostic(
        Text::new(format!("归档成员 {path} {zh}（第十二条：归档须完整、未被改动）"), format!("Archive member {path} {en} (article 12)")),
        Text::new(
            "改用另一份归档副本；若本份是唯一副本，记录差异并报告单位管理员",
            "Use another copy of the archive; if this is the only copy, record the difference and tell the unit administrator",
        ),
    )
    .in_file(path)
}

/// Why a file must not go into the archive, if it must not: private keys never do (the demo keys of
/// `govpress init` included) — by place (`demo-keys/`) and by content (a PEM or OpenSSH private key).
pub fn must_not_archive(path: &str, bytes: &[u8]) -> Option<&'static str> {
    let in_key_directory = path.split('/').any(|part| part == "demo-keys");
    if in_key_directory {
        return Some("demo-keys/ 中的演示密钥 / demo keys");
    }
    if memchr::memmem::find(bytes, b"PRIVATE KEY").is_some() {
        return Some("内容含私钥 / its content holds a private key");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PrivateKey {
        let secret = sm2::SecretKey::from_slice(&[7u8; 32]).unwrap();
        PrivateKey::from_secret(&secret).unwrap()
    }

    fn manifest() -> ArchiveManifest {
        let mut manifest = ArchiveManifest::new("govpress test", "2026-12-04T10:00:00+08:00", ArchivedSite::default());
        manifest.add("site/content/a.md", b"a");
        manifest.add("output/index.html", b"<p>");
        manifest
    }

    fn found(manifest: &ArchiveManifest) -> Vec<(String, Member)> {
        manifest.members.iter().map(|(path, member)| (path.clone(), member.clone())).collect()
    }

    #[test]
    fn a_signed_manifest_verifies_and_any_change_to_it_is_caught() {
        let mut signed = manifest();
        signed.sign(&key());
        let public = key().public_key();
        assert_eq!(signed.verify_signature(&public), Ok(()));
        let round_trip = ArchiveManifest::from_json(&signed.to_json()).unwrap();
        assert_eq!(round_trip.verify_signature(&public), Ok(()));
        let mut rewritten = signed.clone();
        rewritten.add("site/content/a.md", b"b");
        assert_eq!(rewritten.verify_signature(&public).unwrap_err().rule, "archive.signature");
        let mut excluded = signed.clone();
        excluded.excluded.clear();
        excluded.excluded.push(Excluded { path: "x".into(), reason: "y".into() });
        assert!(excluded.verify_signature(&public).is_err());
        assert!(manifest().verify_signature(&public).is_err(), "unsigned");
    }

    #[test]
    fn changed_missing_added_and_repeated_members_are_named() {
        let manifest = manifest();
        let mut archived = found(&manifest);
        assert!(manifest.compare(&archived).is_empty());
        archived[0].1.sm3 = "00".into();
        archived.push(("site/extra".into(), Member { size: 0, sm3: String::new() }));
        archived.remove(1);
        let compared = manifest.compare(&archived);
        let names: Vec<(&str, &str)> = compared.iter().map(|found| (found.rule, found.file.as_str())).collect();
        assert_eq!(
            names,
            [
                ("archive.changed", "output/index.html"),
                ("archive.added", "site/extra"),
                ("archive.missing", "site/content/a.md")
            ]
        );
        let mut twice = found(&manifest);
        twice.push(twice[0].clone());
        assert_eq!(manifest.compare(&twice)[0].rule, "archive.added");
    }

    #[test]
    fn private_keys_are_never_archived() {
        assert!(must_not_archive(".govpress/demo-keys/README.md", b"demo").is_some());
        assert!(must_not_archive("keys/unit.pem", b"-----BEGIN PRIVATE KEY-----\n").is_some());
        assert!(must_not_archive("x.pem", b"-----BEGIN OPENSSH PRIVATE KEY-----").is_some());
        assert!(must_not_archive("keys/unit.pub", b"-----BEGIN PUBLIC KEY-----\n").is_none());
        assert!(must_not_archive("content/a.md", "正文".as_bytes()).is_none());
    }
}
