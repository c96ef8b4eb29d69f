//! A whole site's sign-off from the texts of its roster, its log and its pages: what `govpress check`
//! reports for article 13, and what any other host (the browser, given the files) can report the same way.

use super::log::{signature_holds, Broken, ReviewLog};
use super::record::Record;
use super::roster::Roster;
use super::site::{log_diagnostic, page_diagnostic, roster_diagnostic, PageFacts};
use super::state::PageState;
use crate::config::ReviewSection;
use crate::diagnostic::{Diagnostic, Text};

/// One page's sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageReview {
    pub path: String,
    pub author: Option<String>,
    pub state: PageState,
}

/// Every page's sign-off (drafts aside), with roster and log problems at their file and line.
#[derive(Debug, Clone)]
pub struct SiteReview {
    pub pages: Vec<PageReview>,
    pub problems: Vec<Diagnostic>,
    pub roster: Option<Roster>,
    pub stages: Vec<String>,
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

    /// Like `evaluate`, with the signature checks (one bool per record) left to the caller, who may
    /// spread them over threads. Each signature is checked once.
    pub fn evaluate_with(
        review: &ReviewSection,
        roster: Option<&str>,
        log: Option<&str>,
        pages: &[(&str, &str)],
        check_signatures: impl FnOnce(&[Record], &Roster) -> Vec<bool>,
    ) -> SiteReview {
        let stages = review.stages.clone();
        let roster = match roster.map(|text| Roster::parse(text, &stages)) {
            None => None,
            Some(Ok(roster)) => Some(roster),
            Some(Err(error)) => {
                let reason = Text::new(
                    format!("审核人员名册 {} 无效", review.roster),
                    format!("the roster {} is invalid", review.roster),
                );
                let problems = vec![roster_diagnostic(&review.roster, &error)];
                return SiteReview { pages: all_invalid(pages, &reason), problems, roster: None, stages };
            }
        };
        let empty = Roster::default();
        let roster_ref = roster.as_ref().unwrap_or(&empty);
        let parsed = ReviewLog::parse(log.unwrap_or_default());
        let verified = match &parsed {
            Ok(log) => log.verify_with(roster_ref, |records| check_signatures(records, roster_ref)),
            Err(broken) => Err(broken.clone()),
        };
        let verified = match verified {
            Ok(verified) => verified,
            Err(broken) => return SiteReview::broken(review, pages, roster, stages, &broken),
        };
        let pages = pages
            .iter()
            .filter_map(|(path, text)| {
                let facts = PageFacts::read(text);
                (!facts.draft).then(|| {
                    let state = verified.state(roster_ref, &stages, path, text.as_bytes(), facts.author.as_deref());
                    PageReview { path: path.to_string(), author: facts.author, state }
                })
            })
            .collect();
        SiteReview { pages, problems: Vec::new(), roster, stages }
    }

    fn broken(
        review: &ReviewSection,
        pages: &[(&str, &str)],
        roster: Option<Roster>,
        stages: Vec<String>,
        broken: &Broken,
    ) -> SiteReview {
        let reason = Text::new(
            format!("审核记录档案 {} 第 {} 行校验失败", review.log, broken.line),
            format!("the review archive {} fails at line {}", review.log, broken.line),
        );
        SiteReview {
            pages: all_invalid(pages, &reason),
            problems: vec![log_diagnostic(&review.log, broken)],
            roster,
            stages,
        }
    }

    /// Article 13 diagnostics: roster and log problems, then one for every page not signed off.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut diagnostics = self.problems.clone();
        diagnostics.extend(self.pages.iter().filter_map(|page| {
            page_diagnostic(&page.path, &page.state, self.roster.as_ref(), &self.stages, page.author.as_deref())
        }));
        diagnostics
    }

    pub fn signed_off(&self) -> usize {
        self.pages.iter().filter(|page| page.state.is_signed_off()).count()
    }
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
