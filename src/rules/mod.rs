//! The rules, one module per concern. Each module owns its rule ids, articles and messages;
//! its corpus cases live in `tests/corpus/<module>/`.

use chrono::{DateTime, FixedOffset};

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::hosts::HostClassifier;
use crate::page::Page;

pub mod compatibility;
pub mod disclosure;
pub mod domain;
pub mod front_matter;
pub mod identity;
pub mod insecure;
pub mod limits;
pub mod link_health;
pub mod links;
pub mod paths;
pub mod personal_data;
pub mod reprint;
pub mod secrets;
pub mod subresources;
pub mod terms;
pub mod timeliness;

/// What a rule is, for listings and documentation.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub article: u8,
    pub severity: Severity,
    pub summary_zh: &'static str,
    pub summary_en: &'static str,
}

impl RuleInfo {
    /// A diagnostic of this rule with its default severity.
    pub fn diagnostic(&self, message: Text, help: Text) -> Diagnostic {
        Diagnostic::new(self.id, self.article, self.severity, message, help)
    }
}

/// Everything a page rule may read.
pub struct PageContext<'p, 'a> {
    pub page: &'p Page<'a>,
    pub config: &'p SiteConfig,
    pub hosts: &'p HostClassifier,
    pub terms: &'p crate::terms::TermMatcher,
    pub now: DateTime<FixedOffset>,
}

type PageRule = fn(&PageContext<'_, '_>, &mut Vec<Diagnostic>);

/// Page rules in the order they run.
pub const PAGE_RULES: &[PageRule] = &[
    reprint::check,
    disclosure::check,
    links::check,
    insecure::check,
    subresources::check,
    compatibility::check,
    secrets::check,
    personal_data::check,
    terms::check,
    timeliness::check_page,
    paths::check,
    limits::check,
];

/// `PAGE_RULES` as the browser's first module runs them, with no regex linked: the same rules in the same
/// order, less `compatibility` and `secrets`, and `terms` without its document numbers. `Checker::check_markdown_draft`
/// runs these only on a page where those three can find nothing (their `may_fire`), so the diagnostics are
/// `PAGE_RULES`' (tests/corpus.rs checks every corpus case both ways).
pub const MARKDOWN_DRAFT_RULES: &[PageRule] = &[
    reprint::check,
    disclosure::check,
    links::check,
    insecure::check,
    subresources::check,
    personal_data::check,
    terms::check_wording,
    timeliness::check_page,
    paths::check,
    limits::check,
];

/// Whether a rule that `MARKDOWN_DRAFT_RULES` leaves out (or runs in part) could find anything on the page.
pub fn regex_rules_may_fire(context: &PageContext<'_, '_>) -> bool {
    compatibility::may_fire(context) || secrets::may_fire(context) || terms::doc_numbers_may_fire(context)
}

/// Every rule govpress knows, for `govpress rules` and severity overrides.
pub fn all_rules() -> Vec<&'static RuleInfo> {
    [
        crate::files::RULES,
        front_matter::RULES,
        domain::RULES,
        identity::RULES,
        reprint::RULES,
        disclosure::RULES,
        links::RULES,
        link_health::RULES,
        insecure::RULES,
        subresources::RULES,
        compatibility::RULES,
        secrets::RULES,
        personal_data::RULES,
        terms::RULES,
        timeliness::RULES,
        crate::audit::RULES,
        paths::RULES,
        limits::RULES,
        crate::review::RULES,
        crate::site::paths::RULES,
        crate::static_files::RULES,
        crate::archive::RULES,
    ]
    .into_iter()
    .flatten()
    .collect()
}
