//! A site's review files (roster and log): where they are, what they hold, and the sign-off of its pages.
//! Shared by `govpress check` (article 13) and `govpress review`; the core decides.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use govpress::review::{self, crypto, log::signatures_hold, Broken, Record, ReviewLog, Roster, SiteReview};
use govpress::Diagnostic;
use rayon::prelude::*;

use crate::review_trust::{ReviewTexts, TrustArgs};
use crate::site::{self, Site, SourceFile};
use crate::user_error::bilingual;

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
        // A platform's site: the shared roster first (SPEC §10).
        let own = read_optional(&self.roster_path())?;
        let Some(text) = crate::platform::site_roster_text(self, own)? else { return Ok(None) };
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

pub fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(bilingual(
            format!("无法读取 {0}：{error} / cannot read {0}", path.display()),
            format!("cannot read {}: {error}", path.display()),
        )),
    }
}

/// Whether each record's signature holds: the records split in one batch per thread
/// (`signatures_hold`), each large enough for a key that signs many of them to earn its wide table.
/// Those tables (and the generator's) are built first, side by side, not by whichever batch needs one
/// first while the others wait on it.
fn check_in_parallel(records: &[Record], roster: &Roster) -> Vec<bool> {
    let mut signed: HashMap<&str, usize> = HashMap::new();
    for record in records {
        *signed.entry(record.reviewer.as_str()).or_default() += 1;
    }
    let many: Vec<&review::PublicKeyPem> = signed
        .iter()
        .filter(|&(_, &count)| count >= crypto::WIDE_TABLE_MIN_SIGNATURES)
        .filter_map(|(id, _)| Some(&roster.get(id)?.public_key))
        .collect();
    if !many.is_empty() {
        rayon::join(crypto::prepare_generator_table, || many.par_iter().for_each(|key| key.prepare_wide_table()));
    }
    let batch = records.len().div_ceil(rayon::current_num_threads()).max(256);
    records.par_chunks(batch).flat_map_iter(|batch| signatures_hold(batch, roster)).collect()
}

/// Verifies the log against the roster, the signatures checked in parallel (each once).
pub fn verify_log<'l>(log: &'l ReviewLog, roster: &Roster) -> Result<review::VerifiedLog<'l>, Broken> {
    log.verify_with(roster, |records| check_in_parallel(records, roster))
}

/// The sign-off of every page (drafts aside): the core decides, signatures are checked in parallel.
pub fn page_states(files: &ReviewFiles, pages: &[SourceFile], trust: &TrustArgs) -> anyhow::Result<SiteReview> {
    let texts = ReviewTexts::read(files, trust)?;
    let pages: Vec<(&str, &str)> =
        pages.iter().filter_map(|file| Some((file.relative.as_str(), file.text.as_ref().ok()?.as_str()))).collect();
    Ok(SiteReview::evaluate_inputs(&files.site.config.review, &texts.inputs(), &pages, check_in_parallel))
}

/// Article 13 for `govpress check` (and so `govpress build`): a diagnostic for every page not signed off.
/// The trust root and the base: flags, else the environment (`GOVPRESS_TRUST_ROOT`, `GOVPRESS_REVIEW_BASE`).
/// Also the head of the log the states were read from (for the build manifest), `None` when untrusted.
pub fn check_reviews(
    site: &Site,
    pages: &[SourceFile],
    trust: &TrustArgs,
) -> anyhow::Result<(Vec<Diagnostic>, Option<review::ChainTip>)> {
    let files =
        ReviewFiles::of(Site { root: site.root.clone(), config: site.config.clone(), platform: site.platform.clone() });
    let texts = ReviewTexts::read(&files, trust)?;
    let pages: Vec<(&str, &str)> =
        pages.iter().filter_map(|file| Some((file.relative.as_str(), file.text.as_ref().ok()?.as_str()))).collect();
    // The findings only: a large site's signed-off pages are not held meanwhile.
    Ok(SiteReview::findings(&files.site.config.review, &texts.inputs(), &pages, check_in_parallel))
}

/// The review kept for `serve`'s edits (`govpress::review::KeptReview`): the roster and log read and
/// checked once. `None` when they have a problem (the whole evaluation then reports it).
pub fn keep_review(site: &Site, trust: &TrustArgs) -> anyhow::Result<Option<review::KeptReview>> {
    let files =
        ReviewFiles::of(Site { root: site.root.clone(), config: site.config.clone(), platform: site.platform.clone() });
    let texts = ReviewTexts::read(&files, trust)?;
    Ok(review::KeptReview::keep(&files.site.config.review, &texts.inputs()))
}

/// One page's sign-off findings from a kept review, its deciding signatures checked in parallel.
pub fn page_review(kept: &mut review::KeptReview, path: &str, text: &str) -> Vec<Diagnostic> {
    kept.page(path, text, check_in_parallel)
}
