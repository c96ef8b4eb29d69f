//! `govpress verify OUT`: compares a deployed output directory with the build's SM3 manifest and
//! reports added, changed and missing files (网页防篡改). Exit 0 when identical, 1 on any difference.

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
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: VerifyArgs, globals: Globals) -> anyhow::Result<u8> {
    let manifest_path = args.manifest.clone().unwrap_or_else(|| args.out.join(MANIFEST_FILE));
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("无法读取构建清单 {} / cannot read the manifest", manifest_path.display()))?;
    let manifest = Manifest::from_json(&text)
        .with_context(|| format!("{}: 构建清单格式错误 / malformed manifest", manifest_path.display()))?;
    if !args.out.is_dir() {
        anyhow::bail!("{}: 不是目录 / not a directory", args.out.display());
    }
    let found = digest_tree(&args.out)?;
    let report = Report::new(found.len(), manifest.compare(&found));
    if !report.diagnostics.is_empty() {
        output::print(&report, args.format, &Sources::new(), globals.lang, false)?;
        return Ok(EXIT_FINDINGS);
    }
    if !globals.quiet {
        match globals.lang {
            Lang::Zh => eprintln!("{}：{} 个文件与构建清单一致", args.out.display(), found.len()),
            Lang::En => eprintln!("{}: {} files match the build manifest", args.out.display(), found.len()),
        }
    }
    Ok(EXIT_OK)
}
