//! `govpress keygen --out KEY.pem`: a new SM2 key pair. The private key is written 0600 and never
//! overwritten; the public key (SPKI PEM) goes to stdout for the roster.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::keys::{generate, write_private};

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// 私钥输出文件（PKCS#8 PEM，权限 0600；已存在时拒绝覆盖）
    #[arg(long)]
    out: PathBuf,
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
