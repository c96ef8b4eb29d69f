//! `govpress review …`: sign pages, show their state, verify and export the archive (第十三条).
//! The core decides; this module finds the site, reads the roster and the log, and appends under a lock.

mod archive;
mod report;
mod sign;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use govpress::review::{self, log::signature_holds, Broken, ReviewLog, Roster, SiteReview};
use rayon::prelude::*;

use crate::site::{self, Site, SourceFile};
use crate::Globals;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    command: ReviewCommand,
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// 签核页面：一次调用写入一条签名记录，覆盖所列全部页面（文件或目录）
    Sign(sign::SignArgs),
    /// 每个页面的签核状态：已签核、待签环节、内容已变更、已退回
    Status(report::StatusArgs),
    /// 校验整个审核记录档案的链条与每一个签名
    Verify(report::SiteArg),
    /// 导出审核记录档案（CSV 或 JSON），用于归档
    Export(report::ExportArgs),
    /// 输出一条记录的规范字节（签名所覆盖的内容）及签名，便于用 OpenSSL 独立验证
    Canonical(report::CanonicalArgs),
}

pub fn run(args: ReviewArgs, globals: Globals) -> anyhow::Result<u8> {
    match args.command {
        ReviewCommand::Sign(args) => sign::run(args, globals),
        ReviewCommand::Status(args) => report::status(args, globals),
        ReviewCommand::Verify(args) => report::verify(args, globals),
        ReviewCommand::Export(args) => report::export(args, globals),
        ReviewCommand::Canonical(args) => report::canonical(args, globals),
    }
}

/// A site's review files: where they are and what they hold.
pub struct ReviewFiles {
    pub site: Site,
    pub roster_file: String,
    pub log_file: String,
}

impl ReviewFiles {
    pub fn of(site: Site) -> ReviewFiles {
        let roster_file = site.config.review.roster.clone();
        let log_file = site.config.review.log.clone();
        ReviewFiles { site, roster_file, log_file }
    }

    /// Opens the site at `dir` or the nearest ancestor holding `govpress.toml`.
    pub fn open(dir: &Path) -> anyhow::Result<ReviewFiles> {
        let root = site::find_site_root(dir).unwrap_or_else(|| dir.to_path_buf());
        Ok(ReviewFiles::of(Site::open(&root)?))
    }

    pub fn roster_path(&self) -> PathBuf {
        self.site.root.join(&self.roster_file)
    }

    pub fn log_path(&self) -> PathBuf {
        self.site.root.join(&self.log_file)
    }

    pub fn stages(&self) -> &[String] {
        &self.site.config.review.stages
    }

    /// The roster; `Ok(None)` when the file does not exist, `Err` (file:line) when it is invalid.
    pub fn roster(&self) -> anyhow::Result<Option<Result<Roster, review::RosterError>>> {
        let Some(text) = read_optional(&self.roster_path())? else { return Ok(None) };
        Ok(Some(Roster::parse(&text, self.stages())))
    }

    /// The roster, required, with file:line in the error.
    pub fn require_roster(&self) -> anyhow::Result<Roster> {
        match self.roster()? {
            None => anyhow::bail!(
                "缺少审核人员名册 {} / no roster: 见 docs/review.md（govpress keygen 生成密钥后登记审核人）",
                self.roster_path().display()
            ),
            Some(Err(error)) => anyhow::bail!(
                "{}:{}:{}: {} / {}",
                self.roster_file,
                error.position.line,
                error.position.column,
                error.message.zh,
                error.message.en
            ),
            Some(Ok(roster)) => Ok(roster),
        }
    }

    /// The log text; empty when the file does not exist yet.
    pub fn log_text(&self) -> anyhow::Result<String> {
        Ok(read_optional(&self.log_path())?.unwrap_or_default())
    }
}

fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("无法读取 {} / cannot read it", path.display())),
    }
}

/// Verifies the log against the roster, the signatures checked in parallel (each once).
pub fn verify_log<'l>(log: &'l ReviewLog, roster: &Roster) -> Result<review::VerifiedLog<'l>, Broken> {
    log.verify_with(roster, |records| records.par_iter().map(|record| signature_holds(record, roster)).collect())
}

/// The sign-off of every page (drafts aside): the core decides, signatures are checked in parallel.
pub fn page_states(files: &ReviewFiles, pages: &[SourceFile]) -> anyhow::Result<SiteReview> {
    let roster = read_optional(&files.roster_path())?;
    let log = read_optional(&files.log_path())?;
    let texts: Vec<(&str, &str)> =
        pages.iter().filter_map(|file| Some((file.relative.as_str(), file.text.as_ref().ok()?.as_str()))).collect();
    Ok(SiteReview::evaluate_with(
        &files.site.config.review,
        roster.as_deref(),
        log.as_deref(),
        &texts,
        |records, roster| records.par_iter().map(|record| signature_holds(record, roster)).collect(),
    ))
}
