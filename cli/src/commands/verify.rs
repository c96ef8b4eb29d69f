//! `govpress verify OUT`: compares a deployed output directory with the build's SM3 manifest and
//! reports added, changed and missing files (网页防篡改). With `--public-key` the manifest must carry a
//! valid signature by that publisher key, so a manifest rewritten to match a changed file is caught too.
//! Exit 0 when identical (and signed), 1 on any difference, 2 when it cannot run.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use govpress::audit::manifest::{Manifest, MANIFEST_FILE};
use govpress::{Lang, Report};

use crate::build::writer::digest_tree;
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::output::{self, Format, Sources};

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
    let public_key = args
        .public_key
        .as_deref()
        .map(|path| crate::keys::publisher_public_key(path, args.trust_root.as_deref()))
        .transpose()?;
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
        Some(key) => diagnostics.extend(manifest.verify_signature(key).err()),
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
