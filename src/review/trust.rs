//! The unit's root of trust: one administrator key, named outside the repository it protects.
//!
//! Whoever can edit `reviewers.toml` could otherwise add a reviewer who approves anything, and a key
//! named in `govpress.toml` can be swapped by whoever edits `govpress.toml`. So the root is the SM3
//! fingerprint of the administrator's public key, handed to CI by flag or environment
//! (`GOVPRESS_TRUST_ROOT`), and the administrator certifies files by signing their exact bytes:
//! the roster (`reviewers.toml.sig`), and the publisher key that signs build manifests and archives.
//! One key model: `certify` and `verify_certified` serve every kind.

use base64::Engine;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::crypto::{sm3_hex, PrivateKey, PublicKeyPem};
use crate::diagnostic::Text;

/// The certificate format version written in `v`.
pub const CERTIFICATE_VERSION: u32 = 1;

/// What a certificate vouches for: the reviewer roster (第十三条).
pub const ROSTER: &str = "roster";
/// What a certificate vouches for: the public key (SPKI PEM) that signs build manifests and archives.
pub const PUBLISHER_KEY: &str = "publisher-key";

/// Where the certificate of `file` lives (site-relative): `FILE.sig` beside it.
pub fn certificate_file(file: &str) -> String {
    format!("{file}.sig")
}

/// The administrator's signed statement that a file, byte for byte, is the unit's `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub v: u32,
    /// `roster` or `publisher-key`.
    pub kind: String,
    /// SM3 of the certified file's exact bytes.
    pub sm3: String,
    /// RFC 3339, China time, when it was certified.
    pub time: String,
    /// Fingerprint of `public_key`: SM3 of its DER form.
    pub signer: String,
    /// The administrator's public key (SPKI PEM); trusted only when its fingerprint is the root.
    pub public_key: String,
    /// SM2 signature (DER, standard base64) over the canonical form without `signature`.
    pub signature: String,
}

/// Keys in byte order, as the review records' canonical form.
#[derive(Serialize)]
struct Signed<'a> {
    kind: &'a str,
    public_key: &'a str,
    signer: &'a str,
    sm3: &'a str,
    time: &'a str,
    v: u32,
}

impl Certificate {
    /// The bytes the signature covers: compact JSON, keys sorted, `signature` left out.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let signed = Signed {
            kind: &self.kind,
            public_key: &self.public_key,
            signer: &self.signer,
            sm3: &self.sm3,
            time: &self.time,
            v: self.v,
        };
        serde_json::to_vec(&signed).unwrap_or_default()
    }

    /// The file text (`reviewers.toml.sig`): pretty JSON, newline-terminated.
    pub fn to_text(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn parse(text: &str) -> Result<Certificate, Text> {
        serde_json::from_str(text).map_err(|error| {
            Text::new(
                format!("认证文件不是有效的 JSON：{error}"),
                format!("The certificate is not valid JSON: {error}"),
            )
        })
    }
}

/// Signs `content` (a file's exact bytes) as the unit's `kind` with the administrator's key.
pub fn certify(kind: &str, content: &[u8], key: &PrivateKey, time: DateTime<FixedOffset>) -> Certificate {
    let public = key.public_key();
    let mut certificate = Certificate {
        v: CERTIFICATE_VERSION,
        kind: kind.to_string(),
        sm3: sm3_hex(content),
        time: time.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        signer: public.fingerprint(),
        public_key: public.to_pem(),
        signature: String::new(),
    };
    certificate.signature = base64::engine::general_purpose::STANDARD.encode(key.sign(&certificate.signed_bytes()));
    certificate
}

/// A trust root as given by flag or environment: one or more fingerprints (64 hex digits, colons and case
/// ignored), separated by commas or spaces, so an administrator key can be rotated without a gap.
pub fn parse_trust_root(text: &str) -> Result<Vec<String>, Text> {
    let roots: Vec<String> = text
        .split([',', ' ', '\n', '\t'])
        .filter(|part| !part.is_empty())
        .map(|part| part.replace(':', "").to_ascii_lowercase())
        .collect();
    if roots.is_empty() {
        return Err(Text::new("信任根为空", "The trust root is empty"));
    }
    match roots.iter().find(|root| root.len() != 64 || !root.bytes().all(|byte| byte.is_ascii_hexdigit())) {
        Some(bad) => Err(Text::new(
            format!("信任根“{bad}”不是 SM3 指纹（64 位十六进制，见 govpress review fingerprint）"),
            format!(
                "The trust root “{bad}” is not an SM3 fingerprint (64 hex digits, see govpress review fingerprint)"
            ),
        )),
        None => Ok(roots),
    }
}

/// Whether `certificate` (the text of the `.sig` file, `None` when missing) is a valid certificate of
/// `content` as `kind`, signed by a key whose fingerprint is one of `roots`.
pub fn verify_certified(
    roots: &[String],
    certificate: Option<&str>,
    kind: &str,
    content: &[u8],
) -> Result<Certificate, Text> {
    let Some(text) = certificate else {
        return Err(Text::new(
            "缺少单位管理员的认证文件（由 govpress review certify-roster 生成）",
            "The unit administrator's certificate is missing (govpress review certify-roster writes it)",
        ));
    };
    let certificate = Certificate::parse(text)?;
    if certificate.v != CERTIFICATE_VERSION || certificate.kind != kind {
        return Err(Text::new(
            format!("认证文件的类型为“{}”，不是“{kind}”", certificate.kind),
            format!("The certificate is for “{}”, not “{kind}”", certificate.kind),
        ));
    }
    let public = PublicKeyPem::parse(&certificate.public_key).map_err(|error| {
        Text::new(format!("认证文件中的公钥无效：{error}"), format!("Bad key in the certificate: {error}"))
    })?;
    let fingerprint = public.fingerprint();
    if fingerprint != certificate.signer || !roots.contains(&fingerprint) {
        return Err(Text::new(
            format!("认证者的公钥指纹 {fingerprint} 不是信任根（GOVPRESS_TRUST_ROOT）"),
            format!("The certifying key's fingerprint {fingerprint} is not the trust root (GOVPRESS_TRUST_ROOT)"),
        ));
    }
    let signature = base64::engine::general_purpose::STANDARD.decode(certificate.signature.trim()).unwrap_or_default();
    if !public.verify(&certificate.signed_bytes(), &signature) {
        return Err(Text::new(
            "认证文件的签名无效：认证文件被改动",
            "The certificate's signature does not verify: it was altered",
        ));
    }
    if certificate.sm3 != sm3_hex(content) {
        return Err(Text::new(
            format!("文件在 {} 认证后被修改（SM3 摘要不符），须由单位管理员重新认证", certificate.time),
            format!(
                "The file changed after it was certified on {} (SM3 differs); the administrator must certify it again",
                certificate.time
            ),
        ));
    }
    Ok(certificate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::crypto::tests::test_key;

    fn time() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2025-03-01T10:00:00+08:00").unwrap()
    }

    #[test]
    fn a_certificate_by_the_root_holds_and_every_change_fails() {
        let admin = test_key(7);
        let root = vec![admin.public_key().fingerprint()];
        let roster = b"[[reviewer]]\nid = \"zhang\"\n";
        let text = certify(ROSTER, roster, &admin, time()).to_text();
        assert_eq!(verify_certified(&root, Some(&text), ROSTER, roster).unwrap().signer, root[0]);

        // The file changed, the certificate is missing, for another kind, or by another key.
        assert!(verify_certified(&root, Some(&text), ROSTER, b"[[reviewer]]\nid = \"evil\"\n")
            .unwrap_err()
            .zh
            .contains("认证后被修改"));
        assert!(verify_certified(&root, None, ROSTER, roster).unwrap_err().zh.contains("缺少"));
        assert!(verify_certified(&root, Some(&text), PUBLISHER_KEY, roster).is_err());
        let other = certify(ROSTER, roster, &test_key(8), time()).to_text();
        assert!(verify_certified(&root, Some(&other), ROSTER, roster).unwrap_err().zh.contains("不是信任根"));

        // The certificate edited: a new digest (signature breaks), or another key put in under the root's name.
        let forged = text.replace(&sm3_hex(roster), &sm3_hex(b"evil"));
        assert!(verify_certified(&root, Some(&forged), ROSTER, b"evil").unwrap_err().zh.contains("签名无效"));
        let mut swapped: Certificate = serde_json::from_str(&other).unwrap();
        swapped.signer = root[0].clone();
        assert!(verify_certified(&root, Some(&swapped.to_text()), ROSTER, roster).is_err());
    }

    #[test]
    fn trust_roots_are_fingerprints() {
        let fingerprint = test_key(7).public_key().fingerprint();
        let upper = fingerprint.to_ascii_uppercase();
        assert_eq!(parse_trust_root(&format!(" {upper} ")).unwrap(), std::slice::from_ref(&fingerprint));
        assert_eq!(parse_trust_root(&format!("{fingerprint},{fingerprint}")).unwrap().len(), 2);
        assert!(parse_trust_root("").is_err());
        assert!(parse_trust_root("zhang").unwrap_err().zh.contains("不是 SM3 指纹"));
    }
}
