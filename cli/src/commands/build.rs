//! `govpress build [DIR] [--out PATH]`: checks, renders, rewrites, audits, writes atomically.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use clap::Args;
use govpress::Lang;

use crate::build::{build_site, BuildOptions};
use crate::clock::{parse_now, site_now};
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::output::{self, Format};
use crate::platform::run::PlatformArgs;
use crate::platform::{Platform, PlatformFlags};
use crate::review_trust::TrustArgs;
use crate::site::Site;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// 站点目录（默认：当前目录）
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// 输出目录（默认：站点目录下的 public）
    #[arg(long)]
    out: Option<PathBuf>,
    /// 检查结果的输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// 以此时刻为“现在”（RFC 3339），便于复现
    #[arg(long, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
    #[command(flatten)]
    trust: TrustArgs,
    /// 单位发布者私钥（SM2 PEM，须在版本库之外），签署构建清单；默认取环境变量 GOVPRESS_PUBLISHER_KEY（PEM 文本或路径）
    #[arg(long, value_name = "KEY.pem")]
    publisher_key: Option<PathBuf>,
    #[command(flatten)]
    platform: PlatformFlags,
}

pub fn run(args: BuildArgs, globals: Globals) -> anyhow::Result<u8> {
    if args.platform.platform.is_some() {
        return run_platform(args, globals);
    }
    let site = Site::open(&args.dir)?;
    let publisher_key = crate::keys::publisher_key(args.publisher_key.as_deref(), &site.root)?;
    if publisher_key.is_none() {
        warn_unsigned(globals.lang);
    }
    run_site(site, args, publisher_key, globals)
}

/// Not an error: local builds and previews have no key. CI publishes with one (docs/deploy.md).
fn warn_unsigned(lang: Lang) {
    match lang {
            Lang::Zh => eprintln!(
                "警告：未提供发布者密钥（--publisher-key 或 {}），构建清单未签名；govpress verify --public-key 将拒绝它",
                crate::keys::PUBLISHER_KEY_ENV
            ),
            Lang::En => eprintln!(
                "warning: no publisher key (--publisher-key or {}): the manifest is unsigned and govpress verify --public-key will refuse it",
                crate::keys::PUBLISHER_KEY_ENV
            ),
        }
}

fn run_site(
    site: Site,
    args: BuildArgs,
    publisher_key: Option<govpress::review::PrivateKey>,
    globals: Globals,
) -> anyhow::Result<u8> {
    let run = crate::history::Run::start(args.now);
    let options = BuildOptions {
        out: args.out,
        now: site_now(args.now, &site.config),
        progress: !globals.quiet,
        trust: args.trust.or_env(),
        publisher_key,
        cache: crate::build::CachePlace::Site,
    };
    let built = build_site(&site, &options)?;
    crate::history::record_build(&site, &run, &built.report, built.written, globals.lang);
    // Scheduled pages (publish_at): left out of this build; a later build publishes each once its time
    // has come (README: the scheduled CI build).
    for (path, at) in &built.scheduled {
        match globals.lang {
            Lang::Zh => eprintln!("定时发布：{path} 将于 {at} 发布，本次构建未包含"),
            Lang::En => eprintln!("scheduled: {path} is published at {at}; not in this build"),
        }
    }
    if !built.report.diagnostics.is_empty() {
        output::print(&built.report, args.format, &built.sources, globals.lang, false)?;
    }
    if built.written {
        if !globals.quiet {
            let out = built.out.display();
            let (pages, files, leave) = (built.pages, built.files, built.leave_pages);
            match globals.lang {
                Lang::Zh => eprintln!("已生成 {out}：{pages} 个页面，{files} 个文件，{leave} 个离站提示页"),
                Lang::En => eprintln!("Built {out}: {pages} pages, {files} files, {leave} leave pages"),
            }
        }
        Ok(EXIT_OK)
    } else {
        match globals.lang {
            Lang::Zh => eprintln!("构建未通过检查，未写入任何文件；{} 保持原样", built.out.display()),
            Lang::En => {
                eprintln!("The build failed its checks; nothing was written and {} is unchanged", built.out.display())
            }
        }
        Ok(EXIT_FINDINGS)
    }
}

/// `build --platform`: every site into `OUT/<site>/`, each swapped in on its own (SPEC §10).
fn run_platform(args: BuildArgs, globals: Globals) -> anyhow::Result<u8> {
    let Some(path) = &args.platform.platform else { return Ok(EXIT_OK) };
    if args.dir != std::path::Path::new(".") {
        anyhow::bail!("--platform 不能与站点目录同用 / --platform takes no site directory");
    }
    let platform = Platform::open(path)?;
    let sites = platform.select(&args.platform.sites)?;
    let publisher_key = crate::keys::publisher_key(args.publisher_key.as_deref(), &platform.root)?;
    if publisher_key.is_none() {
        warn_unsigned(globals.lang);
    }
    let trust = args.trust.clone().or_env();
    let out = crate::platform::run::output_root(&platform, args.out.clone());
    let run = PlatformArgs { now: args.now, record: false, trust: &trust, lang: globals.lang, quiet: globals.quiet };
    let built = crate::platform::run::build(&platform, &sites, &out, publisher_key.as_ref(), &run);
    // Machine formats always: CI keeps the report (a JUnit file) of a clean platform too.
    if !built.report.diagnostics.is_empty() || args.format != Format::Human {
        output::print(&built.report, args.format, &built.sources, globals.lang, false)?;
    }
    built.print_summary(globals.lang, globals.quiet);
    Ok(built.exit_code(false))
}
