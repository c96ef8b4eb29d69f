//! `govpress check`: a site directory or single Markdown files; writes nothing.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::Args;
use govpress::history::HistoryEntry;
use govpress::{Checker, Report, SiteConfig};

use crate::clock::{parse_now, site_now};
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::output::{self, Format, Sources};
use crate::platform::run::PlatformArgs;
use crate::platform::{Platform, PlatformFlags};
use crate::review_trust::TrustArgs;
use crate::site::{self, Site, SourceFile};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 站点目录或 Markdown 文件（默认：当前目录）
    paths: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// 有警告也以失败退出（退出码 1）
    #[arg(long)]
    deny_warnings: bool,
    /// 检查单个文件时使用的配置文件（默认：所在站点的 govpress.toml，或内置默认配置）
    #[arg(long)]
    config: Option<PathBuf>,
    /// 以此时刻为“现在”（RFC 3339），便于复现检查结果
    #[arg(long, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
    #[command(flatten)]
    trust: TrustArgs,
    /// 把本次检查追加到站点的运行记录（供 CI 使用；默认 check 不写任何文件）
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    platform: PlatformFlags,
}

pub fn run(args: CheckArgs, globals: Globals) -> anyhow::Result<u8> {
    let trust = args.trust.clone().or_env();
    if let Some(path) = &args.platform.platform {
        if !args.paths.is_empty() {
            anyhow::bail!("--platform 不能与站点目录同用 / --platform takes no site directory");
        }
        let platform = Platform::open(path)?;
        let sites = platform.select(&args.platform.sites)?;
        let run = PlatformArgs {
            now: args.now,
            record: args.record,
            trust: &trust,
            lang: globals.lang,
            quiet: globals.quiet,
        };
        let checked = crate::platform::run::check(&platform, &sites, &run);
        output::print(&checked.report, args.format, &checked.sources, globals.lang, args.deny_warnings)?;
        checked.print_summary(globals.lang, true);
        return Ok(checked.exit_code(args.deny_warnings));
    }
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let mut report = Report::default();
    let mut sources = Sources::new();
    for path in &paths {
        let part = if path.is_dir() {
            let site = Site::open(path)?;
            let now = site_now(args.now, &site.config);
            let run = crate::history::Run::start(args.now);
            let part = crate::pipeline::check_site(&site, now, &trust, &mut sources)?;
            if args.record {
                let entry = HistoryEntry::from_report("check", run.time, run.elapsed_ms(), part.files_checked, &part);
                crate::history::record(&site, &entry, globals.lang);
            }
            part
        } else if path.is_file() {
            check_file(path, args.config.as_deref(), args.now, &mut sources)?
        } else {
            anyhow::bail!("{}: 文件或目录不存在 / no such file or directory", path.display());
        };
        report.merge(part);
    }
    output::print(&report, args.format, &sources, globals.lang, args.deny_warnings)?;
    Ok(if report.fails(args.deny_warnings) { EXIT_FINDINGS } else { EXIT_OK })
}

fn check_source(
    checker: &Checker,
    file: &SourceFile,
    now: DateTime<FixedOffset>,
) -> (Vec<govpress::Diagnostic>, Option<govpress::PageSummary>) {
    match &file.text {
        Ok(text) => {
            let outcome = checker.check_page(&file.relative, text, now);
            (outcome.diagnostics, Some(outcome.summary))
        }
        Err(diagnostic) => (checker.apply_overrides(vec![govpress::Diagnostic::clone(diagnostic)]), None),
    }
}

/// Checks one Markdown file: with its site's config when it lies in a site, else the given or default config.
fn check_file(
    path: &Path,
    config: Option<&Path>,
    now: Option<DateTime<FixedOffset>>,
    sources: &mut Sources,
) -> anyhow::Result<Report> {
    let site_root = site::find_site_root(path);
    let config = match (config, &site_root) {
        (Some(config), _) => site::load_config(config)?,
        (None, Some(root)) => site::load_config(&root.join(site::CONFIG_FILE))?,
        (None, None) => SiteConfig::default(),
    };
    let relative = match &site_root {
        Some(root) => site::relative_path(
            root,
            &path.canonicalize().with_context(|| format!("无法访问 {0} / cannot access {0}", path.display()))?,
        ),
        None => path.to_string_lossy().replace('\\', "/"),
    };
    let file = site::read_source(relative, path, config.limits.max_file_bytes());
    let now = site_now(now, &config);
    let checker = Checker::new(config);
    let (diagnostics, _) = check_source(&checker, &file, now);
    sources.insert(&file.relative, file.text.ok(), path);
    Ok(Report::new(1, diagnostics))
}
