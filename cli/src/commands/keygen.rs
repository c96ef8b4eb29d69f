//! `govpress keygen --out KEY.pem`: a new SM2 key pair. The private key is written 0600 and never
//! overwritten; the public key (SPKI PEM) goes to stdout for the roster.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use sm2::elliptic_curve::Generate;
use sm2::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use sm2::SecretKey;

use crate::{Globals, EXIT_OK};

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// 私钥输出文件（PKCS#8 PEM，权限 0600；已存在时拒绝覆盖）
    #[arg(long)]
    out: PathBuf,
}

/// A new SM2 key pair as PEM text: the private key (PKCS#8, wiped from memory when dropped) and the
/// public key (SPKI) for the roster. Also used by `govpress init` for its demo reviewers.
pub fn generate() -> anyhow::Result<(sm2::pkcs8::der::zeroize::Zeroizing<String>, String)> {
    let secret =
        SecretKey::try_generate().map_err(|error| anyhow::anyhow!("无法取得随机数 / no randomness: {error}"))?;
    let private_pem = secret.to_pkcs8_pem(LineEnding::LF).context("无法编码私钥 / cannot encode the key")?;
    let public_pem =
        secret.public_key().to_public_key_pem(LineEnding::LF).context("无法编码公钥 / cannot encode the key")?;
    Ok((private_pem, public_pem))
}

pub fn run(args: KeygenArgs, globals: Globals) -> anyhow::Result<u8> {
    let (private_pem, public_pem) = generate()?;
    write_private(&args.out, private_pem.as_bytes())?;
    if !globals.quiet {
        let fingerprint =
            govpress::review::PublicKeyPem::parse(&public_pem).map(|key| key.fingerprint()).unwrap_or_default();
        let message = match globals.lang {
            govpress::Lang::Zh => format!(
                "SM2 私钥已写入 {}（仅本人可读，请妥善保管，勿提交到版本库）。\n公钥指纹（SM3）：{fingerprint}\n把下面的公钥填入 reviewers.toml 中该审核人的 public_key：",
                args.out.display()
            ),
            govpress::Lang::En => format!(
                "SM2 private key written to {} (owner-only; keep it safe, never commit it).\nPublic key fingerprint (SM3): {fingerprint}\nPut this public key into the reviewer's public_key in reviewers.toml:",
                args.out.display()
            ),
        };
        eprintln!("{message}");
    }
    print!("{public_pem}");
    std::io::stdout().flush()?;
    Ok(EXIT_OK)
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
        _ => anyhow::anyhow!("无法创建 {} / cannot create it: {error}", path.display()),
    })?;
    file.write_all(pem).and_then(|()| file.sync_all()).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}
