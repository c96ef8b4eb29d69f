//! `review status`, `review verify`, `review export`, `review canonical`: reading the archive.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use govpress::review::log::signature_holds;
use govpress::review::{ReviewLog, Roster, StatusReport};
use govpress::Lang;
use rayon::prelude::*;
use serde_json::json;

use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::review_files::{page_states, verify_log, ReviewFiles};
use crate::review_trust::{ReviewTexts, TrustArgs};

#[derive(Debug, Args)]
pub struct SiteArg {
    /// 站点目录（默认：当前目录）
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    site: SiteArg,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    format: StatusFormat,
    #[command(flatten)]
    trust: TrustArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    site: SiteArg,
    /// 输出格式（json 与浏览器审核视图给出的结论相同）
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    format: StatusFormat,
    #[command(flatten)]
    trust: TrustArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    site: SiteArg,
    /// 导出格式
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// 写入文件（默认：标准输出）
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CanonicalArgs {
    /// 记录序号（seq，即所在行号）
    seq: usize,
    #[command(flatten)]
    site: SiteArg,
    /// 把签名（DER）写入此文件
    #[arg(long)]
    signature_out: Option<PathBuf>,
    /// 把签核人的公钥（PEM，取自名册）写入此文件
    #[arg(long)]
    public_key_out: Option<PathBuf>,
}

pub fn status(args: StatusArgs, globals: Globals) -> anyhow::Result<u8> {
    let files = ReviewFiles::open(&args.site.dir)?;
    let pages = files.site.content_files()?;
    let states = page_states(&files, &pages, &args.trust)?;
    let lang = globals.lang;
    let report = states.status_report(lang);
    let out = match args.format {
        StatusFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        StatusFormat::Human => status_human(&report, lang),
    };
    write_out(None, out.as_bytes())?;
    Ok(if report.problems.is_empty() { EXIT_OK } else { EXIT_FINDINGS })
}

fn status_human(report: &StatusReport, lang: Lang) -> String {
    let mut out = String::new();
    for problem in &report.problems {
        out.push_str(&format!("{}:{}: {}\n", problem.file, problem.line, problem.message));
    }
    let (done_label, pending_label, separator) =
        if lang == Lang::Zh { ("已签", "待签", "、") } else { ("done", "pending", ", ") };
    for page in &report.pages {
        let done: Vec<String> = page
            .approvals
            .iter()
            .map(|approval| format!("{} {} {}", approval.stage, approval.name, short_time(&approval.time)))
            .collect();
        out.push_str(&format!("{}  [{}]", page.path, page.label));
        if !done.is_empty() {
            out.push_str(&format!("  {done_label}：{}", done.join("；")));
        }
        if !page.missing.is_empty() {
            out.push_str(&format!("  {pending_label}：{}", page.missing.join(separator)));
        }
        if let Some(reason) = page.reason.as_ref().filter(|_| page.approvals.is_empty()) {
            out.push_str(&format!("\n    {reason}"));
        }
        out.push('\n');
    }
    out.push_str(&match lang {
        Lang::Zh => format!("共 {} 个页面，已签核 {} 个\n", report.total, report.signed_off),
        Lang::En => format!("{} pages, {} signed off\n", report.total, report.signed_off),
    });
    out
}

fn short_time(time: &str) -> String {
    time.get(..16).unwrap_or(time).replace('T', " ")
}

/// The full audit: the roster against the trust root, every record's chain and signature, and the
/// log against its base (the core decides). Exit 1 at the first failure, with its file and line.
pub fn verify(args: VerifyArgs, globals: Globals) -> anyhow::Result<u8> {
    let files = ReviewFiles::open(&args.site.dir)?;
    // A missing or invalid roster is a usage error (exit 2), as for every review command.
    files.require_roster()?;
    let texts = ReviewTexts::read(&files, &args.trust)?;
    texts.warn_untrusted(&files);
    let report =
        govpress::review::audit(&files.site.config.review, &texts.inputs(), globals.lang, |records, roster| {
            records.par_iter().map(|record| signature_holds(record, roster)).collect()
        });
    match args.format {
        StatusFormat::Json => write_out(None, (serde_json::to_string_pretty(&report)? + "\n").as_bytes())?,
        StatusFormat::Human if !report.verified => eprintln!("{}", report.message),
        StatusFormat::Human if !globals.quiet => println!("{}", report.message),
        StatusFormat::Human => {}
    }
    Ok(if report.verified { EXIT_OK } else { EXIT_FINDINGS })
}

fn report_broken(files: &ReviewFiles, broken: &govpress::review::Broken, globals: Globals) -> u8 {
    let label = match globals.lang {
        Lang::Zh => "审核记录档案校验失败",
        Lang::En => "the review archive fails verification",
    };
    eprintln!("{}:{}: {label}: {}", files.log_file, broken.line, broken.reason.get(globals.lang));
    EXIT_FINDINGS
}

/// CSV columns for filing (审核记录档案).
const CSV_HEADER: &str = "序号,时间,审核环节,审核结论,审核人,部门,页面,摘要(SM3),意见,记录哈希";

pub fn export(args: ExportArgs, globals: Globals) -> anyhow::Result<u8> {
    let files = ReviewFiles::open(&args.site.dir)?;
    let roster = files.require_roster()?;
    let log = ReviewLog::parse(&files.log_text()?);
    let (records, verdict) = match &log {
        Ok(log) => (log.records(), verify_log(log, &roster).err()),
        Err(broken) => (&[][..], Some(broken.clone())),
    };
    let out = match args.format {
        ExportFormat::Csv => csv(records, &roster),
        ExportFormat::Json => {
            let rows: Vec<_> = records
                .iter()
                .map(|record| {
                    let reviewer = roster.get(&record.reviewer);
                    json!({"seq": record.seq, "time": record.time, "stage": record.stage, "decision": record.decision.as_str(),
                        "reviewer": record.reviewer, "name": reviewer.map(|r| r.name.as_str()), "department": reviewer.map(|r| r.department.as_str()),
                        "comment": record.comment, "pages": record.pages, "prev": record.prev, "signature": record.signature, "hash": record.hash})
                })
                .collect();
            serde_json::to_string_pretty(&json!({"version": 1, "verified": verdict.is_none(), "records": rows}))? + "\n"
        }
    };
    write_out(args.out.as_deref(), out.as_bytes())?;
    match verdict {
        None => Ok(EXIT_OK),
        Some(broken) => Ok(report_broken(&files, &broken, globals)),
    }
}

fn csv(records: &[govpress::review::Record], roster: &Roster) -> String {
    // A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
    let mut out = String::from("\u{feff}");
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for record in records {
        let reviewer = roster.get(&record.reviewer);
        let name = reviewer.map_or(record.reviewer.as_str(), |reviewer| reviewer.name.as_str());
        let department = reviewer.map_or("", |reviewer| reviewer.department.as_str());
        for page in &record.pages {
            let fields = [
                record.seq.to_string().as_str(),
                &record.time,
                &record.stage,
                &record.decision.text().zh,
                name,
                department,
                &page.path,
                &page.sm3,
                &record.comment,
                &record.hash,
            ]
            .map(csv_field);
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// RFC 4180 quoting; a leading formula character is neutralised so spreadsheets do not evaluate it.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub fn canonical(args: CanonicalArgs, _globals: Globals) -> anyhow::Result<u8> {
    let files = ReviewFiles::open(&args.site.dir)?;
    let log = ReviewLog::parse(&files.log_text()?)
        .map_err(|broken| anyhow::anyhow!("{}:{}: {}", files.log_file, broken.line, broken.reason.zh))?;
    let record = args
        .seq
        .checked_sub(1)
        .and_then(|index| log.records().get(index))
        .with_context(|| format!("{} 中没有第 {} 条记录 / no such record", files.log_file, args.seq))?;
    if let Some(path) = &args.signature_out {
        let der = record.signature_der().context("签名不是 base64 或十六进制 / bad signature encoding")?;
        std::fs::write(path, der).with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    }
    if let Some(path) = &args.public_key_out {
        let roster = files.require_roster()?;
        let reviewer = roster
            .get(&record.reviewer)
            .with_context(|| format!("审核人 {0} 不在名册中 / reviewer {0} is not in the roster", record.reviewer))?;
        std::fs::write(path, reviewer.public_key.to_pem())
            .with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    }
    write_out(None, &record.signed_bytes())?;
    Ok(EXIT_OK)
}

fn write_out(path: Option<&std::path::Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()?;
            Ok(())
        }
    }
}
