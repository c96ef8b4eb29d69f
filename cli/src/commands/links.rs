//! `govpress links`: 第十五条 — checks every web link of a site over the network, bounded and
//! polite, and reports broken (error) and abnormal (warning) links at their file:line.

mod collect;
mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use govpress::config::{ConfigDuration, StatusCodes};
use govpress::hosts::HostClassifier;
use govpress::{Diagnostic, Report, Severity};
use link_checker::cache::Cache;
use link_checker::{Job, Outcome, Settings, Verdict};
use regex::RegexSet;

use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::output::{self, Format, Sources};
use crate::site::{self, Site};

use report::{Finding, HostTally};

pub const CACHE_FILE: &str = ".govpress/link-cache.json";
const DEFAULT_CACHE_MAX_AGE: Duration = Duration::from_secs(86_400);

#[derive(Debug, Args)]
pub struct LinksArgs {
    /// 站点目录（默认：当前目录）
    dir: Option<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// 有警告（异常链接等）也以失败退出（退出码 1）
    #[arg(long)]
    deny_warnings: bool,
    /// 同时检查构建输出目录中 HTML 的链接（模板、页脚等源文件里没有的链接）
    #[arg(long, value_name = "OUT")]
    built: Option<PathBuf>,
    /// 同时进行的请求总数上限（配置 links.max_concurrency，默认 64）
    #[arg(long, value_name = "N")]
    max_concurrency: Option<usize>,
    /// 每个主机同时进行的请求上限（默认 4）
    #[arg(long, value_name = "N")]
    per_host_concurrency: Option<usize>,
    /// 同一主机两次请求开始之间的最短间隔，毫秒（默认 100）
    #[arg(long, value_name = "MS")]
    per_host_interval_ms: Option<u64>,
    /// 单次请求超时，如 20、"20s"、"500ms"（默认 20s）
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// 失败（5xx、连接重置、超时、429）后的重试次数（默认 2）
    #[arg(long, value_name = "N")]
    retries: Option<u32>,
    /// 整次运行的时限，如 "30m"（默认 30m）；超时未完成的链接报告为未确认
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    max_time: Option<Duration>,
    /// 正常结果在缓存中的有效期，如 "1d"（默认 1d）；失效链接每次都重新检查
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    cache_max_age: Option<Duration>,
    /// 不读也不写 .govpress/link-cache.json
    #[arg(long)]
    no_cache: bool,
    /// 不检查匹配此正则表达式的链接（可多次给出，与配置 links.exclude 合并）
    #[arg(long, value_name = "REGEX")]
    exclude: Vec<String>,
    /// 视为正常的状态码或范围，如 403、"400..=403"（可多次给出，与配置 links.accept 合并）
    #[arg(long, value_name = "CODES", value_parser = parse_status)]
    accept: Vec<StatusCodes>,
    /// 检查 #锚点 是否存在于目标页面
    #[arg(long)]
    check_fragments: bool,
    /// 把主机名固定解析到给定地址，如 www.example.gov.cn=127.0.0.1（同 curl --resolve；"none" 表示无法解析）
    #[arg(long, value_name = "HOST=IP", value_parser = parse_resolve)]
    resolve: Vec<(String, Vec<IpAddr>)>,
}

fn parse_duration(value: &str) -> Result<Duration, String> {
    ConfigDuration::parse(value)
        .map(|duration| duration.0)
        .ok_or_else(|| format!("无效时长 / invalid duration: {value}（如 / e.g. 30, 500ms, 20s, 30m, 1d）"))
}

fn parse_status(value: &str) -> Result<StatusCodes, String> {
    StatusCodes::parse(value).ok_or_else(|| format!("无效状态码 / invalid status code or range: {value}"))
}

fn parse_resolve(value: &str) -> Result<(String, Vec<IpAddr>), String> {
    let (host, addresses) = value.split_once('=').ok_or_else(|| format!("应为 HOST=IP / expected HOST=IP: {value}"))?;
    let host = govpress::hosts::ascii_host(host).ok_or_else(|| format!("无效主机名 / invalid host: {host}"))?;
    if addresses.trim() == "none" {
        return Ok((host, Vec::new()));
    }
    let addresses = addresses
        .split(',')
        .map(|address| address.trim().parse::<IpAddr>().map_err(|error| format!("{address}: {error}")))
        .collect::<Result<_, _>>()?;
    Ok((host, addresses))
}

pub fn run(args: LinksArgs, globals: Globals) -> anyhow::Result<u8> {
    let started = Instant::now();
    let run = crate::history::Run::start(None);
    let root = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let site = Site::open(&root)?;
    let links_config = &site.config.links;
    let settings = settings(&args, &site)?;
    let exclude = exclude_patterns(&args, &site)?;
    let links = collect::collect(&site, args.built.as_deref(), &exclude)?;
    let targets = links.targets(settings.check_fragments);

    let cache_path = site.root.join(CACHE_FILE);
    let cache = if args.no_cache { Cache::empty() } else { Cache::load(&cache_path) };
    let max_age = args.cache_max_age.or(links_config.cache_max_age.map(|age| age.0)).unwrap_or(DEFAULT_CACHE_MAX_AGE);
    let now = chrono::Utc::now().timestamp();
    let max_age_seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    let (fresh, due): (Vec<_>, Vec<_>) =
        targets.iter().partition(|(key, (_, fragments))| cache.fresh(key, fragments, now, max_age_seconds).is_some());
    tracing::debug!(due = due.len(), cached = fresh.len(), excluded = links.excluded, "links collected");

    let jobs: Vec<Job> =
        due.iter().map(|(_, (url, fragments))| Job { url: url.clone(), read_ids: !fragments.is_empty() }).collect();
    let progress = progress_bar(jobs.len() as u64, globals.quiet);
    let on_done = {
        let progress = progress.clone();
        Arc::new(move |outcome: &Outcome| {
            progress.set_message(outcome.url.host_str().unwrap_or_default().to_string());
            progress.inc(1);
        })
    };
    // Parsing the public suffix list takes a moment: do it while the network works.
    let classifier = {
        let config = site.config.clone();
        std::thread::spawn(move || HostClassifier::new(&config))
    };
    let outcomes = link_checker::check_blocking(settings.clone(), jobs, on_done)?;
    progress.finish_and_clear();

    let hosts = classifier.join().map_err(|_| anyhow::anyhow!("host classifier thread panicked"))?;
    let mut next_cache = Cache::empty();
    let mut findings: BTreeMap<String, Finding<'_>> = BTreeMap::new();
    let mut tallies: BTreeMap<String, HostTally> = BTreeMap::new();
    for ((key, (_, fragments)), outcome) in due.iter().zip(&outcomes) {
        let abnormality = report::abnormality(outcome, &cache, &hosts);
        let previous = cache.entries.get(key.as_str());
        let entry = report::cache_entry(outcome, abnormality.as_ref(), fragments, previous, now);
        let broken_since = entry.as_ref().and_then(|entry| entry.broken_since).filter(|since| *since < now);
        if let Some(entry) = entry.or_else(|| previous.cloned()) {
            next_cache.entries.insert(key.to_string(), entry);
        }
        let tally = tallies.entry(host_label(&outcome.url)).or_default();
        tally.urls += 1;
        tally.requests += outcome.requests;
        match (&outcome.verdict, &abnormality) {
            (Verdict::Ok, None) => tally.ok += 1,
            (Verdict::Broken(_), _) => tally.broken += 1,
            _ => tally.warnings += 1,
        }
        findings.insert(key.to_string(), Finding { outcome, abnormality, broken_since });
    }
    for (key, (url, _)) in &fresh {
        if let Some(entry) = cache.entries.get(key.as_str()) {
            next_cache.entries.insert(key.to_string(), entry.clone());
        }
        let tally = tallies.entry(host_label(url)).or_default();
        tally.urls += 1;
        tally.ok += 1;
        tally.cached += 1;
    }

    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for occurrence in &links.occurrences {
        let key = link_checker::engine::without_fragment(&occurrence.url).to_string();
        // URLs fresh in the cache have no finding: they worked, with every fragment found.
        if let Some(finding) = findings.get(&key) {
            diagnostics.extend(report::diagnostics(occurrence, finding, settings.check_fragments));
        }
    }
    // `[checks.severity]` overrides apply to link findings as to every other rule.
    if !site.config.checks.severity.is_empty() {
        diagnostics = govpress::Checker::new(site.config.clone()).apply_overrides(diagnostics);
    }
    let report = Report::new(links.files_scanned, diagnostics);

    if !args.no_cache {
        if let Err(error) = next_cache.save(&cache_path) {
            tracing::warn!(%error, "could not write the link cache");
        }
    }
    if !globals.quiet {
        eprint!("{}", report::summary(&tallies, links.occurrences.len(), started.elapsed(), globals.lang));
    }
    let mut entry =
        govpress::history::HistoryEntry::from_report("links", run.time, run.elapsed_ms(), links.files_scanned, &report);
    entry.links = Some(report::link_tally(&tallies));
    crate::history::record(&site, &entry, globals.lang);
    let mut sources = Sources::new();
    for file in report.diagnostics.iter().map(|diagnostic| diagnostic.file.as_str()).collect::<BTreeSet<_>>() {
        if let Some(path) = links.paths.get(file) {
            sources.insert(file, std::fs::read_to_string(path).ok(), path);
        }
    }
    output::print(&report, args.format, &sources, globals.lang, args.deny_warnings)?;
    let failed = report.count(Severity::Error) > 0 || (args.deny_warnings && report.count(Severity::Warning) > 0);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// `[links]` settings with the flags over them.
fn settings(args: &LinksArgs, site: &Site) -> anyhow::Result<Settings> {
    let links_config = &site.config.links;
    let mut settings = Settings::from_config(links_config);
    if let Some(value) = args.max_concurrency {
        settings.max_concurrency = value.max(1);
    }
    if let Some(value) = args.per_host_concurrency {
        settings.host.concurrency = value.max(1);
    }
    if let Some(value) = args.per_host_interval_ms {
        settings.host.interval = Duration::from_millis(value);
    }
    if let Some(value) = args.timeout {
        anyhow::ensure!(!value.is_zero(), "--timeout 不能为 0 / must not be 0");
        settings.host.timeout = value;
    }
    if let Some(value) = args.retries {
        settings.host.retries = value;
    }
    if let Some(value) = args.max_time {
        settings.max_time = value;
    }
    settings.host.accept.extend(args.accept.iter().copied());
    settings.check_fragments |= args.check_fragments;
    settings.resolve.extend(args.resolve.iter().cloned());
    settings.apply_host_overrides(links_config);
    if settings.host.timeout.is_zero() {
        let position = site.config.position_of("links.timeout");
        anyhow::bail!("{}:{}: links.timeout 不能为 0 / must not be 0", site::CONFIG_FILE, position.line);
    }
    Ok(settings)
}

/// Config and flag patterns; a bad config pattern names `govpress.toml:line`.
fn exclude_patterns(args: &LinksArgs, site: &Site) -> anyhow::Result<RegexSet> {
    let config_patterns = &site.config.links.exclude;
    for pattern in config_patterns {
        if let Err(error) = regex::Regex::new(pattern) {
            let position = site.config.position_of("links.exclude");
            anyhow::bail!(
                "{}:{}:{}: links.exclude 中的正则表达式无效 / invalid regular expression in links.exclude: {error}",
                site.root.join(site::CONFIG_FILE).display(),
                position.line,
                position.column
            );
        }
    }
    for pattern in &args.exclude {
        regex::Regex::new(pattern).with_context(|| format!("--exclude {pattern}: 正则表达式无效 / invalid regex"))?;
    }
    Ok(RegexSet::new(config_patterns.iter().chain(&args.exclude))?)
}

fn host_label(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => String::new(),
    }
}

fn progress_bar(length: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(length);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} 检查链接 {pos}/{len} {wide_bar} {elapsed} {msg}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
