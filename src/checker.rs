//! The entry point of the core: a `Checker` built once from the config, then fed pages.

use chrono::{DateTime, FixedOffset};

use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::hosts::HostClassifier;
use crate::page::Page;
use crate::rules::{self, PageContext};
use crate::terms::TermMatcher;
use crate::time::Timestamp;

/// What site-level rules need to know of a page after it was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSummary {
    pub path: String,
    pub title: Option<String>,
    pub date: Option<Timestamp>,
    pub is_section_index: bool,
    pub draft: bool,
    pub freshness_days: Option<u32>,
    pub section_kind: Option<String>,
}

/// The result of checking one page.
#[derive(Debug, Clone)]
pub struct PageOutcome {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: PageSummary,
}

pub struct Checker {
    config: SiteConfig,
    hosts: HostClassifier,
    terms: TermMatcher,
}

impl Checker {
    pub fn new(config: SiteConfig) -> Checker {
        let hosts = HostClassifier::new(&config);
        let terms = TermMatcher::new(&config.site_terms, &config.terms.disable);
        Checker { config, hosts, terms }
    }

    pub fn config(&self) -> &SiteConfig {
        &self.config
    }

    pub fn hosts(&self) -> &HostClassifier {
        &self.hosts
    }

    /// The terms in force (SPEC §12): built-in and the site's, less the disabled ones.
    pub fn terms(&self) -> &TermMatcher {
        &self.terms
    }

    /// Articles 5, 8 and 9 on the config itself; `config_file` names it in diagnostics.
    pub fn check_config(&self, config_file: &str) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        rules::domain::check(&self.config, &self.hosts, &mut diagnostics);
        rules::identity::check(&self.config, &mut diagnostics);
        let diagnostics = diagnostics.into_iter().map(|diagnostic| diagnostic.in_file(config_file)).collect();
        self.apply_overrides(diagnostics)
    }

    /// Parses and checks one page.
    pub fn check_page(&self, path: &str, source: &str, now: DateTime<FixedOffset>) -> PageOutcome {
        let (page, mut diagnostics) = Page::parse(path, source);
        diagnostics.extend(self.check_parsed(&page, now));
        PageOutcome { diagnostics: self.apply_overrides(diagnostics), summary: summarise(&page) }
    }

    /// `check_page` for the browser's first module, which links neither lol_html nor regex: `None` when the
    /// page needs the full checker — raw HTML in the body, or text one of the regex rules could match
    /// (`rules::regex_rules_may_fire`). Otherwise exactly `check_page`'s outcome.
    pub fn check_markdown_draft(&self, path: &str, source: &str, now: DateTime<FixedOffset>) -> Option<PageOutcome> {
        let (page, mut diagnostics) = Page::parse_markdown_only(path, source)?;
        let context = PageContext { page: &page, config: &self.config, hosts: &self.hosts, terms: &self.terms, now };
        if rules::regex_rules_may_fire(&context) {
            return None;
        }
        for rule in rules::MARKDOWN_DRAFT_RULES {
            rule(&context, &mut diagnostics);
        }
        Some(PageOutcome { diagnostics: self.apply_overrides(diagnostics), summary: summarise(&page) })
    }

    /// Runs the page rules on an already parsed page (the build parses once for rendering too).
    /// Severity overrides are not applied here; `check_page` and the build apply them.
    pub fn check_parsed(&self, page: &Page<'_>, now: DateTime<FixedOffset>) -> Vec<Diagnostic> {
        let context = PageContext { page, config: &self.config, hosts: &self.hosts, terms: &self.terms, now };
        let mut diagnostics = Vec::new();
        for rule in rules::PAGE_RULES {
            rule(&context, &mut diagnostics);
        }
        diagnostics
    }

    /// `[checks.severity]`: change a rule's severity or turn it off.
    pub fn apply_overrides(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let overrides = &self.config.checks.severity;
        if overrides.is_empty() {
            return diagnostics;
        }
        diagnostics
            .into_iter()
            .filter_map(|mut diagnostic| match overrides.get(diagnostic.rule) {
                None => Some(diagnostic),
                Some(setting) => setting.severity().map(|severity| {
                    diagnostic.severity = severity;
                    diagnostic
                }),
            })
            .collect()
    }
}

fn summarise(page: &Page<'_>) -> PageSummary {
    let front_matter = &page.front_matter;
    PageSummary {
        path: page.path.to_string(),
        title: front_matter.title.clone(),
        date: front_matter.date(),
        is_section_index: page.is_section_index(),
        draft: front_matter.draft,
        freshness_days: front_matter.freshness_days,
        section_kind: front_matter.section_kind.clone(),
    }
}
