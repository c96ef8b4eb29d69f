//! A whole site's sign-off from the texts of its roster, its log and its pages: what `govpress check`
//! reports for article 13, and what any other host (the browser, given the files) can report the same way.

use std::collections::BTreeSet;

use super::log::{signature_holds, Broken, ReviewLog};
use super::record::{ChainTip, Record};
use super::roster::Roster;
use super::site::{
    backdating, log_diagnostic, page_diagnostic, rollback_diagnostic, roster_diagnostic, uncertified_diagnostic,
    PageFacts,
};
use super::state::PageState;
use super::trust;
use crate::config::ReviewSection;
use crate::diagnostic::{Diagnostic, Text};

/// A site's review kept between edits (`serve`): the roster and the log read, chain-checked and anchored
/// once, so that an edited page's sign-off is read again from them (its deciding signatures checked)
/// without reading the whole log again. A change to the review files processes the whole site again.
#[derive(Debug, Clone)]
pub struct KeptReview {
    review: ReviewSection,
    roster: Option<Roster>,
    log: ReviewLog,
    /// Records (0-based) whose signatures held: the log does not change while it is kept.
    verified: BTreeSet<usize>,
}

impl KeptReview {
    /// The review as [`SiteReview::evaluate_inputs`] reads it; `None` when the roster or the log has a
    /// problem (the whole evaluation reports it, and a build with it fails).
    pub fn keep(review: &ReviewSection, inputs: &ReviewInputs<'_>) -> Option<KeptReview> {
        let roster = match inputs.roster.map(|text| Roster::parse(text, &review.stages)) {
            None => None,
            Some(Ok(roster)) => Some(roster),
            Some(Err(_)) => return None,
        };
        if let (Some(roots), Some(text)) = (inputs.trust_root, inputs.roster) {
            trust::verify_certified(roots, inputs.roster_certificate, trust::ROSTER, text.as_bytes()).ok()?;
        }
        let log = ReviewLog::parse(inputs.log.unwrap_or_default()).ok()?;
        log.verify_chain(roster.as_ref().unwrap_or(&Roster::default())).ok()?;
        if let Some(base) = inputs.base_log {
            ReviewLog::parse(base).and_then(|base| log.extends(&base)).ok()?;
        }
        Some(KeptReview { review: review.clone(), roster, log, verified: BTreeSet::new() })
    }

    /// One page's article-13 findings, as [`SiteReview::diagnostics`] gives them for it (a bad signature
    /// among its deciding records makes it invalid, and is reported on the log).
    pub fn page(
        &mut self,
        path: &str,
        text: &str,
        check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
    ) -> Vec<Diagnostic> {
        let facts = PageFacts::read(text);
        if facts.draft {
            return Vec::new();
        }
        let empty = Roster::default();
        let roster = self.roster.as_ref().unwrap_or(&empty);
        let stages = &self.review.stages;
        let state = self.log.unverified().state(roster, stages, path, text.as_bytes(), facts.author.as_deref());
        let deciding: Vec<usize> = state
            .deciding_seqs()
            .into_iter()
            .filter_map(|seq| usize::try_from(seq.checked_sub(1)?).ok())
            .filter(|index| !self.verified.contains(index))
            .collect();
        let mut found = Vec::new();
        let state = match self.log.verify_signatures(&deciding, |records| check_signatures(records, roster)) {
            Ok(()) => {
                self.verified.extend(deciding);
                state
            }
            Err(broken) => {
                found.push(log_diagnostic(&self.review.log, &broken));
                PageState::Invalid { reason: broken_reason(&self.review, &broken) }
            }
        };
        found.extend(page_diagnostic(path, &state, self.roster.as_ref(), stages, facts.author.as_deref()));
        found.extend(backdating(path, &facts, &state, &self.review));
        found
    }
}

/// One page's sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageReview {
    pub path: String,
    pub author: Option<String>,
    pub state: PageState,
    /// A signed-off page dated far from its 终审 time (`timeliness.review-date`).
    /// Boxed: a site's review holds one record per page, and few pages have one.
    pub backdated: Option<Box<Diagnostic>>,
}

/// Every page's sign-off (drafts aside), with roster and log problems at their file and line.
#[derive(Debug, Clone)]
pub struct SiteReview {
    pub pages: Vec<PageReview>,
    pub problems: Vec<Diagnostic>,
    pub roster: Option<Roster>,
    pub stages: Vec<String>,
    /// The head of the verified log (record count and last hash) the states were read from: what a build
    /// manifest records so a later rollback of the log shows. `None` when the log could not be trusted.
    pub log_head: Option<ChainTip>,
}

/// What the review of a site reads besides its pages. The texts are `None` when the file is missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewInputs<'a> {
    /// `[review].roster` (`reviewers.toml`).
    pub roster: Option<&'a str>,
    /// `[review].log` (`reviews/log.jsonl`).
    pub log: Option<&'a str>,
    /// The administrator's certificate of the roster (`reviewers.toml.sig`).
    pub roster_certificate: Option<&'a str>,
    /// Fingerprints of the administrator keys CI trusts (`GOVPRESS_TRUST_ROOT`), from outside the
    /// repository. `None`: the roster is trusted as written.
    pub trust_root: Option<&'a [String]>,
    /// The log as the base revision had it (CI: the base commit's), `Some("")` when the base had none.
    /// The current log must extend it. `None`: the log's end is not anchored.
    pub base_log: Option<&'a str>,
}

impl SiteReview {
    /// `roster` and `log` are the texts of `[review].roster` and `[review].log`, `None` when missing;
    /// `pages` are (site-relative path, exact text). Signatures are checked one after another.
    pub fn evaluate(
        review: &ReviewSection,
        roster: Option<&str>,
        log: Option<&str>,
        pages: &[(&str, &str)],
    ) -> SiteReview {
        SiteReview::evaluate_with(review, roster, log, pages, |records, roster| {
            records.iter().map(|record| signature_holds(record, roster)).collect()
        })
    }

    /// Like `evaluate`, with the signature checks (one bool per record given) left to the caller, who may
    /// spread them over threads. Each signature is checked once.
    pub fn evaluate_with(
        review: &ReviewSection,
        roster: Option<&str>,
        log: Option<&str>,
        pages: &[(&str, &str)],
        check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
    ) -> SiteReview {
        let inputs = ReviewInputs { roster, log, ..ReviewInputs::default() };
        SiteReview::evaluate_inputs(review, &inputs, pages, check_signatures)
    }

    /// The whole review of a site. The log's chain (SM3) is verified record by record, but only the SM2
    /// signatures that decide the current pages' states are checked (at most pages × stages, plus the
    /// head, whose signature pins every earlier record through the chain): a build does not pay for every
    /// signature in history. `govpress review verify` still audits them all.
    pub fn evaluate_inputs(
        review: &ReviewSection,
        inputs: &ReviewInputs<'_>,
        pages: &[(&str, &str)],
        check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
    ) -> SiteReview {
        SiteReview::evaluate_kept(review, inputs, pages, check_signatures, true)
    }

    /// [`SiteReview::diagnostics`] and [`SiteReview::log_head`] of [`SiteReview::evaluate_inputs`], without
    /// holding every signed-off page's record meanwhile (`check` and `build` of a large site want only
    /// the findings).
    pub fn findings(
        review: &ReviewSection,
        inputs: &ReviewInputs<'_>,
        pages: &[(&str, &str)],
        check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
    ) -> (Vec<Diagnostic>, Option<ChainTip>) {
        let review = SiteReview::evaluate_kept(review, inputs, pages, check_signatures, false);
        (review.diagnostics(), review.log_head)
    }

    /// `evaluate_inputs`; with `all` false, a page signed off with nothing to report is left out of
    /// `pages` (its deciding signatures are still checked).
    fn evaluate_kept(
        review: &ReviewSection,
        inputs: &ReviewInputs<'_>,
        pages: &[(&str, &str)],
        check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
        all: bool,
    ) -> SiteReview {
        let stages = review.stages.clone();
        let roster = match inputs.roster.map(|text| Roster::parse(text, &stages)) {
            None => None,
            Some(Ok(roster)) => Some(roster),
            Some(Err(error)) => {
                let reason = Text::new(
                    format!("审核人员名册 {} 无效", review.roster),
                    format!("the roster {} is invalid", review.roster),
                );
                let problems = vec![roster_diagnostic(&review.roster, &error)];
                return SiteReview {
                    pages: all_invalid(pages, &reason),
                    problems,
                    roster: None,
                    stages,
                    log_head: None,
                };
            }
        };
        if let (Some(roots), Some(text)) = (inputs.trust_root, inputs.roster) {
            let certificate = inputs.roster_certificate;
            if let Err(why) = trust::verify_certified(roots, certificate, trust::ROSTER, text.as_bytes()) {
                let reason = Text::new(
                    format!("审核人员名册 {} 未经单位管理员认证", review.roster),
                    format!("the roster {} is not certified by the unit administrator", review.roster),
                );
                let problems = vec![uncertified_diagnostic(&review.roster, &why)];
                return SiteReview { pages: all_invalid(pages, &reason), problems, roster, stages, log_head: None };
            }
        }
        let empty = Roster::default();
        let roster_ref = roster.as_ref().unwrap_or(&empty);
        let log = match ReviewLog::parse(inputs.log.unwrap_or_default()) {
            Ok(log) => log,
            Err(broken) => return SiteReview::broken(review, pages, roster, stages, &broken),
        };
        if let Err(broken) = log.verify_chain(roster_ref) {
            return SiteReview::broken(review, pages, roster, stages, &broken);
        }
        if let Some(base) = inputs.base_log {
            let extends = ReviewLog::parse(base).and_then(|base| log.extends(&base));
            if let Err(broken) = extends {
                let reason = Text::new(
                    format!("审核记录档案 {} 没有延续基线档案", review.log),
                    format!("the review archive {} does not extend its base", review.log),
                );
                let problems = vec![rollback_diagnostic(&review.log, &broken)];
                return SiteReview { pages: all_invalid(pages, &reason), problems, roster, stages, log_head: None };
            }
        }
        // States are read from the chain-checked log first; they stand once their deciding signatures hold.
        let chained = log.unverified();
        let mut deciding = BTreeSet::new();
        // Sized once: a large site's review is held whole while its signatures are checked.
        let mut reviews = Vec::with_capacity(if all { pages.len() } else { 0 });
        for (path, text) in pages {
            let facts = PageFacts::read(text);
            if facts.draft {
                continue;
            }
            let state = chained.state(roster_ref, &stages, path, text.as_bytes(), facts.author.as_deref());
            deciding
                .extend(state.deciding_seqs().into_iter().filter_map(|seq| usize::try_from(seq.checked_sub(1)?).ok()));
            let backdated = backdating(path, &facts, &state, review).map(Box::new);
            if all || !state.is_signed_off() || backdated.is_some() {
                reviews.push(PageReview { path: path.to_string(), author: facts.author, state, backdated });
            }
        }
        // The chain was verified above: only the signatures are left.
        match log.verify_selected_signatures(&deciding, |records| check_signatures(records, roster_ref)) {
            Ok(_) => SiteReview { pages: reviews, problems: Vec::new(), roster, stages, log_head: Some(log.tip()) },
            Err(broken) if all => SiteReview::broken_pages(review, reviews, roster, stages, &broken),
            // The pages left out are invalid too: all of them, from the inputs.
            Err(broken) => SiteReview::broken(review, pages, roster, stages, &broken),
        }
    }

    fn broken(
        review: &ReviewSection,
        pages: &[(&str, &str)],
        roster: Option<Roster>,
        stages: Vec<String>,
        broken: &Broken,
    ) -> SiteReview {
        SiteReview {
            pages: all_invalid(pages, &broken_reason(review, broken)),
            problems: vec![log_diagnostic(&review.log, broken)],
            roster,
            stages,
            log_head: None,
        }
    }

    /// Like `broken`, for pages already read.
    fn broken_pages(
        review: &ReviewSection,
        pages: Vec<PageReview>,
        roster: Option<Roster>,
        stages: Vec<String>,
        broken: &Broken,
    ) -> SiteReview {
        let reason = broken_reason(review, broken);
        let pages = pages
            .into_iter()
            .map(|page| PageReview { state: PageState::Invalid { reason: reason.clone() }, backdated: None, ..page })
            .collect();
        SiteReview { pages, problems: vec![log_diagnostic(&review.log, broken)], roster, stages, log_head: None }
    }

    /// Article 13 diagnostics: roster and log problems, then one for every page not signed off.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut diagnostics = self.problems.clone();
        diagnostics.extend(self.pages.iter().filter_map(|page| {
            page_diagnostic(&page.path, &page.state, self.roster.as_ref(), &self.stages, page.author.as_deref())
        }));
        diagnostics.extend(self.pages.iter().filter_map(|page| page.backdated.as_deref().cloned()));
        diagnostics
    }

    pub fn signed_off(&self) -> usize {
        self.pages.iter().filter(|page| page.state.is_signed_off()).count()
    }
}

fn broken_reason(review: &ReviewSection, broken: &Broken) -> Text {
    Text::new(
        format!("审核记录档案 {} 第 {} 行校验失败", review.log, broken.line),
        format!("the review archive {} fails at line {}", review.log, broken.line),
    )
}

fn all_invalid(pages: &[(&str, &str)], reason: &Text) -> Vec<PageReview> {
    pages
        .iter()
        .filter_map(|(path, text)| {
            let facts = PageFacts::read(text);
            (!facts.draft).then(|| PageReview {
                path: path.to_string(),
                author: facts.author,
                state: PageState::Invalid { reason: reason.clone() },
                backdated: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "+++\ntitle = \"通知\"\n+++\n正文\n";
    const DRAFT: &str = "+++\ntitle = \"草稿\"\ndraft = true\n+++\n正文\n";

    #[test]
    fn without_roster_and_log_every_published_page_is_unsigned() {
        let review = SiteReview::evaluate(
            &ReviewSection::default(),
            None,
            None,
            &[("content/a.md", PAGE), ("content/d.md", DRAFT)],
        );
        let diagnostics = review.diagnostics();
        assert_eq!(diagnostics.len(), 1, "drafts need no sign-off");
        assert_eq!(
            (diagnostics[0].rule, diagnostics[0].article, diagnostics[0].file.as_str()),
            ("review.unsigned", 13, "content/a.md")
        );
    }

    #[test]
    fn a_broken_roster_or_log_is_named_at_its_line_and_invalidates_every_page() {
        let review = SiteReview::evaluate(
            &ReviewSection::default(),
            Some("[[reviewer]]\nid = 1\n"),
            None,
            &[("content/a.md", PAGE)],
        );
        let rules: Vec<_> = review.diagnostics().iter().map(|d| (d.rule, d.file.clone(), d.start.line)).collect();
        assert_eq!(
            rules,
            [("review.roster-invalid", "reviewers.toml".into(), 2), ("review.log-invalid", "content/a.md".into(), 1)]
        );

        let review = SiteReview::evaluate(&ReviewSection::default(), None, Some("{}\n"), &[("content/a.md", PAGE)]);
        let rules: Vec<_> = review.diagnostics().iter().map(|d| (d.rule, d.file.clone(), d.start.line)).collect();
        assert_eq!(
            rules,
            [("review.log-invalid", "reviews/log.jsonl".into(), 1), ("review.log-invalid", "content/a.md".into(), 1)]
        );
    }
}
