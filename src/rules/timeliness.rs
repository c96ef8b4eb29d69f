//! (being written)

use chrono::{DateTime, FixedOffset};

use crate::checker::PageSummary;
use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::rules::{PageContext, RuleInfo};

pub const RULES: &[RuleInfo] = &[];

pub fn check_page(_context: &PageContext<'_, '_>, _out: &mut Vec<Diagnostic>) {}

pub fn check_sections(_config: &SiteConfig, _pages: &[PageSummary], _now: DateTime<FixedOffset>) -> Vec<Diagnostic> {
    Vec::new()
}
