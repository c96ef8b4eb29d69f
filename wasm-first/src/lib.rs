//! The browser's first module: the page loads it before anything else and checks the draft in the editor
//! with it while the full checking module (`wasm/`) loads in the background, then hands over.
//!
//! It checks one Markdown draft with the default config, through `Checker::check_markdown_draft`: the
//! core's own rules, less what needs lol_html or regex. A draft it cannot answer for exactly — raw HTML, or
//! text one of the regex rules could match — gets `undefined`, and the page waits for the full module for
//! that draft. So it never gives a diagnostic the full core would not (www/tests/corpus.mjs runs the whole
//! corpus through it). No rules here.

use chrono::{DateTime, FixedOffset};
use govpress::{Lang, Report, SiteConfig};
use wasm_bindgen::prelude::*;

#[path = "../../wasm/src/shared.rs"]
mod shared;
use shared::{clock_now, parse_lang};

/// A checker for the default config (the page uses the full module once a `govpress.toml` is loaded).
#[wasm_bindgen]
pub struct FirstChecker {
    core: govpress::Checker,
    lang: Lang,
    now: Option<DateTime<FixedOffset>>,
}

#[wasm_bindgen]
impl FirstChecker {
    /// `lang`: `zh` (default) or `en`.
    #[wasm_bindgen(constructor)]
    pub fn new(lang: Option<String>) -> FirstChecker {
        FirstChecker {
            core: govpress::Checker::new(SiteConfig::default()),
            lang: parse_lang(lang.as_deref()),
            now: None,
        }
    }

    #[wasm_bindgen(js_name = setLang)]
    pub fn set_lang(&mut self, lang: &str) {
        self.lang = parse_lang(Some(lang));
    }

    /// Fixes "now" (RFC 3339), as the full module's `setNow`; `undefined` uses the clock.
    #[wasm_bindgen(js_name = setNow)]
    pub fn set_now(&mut self, rfc3339: Option<String>) -> Result<(), JsError> {
        self.now = shared::parse_now(rfc3339)?;
        Ok(())
    }

    /// The full module's `check(source, path)` (SPEC §6 JSON), or `undefined` when this draft needs the
    /// full module.
    pub fn check(&self, source: &str, path: &str) -> Option<String> {
        let now = self.now.unwrap_or_else(clock_now);
        let outcome = self.core.check_markdown_draft(path, source, now)?;
        Some(Report::new(1, outcome.diagnostics).to_json(self.lang))
    }
}

/// How the page names an article, as the full module's `articleName`.
#[wasm_bindgen(js_name = articleName)]
pub fn article_name(article: u8, lang: Option<String>) -> String {
    shared::article_name(article, lang)
}
