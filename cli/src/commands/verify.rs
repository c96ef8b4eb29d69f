//! `govpress verify OUT`: compares a deployed output directory with the build's SM3 manifest and
//! reports added, changed and missing files (网页防篡改). With `--public-key` the manifest must carry a
//! valid signature by that publisher key, so a manifest rewritten to match a changed file is caught too.
//! Exit 0 when identical (and signed), 1 on any difference, 2 when it cannot run.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use govpress::audit::manifest::{Manifest, MANIFEST_FILE};
use govpress::review::trust::PUBLISHER_KEY;
use govpress::review::{self, PublicKeyPem};
use govpress::{Lang, Report};

use crate::build::writer::digest_tree;
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::output::{self, Format, Sources};
use crate::review_trust::{certificate_path, TRUST_ROOT_ENV};
use crate::user_error::bilingual;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// 已发布的输出目录
    out: PathBuf,
    /// 构建清单（默认：OUT 中的 .govpress-manifest.json；建议使用另行保存的副本）
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// 发布者公钥（SM2 PEM）：清单须有该密钥的有效签名（不给出时只比对摘要，并给出警告）
    #[arg(long, value_name = "KEY.pub")]
    public_key: Option<PathBuf>,
    /// 信任根（管理员公钥指纹，默认取 GOVPRESS_TRUST_ROOT）：给出时，发布者公钥须有管理员的认证 KEY.pub.sig
    #[arg(long, value_name = "FPR", requires = "public_key")]
    trust_root: Option<String>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: VerifyArgs, globals: Globals) -> anyhow::Result<u8> {
    let manifest_path = args.manifest.clone().unwrap_or_else(|| args.out.join(MANIFEST_FILE));
    let public_key = args.public_key.as_deref().map(read_public_key).transpose()?;
    if let Some((key, path)) = &public_key {
        check_certified(key, path, args.trust_root.as_deref())?;
    }
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("无法读取构建清单 {} / cannot read the manifest", manifest_path.display()))?;
    let manifest = Manifest::from_json(&text)
        .with_context(|| format!("{}: 构建清单格式错误 / malformed manifest", manifest_path.display()))?;
    if !args.out.is_dir() {
        anyhow::bail!("{}: 不是目录 / not a directory", args.out.display());
    }
    let found = digest_tree(&args.out)?;
    let mut diagnostics = Vec::new();
    match &public_key {
        Some((key, _)) => diagnostics.extend(manifest.verify_signature(key).err()),
        None if !globals.quiet => match globals.lang {
            Lang::Zh => eprintln!("警告：未给出 --public-key，只比对摘要；改写清单的篡改无法发现"),
            Lang::En => eprintln!("warning: no --public-key: digests only; a rewritten manifest goes unnoticed"),
        },
        None => {}
    }
    diagnostics.extend(manifest.compare(&found));
    let report = Report::new(found.len(), diagnostics);
    if !report.diagnostics.is_empty() || args.format != Format::Human {
        output::print(&report, args.format, &Sources::new(), globals.lang, false)?;
    }
    if !report.diagnostics.is_empty() {
        return Ok(EXIT_FINDINGS);
    }
    if !globals.quiet {
        let head = manifest.review_log_head.as_ref().map(|head| format!("{} {}", head.seq, head.hash));
        let signed = public_key.is_some();
        match globals.lang {
            Lang::Zh => eprintln!(
                "{}：{} 个文件与构建清单一致{}{}",
                args.out.display(),
                found.len(),
                if signed { "，清单签名有效" } else { "" },
                head.map(|head| format!("；审核记录档案头 {head}")).unwrap_or_default()
            ),
            Lang::En => eprintln!(
                "{}: {} files match the build manifest{}{}",
                args.out.display(),
                found.len(),
                if signed { ", its signature holds" } else { "" },
                head.map(|head| format!("; review log head {head}")).unwrap_or_default()
            ),
        }
    }
    Ok(EXIT_OK)
}

fn read_public_key(path: &std::path::Path) -> anyhow::Result<(PublicKeyPem, PathBuf)> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        bilingual(
            format!("无法读取发布者公钥 {}：{error}", path.display()),
            format!("cannot read the public key {}: {error}", path.display()),
        )
    })?;
    let key = PublicKeyPem::parse(&text)
        .map_err(|error| bilingual(format!("{}：{error}", path.display()), format!("{}: {error}", path.display())))?;
    Ok((key, path.to_path_buf()))
}

/// With a trust root (flag or `GOVPRESS_TRUST_ROOT`), the public key must be certified by the unit
/// administrator as the publisher key (`KEY.sig`, written by `review certify --kind publisher-key`).
fn check_certified(key: &PublicKeyPem, path: &std::path::Path, flag: Option<&str>) -> anyhow::Result<()> {
    let env = std::env::var(TRUST_ROOT_ENV).ok().filter(|value| !value.trim().is_empty());
    let Some(root) = flag.map(str::to_string).or(env) else { return Ok(()) };
    let roots = review::parse_trust_root(&root).map_err(|reason| {
        bilingual(format!("{TRUST_ROOT_ENV}: {}", reason.zh), format!("{TRUST_ROOT_ENV}: {}", reason.en))
    })?;
    let certificate_file = certificate_path(path);
    let certificate = std::fs::read_to_string(&certificate_file).ok();
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?;
    review::verify_certified(&roots, certificate.as_deref(), PUBLISHER_KEY, &bytes).map_err(|reason| {
        bilingual(
            format!("发布者公钥 {}（认证 {}）：{}", path.display(), certificate_file.display(), reason.zh),
            format!("publisher key {} (certificate {}): {}", path.display(), certificate_file.display(), reason.en),
        )
    })?;
    tracing::debug!(fingerprint = %key.fingerprint(), "publisher key certified by the trust root");
    Ok(())
}
