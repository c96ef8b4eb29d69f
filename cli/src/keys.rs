//! SM2 key pairs for reviewers: shared by `govpress keygen` and `govpress init` (its demo reviewers).

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
            format!("无法创建 {}：{error}", path.display()),
            format!("cannot create {}: {error}", path.display()),
        ),
    })?;
    file.write_all(pem).and_then(|()| file.sync_all()).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}
