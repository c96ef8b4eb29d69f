//! (being written)

use crate::diagnostic::Diagnostic;
use crate::rules::{PageContext, RuleInfo};

pub const RULES: &[RuleInfo] = &[];

pub fn check(_context: &PageContext<'_, '_>, _out: &mut Vec<Diagnostic>) {}
