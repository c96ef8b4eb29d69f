//! `govpress report [DIR] --out FILE.html`: the compliance report (SPEC §11) for the annual security
//! assessment (第十八条). This module gathers the files — pages (front matter only), the review log
//! verified against the roster, the run history — and writes the file atomically; the core builds the
//! model and the HTML (`govpress::assessment`). `--platform` gives one report with a section per site.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use clap::Args;
use govpress::assessment::html::{render, ReportHead};
use govpress::assessment::{assess, Assessment, AssessmentInput, LogStatus};
use govpress::review::{ReviewLog, Roster};
use govpress::site::SiteRun;
use govpress::{Checker, Lang};

use crate::clock::{now_in_china, parse_now, site_now};
use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::platform::{Platform, PlatformFlags};
use crate::review_files::{verify_log, ReviewFiles};
use crate::review_trust::{ReviewTexts, TrustArgs};
use crate::site::Site;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// 站点目录（默认：当前目录）
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// 报告文件（HTML，默认 report.html），原子写入
    #[arg(long, value_name = "FILE.html", default_value = "report.html")]
    out: PathBuf,
    /// 以此时刻为“现在”（RFC 3339）：统计月份、栏目时效
    #[arg(long, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
    #[command(flatten)]
    trust: TrustArgs,
    #[command(flatten)]
    platform: PlatformFlags,
}

pub fn run(args: ReportArgs, globals: Globals) -> anyhow::Result<u8> {
    let trust = args.trust.clone().or_env();
    let (sites, platform_name) = match &args.platform.platform {
        Some(path) => {
            if args.dir != Path::new(".") {
                anyhow::bail!("--platform 不能与站点目录同用 / --platform takes no site directory");
            }
            let platform = Platform::open(path)?;
            let mut sites = Vec::new();
            for site in platform.select(&args.platform.sites)? {
                let opened = platform.open_site(site)?;
                sites.push(assess_site(&opened, Some(site.dir.clone()), args.now, &trust)?);
            }
            (sites, Some(platform.config.name.clone()))
        }
        None => (vec![assess_site(&Site::open(&args.dir)?, None, args.now, &trust)?], None),
    };
    let generator = format!("govpress {}", env!("CARGO_PKG_VERSION"));
    let head = ReportHead {
        platform: platform_name.as_deref(),
        generated: args.now.unwrap_or_else(now_in_china),
        generator: &generator,
    };
    let html = render(&sites, &head, globals.lang);
    crate::atomic_write::write_atomically(&args.out, html.as_bytes())?;
    if !globals.quiet {
        match globals.lang {
            Lang::Zh => eprintln!("已生成合规报告 {}（{} 个站点）", args.out.display(), sites.len()),
            Lang::En => eprintln!("Compliance report written to {} ({} site(s))", args.out.display(), sites.len()),
        }
    }
    Ok(EXIT_OK)
}

/// One site's report model: its pages read once (front matter only), its log verified.
fn assess_site(
    site: &Site,
    label: Option<String>,
    now_flag: Option<DateTime<FixedOffset>>,
    trust: &TrustArgs,
) -> anyhow::Result<Assessment> {
    let started = std::time::Instant::now();
    let now = site_now(now_flag, &site.config);
    let files = site.content_files()?;
    let texts = crate::pipeline::source_texts(&files);
    let checker = Checker::new(site.config.clone());
    let (run, _jobs) = SiteRun::start(&checker, &texts, now);
    tracing::debug!(elapsed = ?started.elapsed(), pages = files.len(), "pages read");
    let review_files =
        ReviewFiles::of(Site { root: site.root.clone(), config: site.config.clone(), platform: site.platform.clone() });
    let review_texts = ReviewTexts::read(&review_files, trust)?;
    let log = review_texts.log.as_deref().map(ReviewLog::parse);
    let roster = review_texts.roster.as_deref().map(|text| Roster::parse(text, review_files.stages()));
    let (status, records) = match (log, roster) {
        (None, _) | (_, None) => (LogStatus::Absent, Vec::new()),
        (Some(Err(broken)), _) => (LogStatus::Broken(broken.reason), Vec::new()),
        (_, Some(Err(error))) => (LogStatus::Broken(error.message), Vec::new()),
        (Some(Ok(log)), Some(Ok(roster))) => match verify_log(&log, &roster) {
            Ok(_) => {
                let head = log.tip().hash;
                (LogStatus::Verified { records: log.len(), head }, log.records().to_vec())
            }
            Err(broken) => (LogStatus::Broken(broken.reason), Vec::new()),
        },
    };
    tracing::debug!(elapsed = ?started.elapsed(), "review log verified");
    let history = crate::history::read(site)?;
    let assessment = assess(&AssessmentInput {
        config: &site.config,
        model: &run.model,
        records: &records,
        log: status,
        history: &history,
        now,
        label,
    });
    tracing::debug!(elapsed = ?started.elapsed(), "site assessed");
    Ok(assessment)
}
