//! `govpress review …`: sign pages, show their state, verify and export the archive (第十三条).
//! The core decides; this module finds the site, reads the roster and the log, and appends under a lock.

mod anchor;
mod archive;
mod certify;
mod report;
mod sign;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use govpress::review::{self, log::signature_holds, Broken, ReviewInputs, ReviewLog, Roster, SiteReview};
use govpress::Diagnostic;
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
    Verify(report::VerifyArgs),
    /// 导出审核记录档案（CSV 或 JSON），用于归档
    Export(report::ExportArgs),
    /// 输出一条记录的规范字节（签名所覆盖的内容）及签名，便于用 OpenSSL 独立验证
    Canonical(report::CanonicalArgs),
    /// 单位管理员认证审核人员名册：写入 reviewers.toml.sig（配合 GOVPRESS_TRUST_ROOT 使用）
    CertifyRoster(certify::CertifyRosterArgs),
    /// 单位管理员认证一个文件（如发布者公钥）：写入 FILE.sig
    Certify(certify::CertifyArgs),
    /// 输出公钥（或私钥对应公钥）的 SM3 指纹，即信任根
    Fingerprint(certify::FingerprintArgs),
}

pub fn run(args: ReviewArgs, globals: Globals) -> anyhow::Result<u8> {
    match args.command {
        ReviewCommand::Sign(args) => sign::run(args, globals),
        ReviewCommand::Status(args) => report::status(args, globals),
        ReviewCommand::Verify(args) => report::verify(args, globals),
        ReviewCommand::Export(args) => report::export(args, globals),
        ReviewCommand::Canonical(args) => report::canonical(args, globals),
        ReviewCommand::CertifyRoster(args) => certify::certify_roster(args, globals),
        ReviewCommand::Certify(args) => certify::certify(args, globals),
        ReviewCommand::Fingerprint(args) => certify::fingerprint(args, globals),
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

    /// `reviewers.toml.sig`: the administrator's certificate of the roster, beside it.
    pub fn roster_certificate_path(&self) -> PathBuf {
        certify::certificate_path(&self.roster_path())
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

/// Where trust comes from outside the repository: the administrator's key fingerprint and the base
/// revision whose log the current one must extend. Flags win; CI can set the environment instead.
#[derive(Debug, Clone, Default, Args)]
pub struct TrustArgs {
    /// 信任根：单位管理员公钥的 SM3 指纹（默认取环境变量 GOVPRESS_TRUST_ROOT）
    #[arg(long, value_name = "FPR")]
    pub trust_root: Option<String>,
    /// 基线：审核记录档案须延续该 git 版本（或文件）中的档案（默认取环境变量 GOVPRESS_REVIEW_BASE）
    #[arg(long, value_name = "REV|FILE")]
    pub base: Option<String>,
}

/// Environment variable naming the trust root (administrator key fingerprints).
pub const TRUST_ROOT_ENV: &str = "GOVPRESS_TRUST_ROOT";
/// Environment variable naming the base revision (or file) whose log the current log must extend.
pub const REVIEW_BASE_ENV: &str = "GOVPRESS_REVIEW_BASE";

impl TrustArgs {
    /// Only the environment: what `check` and `build` use.
    pub fn from_env() -> TrustArgs {
        TrustArgs::default().or_env()
    }

    fn or_env(self) -> TrustArgs {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        TrustArgs {
            trust_root: self.trust_root.or_else(|| env(TRUST_ROOT_ENV)),
            base: self.base.or_else(|| env(REVIEW_BASE_ENV)),
        }
    }
}

/// Everything the core reads for a site's review, read once.
pub struct ReviewTexts {
    pub roster: Option<String>,
    pub log: Option<String>,
    pub roster_certificate: Option<String>,
    pub trust_root: Option<Vec<String>>,
    pub base_log: Option<String>,
}

impl ReviewTexts {
    pub fn read(files: &ReviewFiles, trust: &TrustArgs) -> anyhow::Result<ReviewTexts> {
        let trust = trust.clone().or_env();
        let trust_root = match &trust.trust_root {
            None => None,
            Some(text) => Some(
                review::parse_trust_root(text)
                    .map_err(|reason| anyhow::anyhow!("{TRUST_ROOT_ENV}: {} / {}", reason.zh, reason.en))?,
            ),
        };
        let roster = read_optional(&files.roster_path())?;
        if roster.is_some() && trust_root.is_none() {
            tracing::warn!(
                "未指定信任根（--trust-root 或 {TRUST_ROOT_ENV}），审核人员名册 {} 按原文信任：能修改名册的人即可增加审核人（见 docs/security.md）/ no trust root: the roster is trusted as written",
                files.roster_file
            );
        }
        let base_log = match &trust.base {
            None => None,
            Some(base) => Some(anchor::base_log(files, base)?),
        };
        Ok(ReviewTexts {
            roster,
            log: read_optional(&files.log_path())?,
            roster_certificate: read_optional(&files.roster_certificate_path())?,
            trust_root,
            base_log,
        })
    }

    pub fn inputs(&self) -> ReviewInputs<'_> {
        ReviewInputs {
            roster: self.roster.as_deref(),
            log: self.log.as_deref(),
            roster_certificate: self.roster_certificate.as_deref(),
            trust_root: self.trust_root.as_deref(),
            base_log: self.base_log.as_deref(),
        }
    }
}

/// The sign-off of every page (drafts aside): the core decides, signatures are checked in parallel.
pub fn page_states(files: &ReviewFiles, pages: &[SourceFile], trust: &TrustArgs) -> anyhow::Result<SiteReview> {
    let texts = ReviewTexts::read(files, trust)?;
    let pages: Vec<(&str, &str)> =
        pages.iter().filter_map(|file| Some((file.relative.as_str(), file.text.as_ref().ok()?.as_str()))).collect();
    Ok(SiteReview::evaluate_inputs(&files.site.config.review, &texts.inputs(), &pages, |records, roster| {
        records.par_iter().map(|record| signature_holds(record, roster)).collect()
    }))
}

/// Article 13 for `govpress check` (and so `govpress build`): a diagnostic for every page not signed off.
/// The trust root and the base come from the environment (`GOVPRESS_TRUST_ROOT`, `GOVPRESS_REVIEW_BASE`).
pub fn check_reviews(site: &Site, pages: &[SourceFile]) -> anyhow::Result<Vec<Diagnostic>> {
    let files = ReviewFiles::of(Site { root: site.root.clone(), config: site.config.clone() });
    Ok(page_states(&files, pages, &TrustArgs::from_env())?.diagnostics())
}
