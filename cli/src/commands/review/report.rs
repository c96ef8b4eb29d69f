//! `review status`, `review verify`, `review export`, `review canonical`: reading the archive.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use govpress::review::{PageReview, ReviewLog, Roster, SiteReview};
use govpress::Lang;
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
    let name_of =
        |id: &str| states.roster.as_ref().and_then(|roster| roster.get(id)).map_or(id.to_string(), |r| r.name.clone());
    let mut out = String::new();
    match args.format {
        StatusFormat::Json => {
            let pages: Vec<_> = states
                .pages
                .iter()
                .map(|page| {
                    let approvals: Vec<_> = page.state.approvals().iter().map(|approval| {
                        json!({"stage": approval.stage, "reviewer": approval.reviewer, "name": name_of(&approval.reviewer), "time": approval.time, "seq": approval.seq})
                    }).collect();
                    let reason = diagnostic_message(&states, page, lang);
                    json!({"path": page.path, "state": page.state.code(), "approvals": approvals, "missing": page.state.missing(), "reason": reason})
                })
                .collect();
            let signed = states.signed_off();
            let value = json!({"pages": pages, "signed_off": signed, "total": states.pages.len(),
                "problems": states.problems.iter().map(|d| json!({"file": d.file, "line": d.start.line, "message": d.message.get(lang)})).collect::<Vec<_>>()});
            out.push_str(&serde_json::to_string_pretty(&value)?);
            out.push('\n');
        }
        StatusFormat::Human => {
            for diagnostic in &states.problems {
                out.push_str(&format!(
                    "{}:{}: {}\n",
                    diagnostic.file,
                    diagnostic.start.line,
                    diagnostic.message.get(lang)
                ));
            }
            for page in &states.pages {
                let done: Vec<String> = page
                    .state
                    .approvals()
                    .iter()
                    .map(|approval| {
                        format!("{} {} {}", approval.stage, name_of(&approval.reviewer), short_time(&approval.time))
                    })
                    .collect();
                let pending = page.state.missing().join(if lang == Lang::Zh { "、" } else { ", " });
                let (done_label, pending_label) =
                    if lang == Lang::Zh { ("已签", "待签") } else { ("done", "pending") };
                out.push_str(&format!("{}  [{}]", page.path, page.state.label().get(lang)));
                if !done.is_empty() {
                    out.push_str(&format!("  {done_label}：{}", done.join("；")));
                }
                if !pending.is_empty() {
                    out.push_str(&format!("  {pending_label}：{pending}"));
                }
                if let Some(reason) =
                    diagnostic_message(&states, page, lang).filter(|_| page.state.approvals().is_empty())
                {
                    out.push_str(&format!("\n    {reason}"));
                }
                out.push('\n');
            }
            let signed = states.signed_off();
            out.push_str(&match lang {
                Lang::Zh => format!("共 {} 个页面，已签核 {signed} 个\n", states.pages.len()),
                Lang::En => format!("{} pages, {signed} signed off\n", states.pages.len()),
            });
        }
    }
    write_out(None, out.as_bytes())?;
    Ok(if states.problems.is_empty() { EXIT_OK } else { EXIT_FINDINGS })
}

fn diagnostic_message(states: &SiteReview, page: &PageReview, lang: Lang) -> Option<String> {
    govpress::review::site::page_diagnostic(
        &page.path,
        &page.state,
        states.roster.as_ref(),
        &states.stages,
        page.author.as_deref(),
    )
    .map(|diagnostic| diagnostic.message.get(lang).to_string())
}

fn short_time(time: &str) -> String {
    time.get(..16).unwrap_or(time).replace('T', " ")
}

/// The full audit: the roster against the trust root, every record's chain and signature, and the
/// log against its base. Exit 1 at the first failure, with its file and line.
pub fn verify(args: VerifyArgs, globals: Globals) -> anyhow::Result<u8> {
    let files = ReviewFiles::open(&args.site.dir)?;
    let roster = files.require_roster()?;
    let texts = ReviewTexts::read(&files, &args.trust)?;
    texts.warn_untrusted(&files);
    if let (Some(roots), Some(roster_text)) = (&texts.trust_root, &texts.roster) {
        let certificate = texts.roster_certificate.as_deref();
        if let Err(reason) = govpress::review::verify_certified(
            roots,
            certificate,
            govpress::review::trust::ROSTER,
            roster_text.as_bytes(),
        ) {
            eprintln!(
                "{}: {}: {}",
                files.roster_file,
                match globals.lang {
                    Lang::Zh => "审核人员名册未通过信任根校验（第十三条）",
                    Lang::En => "the roster fails the trust root (article 13)",
                },
                reason.get(globals.lang)
            );
            return Ok(EXIT_FINDINGS);
        }
    }
    let log = match ReviewLog::parse(texts.log.as_deref().unwrap_or_default()) {
        Ok(log) => log,
        Err(broken) => return Ok(report_broken(&files, &broken, globals)),
    };
    if let Err(broken) = verify_log(&log, &roster) {
        return Ok(report_broken(&files, &broken, globals));
    }
    if let Some(base) = &texts.base_log {
        let extends = ReviewLog::parse(base).and_then(|base| log.extends(&base));
        if let Err(broken) = extends {
            let label = match globals.lang {
                Lang::Zh => "审核记录档案没有延续基线档案（第十三条）",
                Lang::En => "the review archive does not extend its base (article 13)",
            };
            eprintln!("{}:{}: {label}: {}", files.log_file, broken.line, broken.reason.get(globals.lang));
            return Ok(EXIT_FINDINGS);
        }
    }
    if !globals.quiet {
        let tip = log.tip();
        let anchored = texts.base_log.is_some();
        let trusted = texts.trust_root.is_some();
        println!(
            "{}",
            match globals.lang {
                Lang::Zh => format!(
                    "审核记录档案 {} 完好：{} 条记录，链条与签名均有效（名册 {} 人{}）{}\n档案头：{} {}",
                    files.log_file,
                    log.len(),
                    roster.reviewers().len(),
                    if trusted { "，经信任根认证" } else { "，名册按原文信任" },
                    if anchored { "，延续了基线档案" } else { "" },
                    tip.seq,
                    tip.prev_hash()
                ),
                Lang::En => format!(
                    "The archive {} holds: {} records, chain and signatures valid ({} reviewers{}){}\nArchive head: {} {}",
                    files.log_file,
                    log.len(),
                    roster.reviewers().len(),
                    if trusted { ", certified by the trust root" } else { ", roster trusted as written" },
                    if anchored { ", extends its base" } else { "" },
                    tip.seq,
                    tip.prev_hash()
                ),
            }
        );
    }
    Ok(EXIT_OK)
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
