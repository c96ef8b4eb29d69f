//! 网页防篡改: the build records the SM3 digest of every file it writes; `govpress verify` compares a
//! deployed directory with that record and reports added, changed and missing files (第三条).
//!
//! The manifest is signed (SM2 over SM3, 第十七条) with the unit's publisher key — the key the unit
//! administrator certifies with `review certify --kind publisher-key` (docs/security.md) — so whoever
//! can write the deployed directory cannot rewrite the manifest to match their change: `verify` checks
//! the signature against the public key it is given (never the one the manifest names). The manifest
//! also records the head of the review log the build read, so a later rollback of the log shows.

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::review::{ChainTip, PrivateKey, PublicKeyPem};
use crate::rules::RuleInfo;

/// The manifest format this build writes: 2 adds `review_log_head` and `signature` (1 is still read).
pub const MANIFEST_VERSION: u32 = 2;
/// The signature algorithm named in the manifest.
pub const SIGNATURE_ALGORITHM: &str = "SM2-SM3";

/// The manifest's file name in the output directory.
pub const MANIFEST_FILE: &str = ".govpress-manifest.json";

pub const ADDED: RuleInfo = RuleInfo {
    id: "verify.added",
    article: 3,
    severity: Severity::Error,
    summary_zh: "发布目录中出现了构建清单之外的文件（可能被篡改）",
    summary_en: "The deployed directory holds a file the build did not write (possible tampering)",
};

pub const CHANGED: RuleInfo = RuleInfo {
    id: "verify.changed",
    article: 3,
    severity: Severity::Error,
    summary_zh: "发布目录中的文件与构建时的 SM3 摘要不一致（可能被篡改）",
    summary_en: "A deployed file no longer matches its SM3 digest from the build (possible tampering)",
};

pub const MISSING: RuleInfo = RuleInfo {
    id: "verify.missing",
    article: 3,
    severity: Severity::Error,
    summary_zh: "构建写出的文件在发布目录中缺失",
    summary_en: "A file the build wrote is missing from the deployed directory",
};

pub const SIGNATURE: RuleInfo = RuleInfo {
    id: "verify.signature",
    article: 3,
    severity: Severity::Error,
    summary_zh: "构建清单没有发布者密钥的有效签名（清单可能被改写）",
    summary_en: "The build manifest carries no valid signature by the publisher key (it may have been rewritten)",
};

pub const RULES: &[RuleInfo] = &[ADDED, CHANGED, MISSING, SIGNATURE];

/// Every output file (path relative to the output root, `/`-separated) and its SM3 digest in hex.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub generator: String,
    pub algorithm: String,
    /// The head of the review log the build read (`None`: no trusted log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_log_head: Option<LogHead>,
    pub files: BTreeMap<String, String>,
    /// The publisher key's signature over everything above (`None`: built without a key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ManifestSignature>,
}

/// The review log's head: record count and the last record's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogHead {
    pub seq: u64,
    pub hash: String,
}

impl From<ChainTip> for LogHead {
    fn from(tip: ChainTip) -> LogHead {
        LogHead { seq: tip.seq, hash: tip.hash }
    }
}

/// An SM2 signature over [`Manifest::signed_bytes`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSignature {
    /// `SM2-SM3`.
    pub algorithm: String,
    /// SM3 fingerprint of the signing key's DER form (informational: `verify` trusts only the key it is given).
    pub signer: String,
    /// DER signature, standard base64.
    pub value: String,
}

impl ManifestSignature {
    /// The publisher key's signature over `bytes` (a manifest's signed form: the build's, the archive's).
    pub fn over(bytes: &[u8], key: &PrivateKey) -> ManifestSignature {
        ManifestSignature {
            algorithm: SIGNATURE_ALGORITHM.into(),
            signer: key.public_key().fingerprint(),
            value: base64::engine::general_purpose::STANDARD.encode(key.sign(bytes)),
        }
    }

    /// Why `signature` is not a valid signature by `key` over `bytes`, as the end of a sentence about the
    /// manifest; `None` when it holds. Only `key` is trusted, never the signer the manifest names.
    pub fn problem(signature: Option<&ManifestSignature>, bytes: &[u8], key: &PublicKeyPem) -> Option<Text> {
        let Some(signature) = signature else {
            return Some(Text::new(
                "没有签名（未提供发布者密钥，或签名被删除）",
                "is unsigned (made without the publisher key, or the signature was removed)",
            ));
        };
        if signature.algorithm != SIGNATURE_ALGORITHM {
            return Some(Text::new(
                format!("的签名算法“{}”不是 {SIGNATURE_ALGORITHM}", signature.algorithm),
                format!("names the algorithm “{}”, not {SIGNATURE_ALGORITHM}", signature.algorithm),
            ));
        }
        let value = base64::engine::general_purpose::STANDARD.decode(signature.value.trim()).unwrap_or_default();
        if key.verify(bytes, &value) {
            return None;
        }
        let fingerprint = key.fingerprint();
        Some(if signature.signer == fingerprint {
            Text::new("的签名无效：签名后清单被改动", "has a signature that does not verify: it changed after signing")
        } else {
            Text::new(
                format!("由另一把密钥（指纹 {}）签名，不是发布者公钥（指纹 {fingerprint}）", signature.signer),
                format!("is signed by another key ({}), not the publisher key ({fingerprint})", signature.signer),
            )
        })
    }
}

/// The signed form: every field but `signature`, compact JSON in this field order.
#[derive(Serialize)]
struct Signed<'a> {
    purpose: &'static str,
    version: u32,
    generator: &'a str,
    algorithm: &'a str,
    review_log_head: &'a Option<LogHead>,
    files: &'a BTreeMap<String, String>,
}

impl Manifest {
    pub fn new(generator: impl Into<String>) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION,
            generator: generator.into(),
            algorithm: "SM3".into(),
            review_log_head: None,
            files: BTreeMap::new(),
            signature: None,
        }
    }

    /// The bytes the signature covers (domain-separated from the review log's and certificates' forms).
    pub fn signed_bytes(&self) -> Vec<u8> {
        let signed = Signed {
            purpose: "govpress build manifest",
            version: self.version,
            generator: &self.generator,
            algorithm: &self.algorithm,
            review_log_head: &self.review_log_head,
            files: &self.files,
        };
        serde_json::to_vec(&signed).unwrap_or_default()
    }

    /// Signs the manifest with the publisher key (deterministic: no random source in the core).
    pub fn sign(&mut self, key: &PrivateKey) {
        self.signature = Some(ManifestSignature::over(&self.signed_bytes(), key));
    }

    /// Whether the manifest is signed by `key`: a `verify.signature` finding when it is unsigned, signed
    /// by another key, or its content changed after signing.
    pub fn verify_signature(&self, key: &PublicKeyPem) -> Result<(), Diagnostic> {
        match ManifestSignature::problem(self.signature.as_ref(), &self.signed_bytes(), key) {
            None => Ok(()),
            Some(problem) => Err(signature_finding(&problem.zh, &problem.en)),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn from_json(text: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Compares the files found (path → digest) with the record, in path order.
    pub fn compare(&self, found: &BTreeMap<String, String>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (path, digest) in found {
            match self.files.get(path) {
                None => out.push(finding(&ADDED, path, "不在构建清单中", "is not in the build manifest")),
                Some(expected) if expected != digest => {
                    out.push(finding(&CHANGED, path, "内容与构建时不一致", "differs from what the build wrote"))
                }
                Some(_) => {}
            }
        }
        for path in self.files.keys().filter(|path| !found.contains_key(*path)) {
            out.push(finding(&MISSING, path, "已缺失", "is missing"));
        }
        out
    }
}

fn finding(rule: &RuleInfo, path: &str, zh: &str, en: &str) -> Diagnostic {
    rule.diagnostic(
        Text::new(
            format!("文件 {path} {zh}（第三条：防范内容篡改）"),
            format!("The file {path} {en} (article 3: guard against tampering)"),
        ),
        Text::new(
            "从可信的构建重新发布，并排查服务器是否被入侵",
            "Publish again from a trusted build and check the server for intrusion",
        ),
    )
    .in_file(path)
}

fn signature_finding(zh: &str, en: &str) -> Diagnostic {
    SIGNATURE
        .diagnostic(
            Text::new(
                format!("构建清单 {MANIFEST_FILE} {zh}（第三条：防范内容篡改）"),
                format!("The build manifest {MANIFEST_FILE} {en} (article 3: guard against tampering)"),
            ),
            Text::new(
                "用发布者密钥重新构建并发布（govpress build --publisher-key），并排查服务器是否被入侵",
                "Build again with the publisher key (govpress build --publisher-key), publish, and check the server for intrusion",
            ),
        )
        .in_file(MANIFEST_FILE)
}

/// SM3 of bytes, in lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    Sm3::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::crypto::tests::test_key;

    #[test]
    fn a_signed_manifest_holds_and_every_rewrite_fails() {
        let publisher = test_key(3);
        let mut manifest = Manifest::new("govpress test");
        manifest.files.insert("a.html".into(), sm3_hex(b"a"));
        manifest.review_log_head = Some(LogHead { seq: 4, hash: sm3_hex(b"head") });
        let public = publisher.public_key();
        assert!(manifest.verify_signature(&public).unwrap_err().message.zh.contains("没有签名"));
        manifest.sign(&publisher);
        let signed = Manifest::from_json(&manifest.to_json()).unwrap();
        assert_eq!(signed.verify_signature(&public), Ok(()));

        // A digest rewritten to match a changed file, the log head rolled back: the signature breaks.
        let mut rewritten = signed.clone();
        rewritten.files.insert("a.html".into(), sm3_hex(b"evil"));
        assert!(rewritten.verify_signature(&public).unwrap_err().message.zh.contains("签名后清单被改动"));
        let mut rolled_back = signed.clone();
        rolled_back.review_log_head = Some(LogHead { seq: 3, hash: sm3_hex(b"older") });
        assert!(rolled_back.verify_signature(&public).is_err());
        // Re-signed with another key: refused, whatever fingerprint the manifest claims.
        let mut forged = rewritten.clone();
        forged.sign(&test_key(4));
        assert!(forged.verify_signature(&public).unwrap_err().message.zh.contains("另一把密钥"));
        forged.signature.as_mut().unwrap().signer = public.fingerprint();
        assert!(forged.verify_signature(&public).is_err());
        // The signature removed.
        let mut stripped = rewritten;
        stripped.signature = None;
        assert_eq!(stripped.verify_signature(&public).unwrap_err().rule, "verify.signature");
    }

    #[test]
    fn compares_added_changed_and_missing() {
        let mut manifest = Manifest::new("govpress test");
        manifest.files.insert("a.html".into(), sm3_hex(b"a"));
        manifest.files.insert("b.html".into(), sm3_hex(b"b"));
        manifest.files.insert("c.html".into(), sm3_hex(b"c"));
        let found = BTreeMap::from([
            ("a.html".to_string(), sm3_hex(b"a")),
            ("b.html".to_string(), sm3_hex(b"B")),
            ("x.html".to_string(), sm3_hex(b"x")),
        ]);
        let rules: Vec<_> =
            manifest.compare(&found).iter().map(|diagnostic| (diagnostic.rule, diagnostic.file.clone())).collect();
        assert_eq!(
            rules,
            [
                ("verify.changed", "b.html".into()),
                ("verify.added", "x.html".into()),
                ("verify.missing", "c.html".into())
            ]
        );
        assert_eq!(Manifest::from_json(&manifest.to_json()).unwrap(), manifest);
        assert_eq!(
            Manifest::from_json(r#"{"version":1,"generator":"g","algorithm":"SM3","files":{}}"#).unwrap().version,
            1
        );
        // GB/T 32905 test vector.
        assert_eq!(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }
}
