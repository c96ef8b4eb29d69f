//! SM2 keys: new key pairs (`govpress keygen`, `govpress init`), the publisher key that signs, and the
//! publisher public key that `verify` and `archive verify` check against (certified by the trust root).

use std::io::Write;

use anyhow::Context;
use sm2::elliptic_curve::Generate;
use sm2::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use sm2::SecretKey;

use crate::user_error::bilingual;

/// A new SM2 key pair as PEM text: the private key (PKCS#8, wiped from memory when dropped) and the
/// public key (SPKI) for the roster. Used by `govpress keygen` and `govpress init`.
pub fn generate() -> anyhow::Result<(sm2::pkcs8::der::zeroize::Zeroizing<String>, String)> {
    let secret = SecretKey::try_generate()
        .map_err(|error| bilingual(format!("无法取得随机数：{error}"), format!("no randomness: {error}")))?;
    let private_pem = secret
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|error| bilingual(format!("无法编码私钥：{error}"), format!("cannot encode the key: {error}")))?;
    let public_pem = secret
        .public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|error| bilingual(format!("无法编码公钥：{error}"), format!("cannot encode the key: {error}")))?;
    Ok((private_pem, public_pem))
}

/// Creates the key file exclusively (never replacing a key) with owner-only permissions, and syncs it.
pub fn write_private(path: &std::path::Path, pem: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
            "{} 已存在，拒绝覆盖（换一个文件名，或先自行移走旧密钥）/ already exists; refusing to overwrite",
            path.display()
        ),
        _ => bilingual(
            format!("无法创建 {0}：{error} / cannot create {0}", path.display()),
            format!("cannot create {}: {error}", path.display()),
        ),
    })?;
    file.write_all(pem)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    Ok(())
}

/// Environment variable holding the publisher key that signs the build manifest: the PEM text itself
/// (a CI secret variable) or the path of a file outside the site.
pub const PUBLISHER_KEY_ENV: &str = "GOVPRESS_PUBLISHER_KEY";

/// The unit's publisher key (docs/security.md, docs/deploy.md): `--publisher-key FILE` wins over
/// `GOVPRESS_PUBLISHER_KEY` (PEM text or a path). A key file inside the site (the repository) is
/// refused: whoever can edit the repository would then hold the key. `None` when neither is given.
pub fn publisher_key(
    flag: Option<&std::path::Path>,
    site_root: &std::path::Path,
) -> anyhow::Result<Option<govpress::review::PrivateKey>> {
    let env = std::env::var(PUBLISHER_KEY_ENV).ok().filter(|value| !value.trim().is_empty());
    let (pem, origin) = match (flag, env) {
        (Some(path), _) => (read_key_file(path, site_root)?, path.display().to_string()),
        (None, Some(value)) if value.trim_start().starts_with("-----BEGIN") => (value, PUBLISHER_KEY_ENV.to_string()),
        (None, Some(path)) => {
            let path = std::path::PathBuf::from(path.trim());
            (read_key_file(&path, site_root)?, format!("{PUBLISHER_KEY_ENV}={}", path.display()))
        }
        (None, None) => return Ok(None),
    };
    let key = govpress::review::PrivateKey::parse(&pem).map_err(|error| {
        bilingual(format!("发布者密钥 {origin}：{error}"), format!("publisher key {origin}: {error}"))
    })?;
    Ok(Some(key))
}

fn read_key_file(path: &std::path::Path, site_root: &std::path::Path) -> anyhow::Result<String> {
    let inside = match (path.canonicalize(), site_root.canonicalize()) {
        (Ok(key), Ok(root)) => key.starts_with(root),
        _ => false,
    };
    if inside {
        return Err(bilingual(
            format!(
                "发布者私钥 {} 位于站点目录（版本库）内，拒绝使用：私钥须保存在版本库之外，由 --publisher-key 或 {PUBLISHER_KEY_ENV} 给出",
                path.display()
            ),
            format!(
                "the publisher key {} is inside the site (the repository); refusing it: keep the key outside and pass it by --publisher-key or {PUBLISHER_KEY_ENV}",
                path.display()
            ),
        ));
    }
    std::fs::read_to_string(path).map_err(|error| {
        bilingual(
            format!("无法读取发布者密钥 {}：{error}", path.display()),
            format!("cannot read the publisher key {}: {error}", path.display()),
        )
    })
}

/// A publisher public key (SM2 PEM) for `govpress verify` and `govpress archive verify`. With a trust root
/// (`trust_root`, else `GOVPRESS_TRUST_ROOT`) the key must carry the unit administrator's certificate
/// as the publisher key (`KEY.pub.sig`, written by `review certify --kind publisher-key`).
pub fn publisher_public_key(
    path: &std::path::Path,
    trust_root: Option<&str>,
) -> anyhow::Result<govpress::review::PublicKeyPem> {
    use crate::review_trust::{certificate_path, TRUST_ROOT_ENV};
    use govpress::review;
    let text = std::fs::read_to_string(path).map_err(|error| {
        bilingual(
            format!("无法读取发布者公钥 {}：{error}", path.display()),
            format!("cannot read the public key {}: {error}", path.display()),
        )
    })?;
    let key = review::PublicKeyPem::parse(&text)
        .map_err(|error| bilingual(format!("{}：{error}", path.display()), format!("{}: {error}", path.display())))?;
    let env = std::env::var(TRUST_ROOT_ENV).ok().filter(|value| !value.trim().is_empty());
    let Some(root) = trust_root.map(str::to_string).or(env) else { return Ok(key) };
    let roots = review::parse_trust_root(&root).map_err(|reason| {
        bilingual(format!("{TRUST_ROOT_ENV}: {}", reason.zh), format!("{TRUST_ROOT_ENV}: {}", reason.en))
    })?;
    let certificate_file = certificate_path(path);
    let certificate = std::fs::read_to_string(&certificate_file).ok();
    review::verify_certified(&roots, certificate.as_deref(), review::trust::PUBLISHER_KEY, text.as_bytes()).map_err(
        |reason| {
            bilingual(
                format!("发布者公钥 {}（认证 {}）：{}", path.display(), certificate_file.display(), reason.zh),
                format!("publisher key {} (certificate {}): {}", path.display(), certificate_file.display(), reason.en),
            )
        },
    )?;
    tracing::debug!(fingerprint = %key.fingerprint(), "publisher key certified by the trust root");
    Ok(key)
}
