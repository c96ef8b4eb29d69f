//! Trust from outside the repository for a site's review: the administrator's key fingerprint (the
//! trust root, which certifies the roster) and the base revision whose log the current log must extend
//! (the anchor for the log's end, which a hash chain cannot give). Shared by `check` and `review`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use clap::Args;
use govpress::review::{self, ReviewInputs};

use crate::review_files::{read_optional, ReviewFiles};

/// Environment variable naming the trust root (administrator key fingerprints).
pub const TRUST_ROOT_ENV: &str = "GOVPRESS_TRUST_ROOT";
/// Environment variable naming the base revision (or file) whose log the current log must extend.
pub const REVIEW_BASE_ENV: &str = "GOVPRESS_REVIEW_BASE";

/// Flags win; CI can set the environment instead.
#[derive(Debug, Clone, Default, Args)]
pub struct TrustArgs {
    /// 信任根：单位管理员公钥的 SM3 指纹（默认取环境变量 GOVPRESS_TRUST_ROOT）
    #[arg(long, value_name = "FPR")]
    pub trust_root: Option<String>,
    /// 基线：审核记录档案须延续该 git 版本（或文件）中的档案（默认取环境变量 GOVPRESS_REVIEW_BASE）
    #[arg(long, value_name = "REV|FILE")]
    pub base: Option<String>,
}

impl TrustArgs {
    /// Only the environment: what `check` and `build` use.
    pub fn from_env() -> TrustArgs {
        TrustArgs::default().or_env()
    }

    /// The flags given, the environment for those not given.
    pub fn or_env(self) -> TrustArgs {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        TrustArgs {
            trust_root: self.trust_root.or_else(|| env(TRUST_ROOT_ENV)),
            base: self.base.or_else(|| env(REVIEW_BASE_ENV)),
        }
    }
}

/// Where the certificate of `file` lives: `FILE.sig` beside it.
pub fn certificate_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_os_string();
    name.push(".sig");
    PathBuf::from(name)
}

fn untrusted_message(roster_file: &str) -> String {
    format!(
        "未指定信任根（--trust-root 或 {TRUST_ROOT_ENV}），审核人员名册 {roster_file} 按原文信任：能修改名册的人即可增加审核人（见 docs/security.md）/ no trust root: the roster is trusted as written"
    )
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
            // `check` and `build` say it at info level: every local check would repeat it. The CI audit,
            // `review verify`, says it as a warning (`warn_untrusted`).
            tracing::info!("{}", untrusted_message(&files.roster_file));
        }
        let base_log = match &trust.base {
            None => None,
            Some(base) => Some(base_log(files, base)?),
        };
        let mut texts = ReviewTexts {
            roster,
            log: read_optional(&files.log_path())?,
            roster_certificate: read_optional(&certificate_path(&files.roster_path()))?,
            trust_root,
            base_log,
        };
        // A platform's site: the shared roster comes first (SPEC §10).
        crate::platform::apply_shared_roster(&mut texts, files)?;
        Ok(texts)
    }

    /// Warns when the roster is trusted as written (no trust root given).
    pub fn warn_untrusted(&self, files: &ReviewFiles) {
        if self.roster.is_some() && self.trust_root.is_none() {
            tracing::warn!("{}", untrusted_message(&files.roster_file));
        }
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

/// The log text of `base`: a file when one exists at that path, otherwise a git revision, read with
/// `git show REV:./<log>` from the site root. A revision without the log gives an empty base (a log
/// that did not exist yet is extended by any log).
fn base_log(files: &ReviewFiles, base: &str) -> anyhow::Result<String> {
    let as_file = Path::new(base);
    if as_file.is_file() {
        return std::fs::read_to_string(as_file)
            .with_context(|| format!("无法读取基线档案 {base} / cannot read the base"));
    }
    let root = &files.site.root;
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(root).output();
    let commit = format!("{base}^{{commit}}");
    let resolved = git(&["rev-parse", "--verify", "--quiet", &commit])
        .with_context(|| "无法运行 git / cannot run git".to_string())?;
    if !resolved.status.success() {
        bail!("基线“{base}”既不是文件，也不是 git 版本 / the base is neither a file nor a git revision");
    }
    let object = format!("{base}:./{}", files.log_file);
    let exists = git(&["cat-file", "-e", &object]).context("无法运行 git / cannot run git")?;
    if !exists.status.success() {
        tracing::debug!(%object, "the base revision has no review log: an empty base");
        return Ok(String::new());
    }
    let shown = git(&["show", &object]).context("无法运行 git / cannot run git")?;
    if !shown.status.success() {
        bail!("无法读取基线 {object}：{} / cannot read the base", String::from_utf8_lossy(&shown.stderr).trim());
    }
    String::from_utf8(shown.stdout).with_context(|| format!("基线 {object} 不是 UTF-8 / not UTF-8"))
}
