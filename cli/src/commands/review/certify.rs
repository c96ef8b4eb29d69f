//! `review certify-roster`, `review certify`, `review fingerprint`: the unit administrator's key, the root
//! of trust CI is given from outside the repository (docs/security.md).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use govpress::review::{certify as certify_bytes, trust, PrivateKey, PublicKeyPem};
use govpress::Lang;

use super::sign::read_key;
use crate::clock::now_in_china;
use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::review_files::ReviewFiles;
use crate::review_trust::{certificate_path, TRUST_ROOT_ENV};

#[derive(Debug, Args)]
pub struct CertifyRosterArgs {
    /// 站点目录（默认：当前目录）
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// 单位管理员的 SM2 私钥（PKCS#8 PEM）；其公钥指纹即 CI 的信任根
    #[arg(long)]
    key: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// 审核人员名册
    Roster,
    /// 发布者公钥（签署构建清单与归档）
    PublisherKey,
}

#[derive(Debug, Args)]
pub struct CertifyArgs {
    /// 要认证的文件
    file: PathBuf,
    /// 文件的类型
    #[arg(long, value_enum)]
    kind: Kind,
    /// 单位管理员的 SM2 私钥（PKCS#8 PEM）
    #[arg(long)]
    key: PathBuf,
    /// 认证文件（默认：FILE.sig）
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FingerprintArgs {
    /// 公钥（SPKI PEM）或私钥（PKCS#8 PEM）文件
    key: PathBuf,
}

pub fn certify_roster(args: CertifyRosterArgs, globals: Globals) -> anyhow::Result<u8> {
    let files = ReviewFiles::open(&args.dir)?;
    // Only a valid roster is certified: the administrator vouches for what check will read.
    files.require_roster()?;
    let out = certificate_path(&files.roster_path());
    write_certificate(&files.roster_path(), trust::ROSTER, &args.key, &out, globals)
}

pub fn certify(args: CertifyArgs, globals: Globals) -> anyhow::Result<u8> {
    let kind = match args.kind {
        Kind::Roster => trust::ROSTER,
        Kind::PublisherKey => {
            let text = std::fs::read_to_string(&args.file)
                .with_context(|| format!("无法读取 {0} / cannot read {0}", args.file.display()))?;
            PublicKeyPem::parse(&text).map_err(|error| anyhow::anyhow!("{}: {error}", args.file.display()))?;
            trust::PUBLISHER_KEY
        }
    };
    let out = args.out.clone().unwrap_or_else(|| certificate_path(&args.file));
    write_certificate(&args.file, kind, &args.key, &out, globals)
}

fn write_certificate(file: &Path, kind: &str, key: &Path, out: &Path, globals: Globals) -> anyhow::Result<u8> {
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {0} / cannot read {0}", file.display()))?;
    let key = read_key(key)?;
    let certificate = certify_bytes(kind, &bytes, &key, now_in_china());
    crate::atomic_write::write_atomically(out, certificate.to_text().as_bytes())?;
    if !globals.quiet {
        let message = match globals.lang {
            Lang::Zh => format!(
                "已认证 {}（SM3 {}），认证文件写入 {}。\n信任根（在 CI 中设置，勿写入版本库）：{TRUST_ROOT_ENV}={}",
                file.display(),
                certificate.sm3,
                out.display(),
                certificate.signer
            ),
            Lang::En => format!(
                "Certified {} (SM3 {}); certificate written to {}.\nTrust root (set it in CI, not in the repository): {TRUST_ROOT_ENV}={}",
                file.display(),
                certificate.sm3,
                out.display(),
                certificate.signer
            ),
        };
        println!("{message}");
    }
    Ok(EXIT_OK)
}

pub fn fingerprint(args: FingerprintArgs, _globals: Globals) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.key)
        .with_context(|| format!("无法读取 {0} / cannot read {0}", args.key.display()))?;
    let public = PublicKeyPem::parse(&text)
        .or_else(|_| PrivateKey::parse(&text).map(|key| key.public_key()))
        .map_err(|error| anyhow::anyhow!("{}: {error}", args.key.display()))?;
    println!("{}", public.fingerprint());
    Ok(EXIT_OK)
}
