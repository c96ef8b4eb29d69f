//! WebAssembly facade over the govpress core: the browser checker's API (SPEC §7).
//!
//! No rules live here. A `Checker` is built once from the site's optional `govpress.toml`
//! (like ruff's `Workspace`) and then checks drafts with exactly the rules `govpress check` applies.
//! The free function `check` builds a one-shot checker for callers that need no state.
//!
//! This is the page's checking module, loaded first; it is built without the core's `render`
//! feature. The preview (rendering, sanitising, rewriting) is the second module, `wasm-preview/`.

use chrono::{DateTime, FixedOffset};
#[cfg(feature = "review")]
use std::cell::RefCell;

#[cfg(feature = "review")]
use govpress::review::SignatureMemo;
#[cfg(feature = "check")]
use govpress::site::{check_site_without_review, SourceText};
#[cfg(feature = "check")]
use govpress::Report;
use govpress::{ConfigError, Lang, SiteConfig, TermsError};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod shared;
#[cfg(feature = "check")]
use shared::clock_now;
use shared::parse_lang;

/// The name config errors point at: the page loads the site's `govpress.toml`.
const CONFIG_FILE: &str = "govpress.toml";
/// Remembered signature checks before the memo starts over (a few MB; an archive of 5,000 records uses 5,000).
#[cfg(feature = "review")]
const MEMO_LIMIT: usize = 100_000;
/// The site's terms (SPEC §12), beside the config.
const TERMS_FILE: &str = "terms.toml";

/// A config or terms file that does not load, and which one.
struct FileError {
    file: &'static str,
    error: ConfigError,
}

/// A checker built once per config, reused for every keystroke.
#[wasm_bindgen]
pub struct Checker {
    core: Result<govpress::Checker, FileError>,
    lang: Lang,
    now: Option<DateTime<FixedOffset>>,
    /// SM2 checks already made by `reviewVerify` / `reviewStatus`: the audit checks every record, and the
    /// status after it (and after each edit of a page) asks about the same records again.
    #[cfg(feature = "review")]
    signatures: RefCell<SignatureMemo>,
}

#[wasm_bindgen]
impl Checker {
    /// `config_toml`: the site's `govpress.toml` (default config when absent); `lang`: `zh` (default) or `en`;
    /// `terms_toml`: the site's `terms.toml` (SPEC §12), when it has one.
    /// An invalid config does not throw: `configError()` and every `check` return it as JSON.
    #[wasm_bindgen(constructor)]
    pub fn new(config_toml: Option<String>, lang: Option<String>, terms_toml: Option<String>) -> Checker {
        let config = match config_toml.as_deref() {
            Some(text) if !text.trim().is_empty() => SiteConfig::parse(text),
            _ => Ok(SiteConfig::default()),
        };
        let config = config.map_err(|error| FileError { file: CONFIG_FILE, error }).and_then(|mut config| {
            let terms = terms_toml.as_deref().filter(|text| !text.trim().is_empty());
            match config.attach_terms(terms) {
                Ok(()) => Ok(config),
                Err(TermsError::TermsFile(error)) => Err(FileError { file: TERMS_FILE, error }),
                Err(TermsError::Config(error)) => Err(FileError { file: CONFIG_FILE, error }),
            }
        });
        Checker {
            core: config.map(govpress::Checker::new),
            lang: parse_lang(lang.as_deref()),
            now: None,
            #[cfg(feature = "review")]
            signatures: RefCell::default(),
        }
    }

    /// The config error as JSON (`{"version":1,"error":{…}}`), or `undefined` when the config is fine.
    #[wasm_bindgen(js_name = configError)]
    pub fn config_error(&self) -> Option<String> {
        self.core.as_ref().err().map(|error| config_error_json(error, self.lang))
    }

    /// The UI language of messages and help: `zh` or `en`.
    #[wasm_bindgen(js_name = setLang)]
    pub fn set_lang(&mut self, lang: &str) {
        self.lang = parse_lang(Some(lang));
    }

    /// Fixes "now" (RFC 3339) for reproducible results, as `govpress check --now` does; `undefined` uses the clock.
    #[wasm_bindgen(js_name = setNow)]
    pub fn set_now(&mut self, rfc3339: Option<String>) -> Result<(), JsError> {
        self.now = shared::parse_now(rfc3339)?;
        Ok(())
    }

    /// The SPEC §6 JSON report for one Markdown draft, as `govpress check --format json FILE` prints it.
    #[cfg(feature = "check")]
    pub fn check(&self, source: &str, path: &str) -> String {
        self.report_json(Ok(source), path)
    }

    /// Like `check`, for a file's raw bytes: a non-UTF-8 file gets the CLI's encoding diagnostic.
    #[cfg(feature = "check")]
    #[wasm_bindgen(js_name = checkBytes)]
    pub fn check_bytes(&self, bytes: Vec<u8>, path: &str) -> String {
        let text = govpress::files::decode(path, bytes);
        self.report_json(text.as_deref().map_err(Clone::clone), path)
    }

    /// A whole site held in memory (a dropped folder), as `govpress check DIR` reports it: the config,
    /// every page (`paths[i]` relative to the site root, `files[i]` its bytes), then the sections.
    #[cfg(feature = "check")]
    #[wasm_bindgen(js_name = checkSite)]
    pub fn check_site(&self, paths: Vec<String>, files: Vec<JsValue>) -> String {
        let files: Vec<(String, Vec<u8>)> =
            paths.into_iter().zip(files.iter().map(|bytes| js_sys::Uint8Array::new(bytes).to_vec())).collect();
        self.site_report_json(&files)
    }

    /// The config's own findings (articles 5, 8 and 9 on `govpress.toml`), as SPEC §6 JSON: the part
    /// `govpress check` reports for a site's config before its pages.
    #[cfg(feature = "check")]
    #[wasm_bindgen(js_name = checkConfig)]
    pub fn check_config(&self) -> String {
        match &self.core {
            Ok(core) => Report::new(0, core.check_config(CONFIG_FILE)).to_json(self.lang),
            Err(error) => config_error_json(error, self.lang),
        }
    }

    /// The files the review (第十三条) reads, relative to the site root: `[review].roster`, `[review].log`
    /// and the roster's certificate (`reviewers.toml.sig`), as `govpress review` reads them.
    #[wasm_bindgen(js_name = reviewFiles)]
    pub fn review_files(&self) -> Vec<String> {
        let review = self.review_section();
        vec![review.roster.clone(), review.log.clone(), govpress::review::certificate_file(&review.roster)]
    }

    /// `govpress review status --format json` for a site in memory: `paths`/`files` as for `checkSite`
    /// (the pages are the `.md` files under `content/`), then the texts of the roster, the log and the
    /// roster's certificate (`undefined` when missing), the trust root (fingerprints, as
    /// `GOVPRESS_TRUST_ROOT`) and the base log (as `--base FILE`), both optional.
    #[cfg(feature = "review")]
    #[wasm_bindgen(js_name = reviewStatus)]
    #[allow(clippy::too_many_arguments)]
    pub fn review_status(
        &self,
        paths: Vec<String>,
        files: Vec<JsValue>,
        roster: Option<String>,
        log: Option<String>,
        certificate: Option<String>,
        trust_root: Option<String>,
        base_log: Option<String>,
    ) -> String {
        let texts = ReviewTexts { roster, log, certificate, trust_root, base_log };
        let files: Vec<(String, Vec<u8>)> =
            paths.into_iter().zip(files.iter().map(|bytes| js_sys::Uint8Array::new(bytes).to_vec())).collect();
        self.review_status_json(&files, &texts)
    }

    /// `govpress review verify --format json`: the full audit of the roster and every record of the log
    /// (chain and SM2 signature), with the same optional trust root and base as `reviewStatus`.
    #[cfg(feature = "review")]
    #[wasm_bindgen(js_name = reviewVerify)]
    pub fn review_verify(
        &self,
        roster: Option<String>,
        log: Option<String>,
        certificate: Option<String>,
        trust_root: Option<String>,
        base_log: Option<String>,
    ) -> String {
        self.review_verify_json(&ReviewTexts { roster, log, certificate, trust_root, base_log })
    }

    /// Takes a worker's `SignatureChecker.check` answers into this checker's memo; returns how many. Each answers
    /// only for the exact key, signature and bytes it was computed for, so `reviewVerify` and
    /// `reviewStatus` still verify every record the answers do not cover exactly (docs/checker.md).
    #[cfg(feature = "review")]
    #[wasm_bindgen(js_name = reviewSeed)]
    pub fn review_seed(&self, answers: &str) -> usize {
        let Ok(answers) = serde_json::from_str::<WorkerAnswers>(answers) else { return 0 };
        let checked = answers.into_checked();
        let count = checked.len();
        let mut memo = self.signatures.borrow_mut();
        if memo.len() + count > MEMO_LIMIT {
            memo.clear();
        }
        memo.seed(checked);
        count
    }
}

impl Checker {
    #[cfg(feature = "check")]
    fn now(&self) -> DateTime<FixedOffset> {
        self.now.unwrap_or_else(clock_now)
    }

    #[cfg(feature = "check")]
    fn site_report_json(&self, files: &[(String, Vec<u8>)]) -> String {
        let core = match &self.core {
            Ok(core) => core,
            Err(error) => return config_error_json(error, self.lang),
        };
        // Files under `static/` are published as they are: links may lead to them, no rule reads them.
        let (statics, pages): (Vec<_>, Vec<_>) = files.iter().partition(|(path, _)| path.starts_with("static/"));
        let other_files: Vec<&str> = statics.iter().filter_map(|(path, _)| path.strip_prefix("static/")).collect();
        let decoded: Vec<(&str, Result<String, govpress::Diagnostic>)> =
            pages.iter().map(|(path, bytes)| (path.as_str(), govpress::files::decode(path, bytes.clone()))).collect();
        let sources: Vec<SourceText<'_>> =
            decoded.iter().map(|(path, text)| SourceText { path, text: text.as_ref().map(String::as_str) }).collect();
        // The sign-off needs the roster and the log, which the page does not load: not checked here.
        let diagnostics = check_site_without_review(core, CONFIG_FILE, &sources, &other_files, self.now());
        Report::new(pages.len(), diagnostics).to_json(self.lang)
    }

    fn review_section(&self) -> &govpress::config::ReviewSection {
        static DEFAULT: std::sync::OnceLock<govpress::config::ReviewSection> = std::sync::OnceLock::new();
        match &self.core {
            Ok(core) => &core.config().review,
            Err(_) => DEFAULT.get_or_init(Default::default),
        }
    }

    #[cfg(feature = "review")]
    fn review_status_json(&self, files: &[(String, Vec<u8>)], texts: &ReviewTexts) -> String {
        if let Err(error) = &self.core {
            return config_error_json(error, self.lang);
        }
        let trust_root = match texts.trust_root() {
            Ok(roots) => roots,
            Err(reason) => return trust_root_error_json(&reason, self.lang),
        };
        // The pages as `govpress review status` walks them: `.md` under `content/`, in directory order;
        // a file that is not UTF-8 is not a page it can read.
        let mut pages: Vec<(&str, String)> = files
            .iter()
            .filter(|(path, _)| path.starts_with("content/") && path.ends_with(".md"))
            .filter_map(|(path, bytes)| Some((path.as_str(), govpress::files::decode(path, bytes.clone()).ok()?)))
            .collect();
        pages.sort_by(|(left, _), (right, _)| left.split('/').cmp(right.split('/')));
        let pages: Vec<(&str, &str)> = pages.iter().map(|(path, text)| (*path, text.as_str())).collect();
        let review = govpress::review::SiteReview::evaluate_inputs(
            self.review_section(),
            &texts.inputs(trust_root.as_deref()),
            &pages,
            |records, roster| self.check_signatures(records, roster),
        );
        serde_json::to_string_pretty(&review.status_report(self.lang)).unwrap_or_default()
    }

    #[cfg(feature = "review")]
    fn review_verify_json(&self, texts: &ReviewTexts) -> String {
        if let Err(error) = &self.core {
            return config_error_json(error, self.lang);
        }
        let trust_root = match texts.trust_root() {
            Ok(roots) => roots,
            Err(reason) => return trust_root_error_json(&reason, self.lang),
        };
        let report = govpress::review::audit(
            self.review_section(),
            &texts.inputs(trust_root.as_deref()),
            self.lang,
            |records, roster| self.check_signatures(records, roster),
        );
        serde_json::to_string_pretty(&report).unwrap_or_default()
    }

    /// Each record's SM2 signature, each one computed once per checker (see `SignatureMemo`).
    #[cfg(feature = "review")]
    fn check_signatures(&self, records: &[govpress::review::Record], roster: &govpress::review::Roster) -> Vec<bool> {
        let mut memo = self.signatures.borrow_mut();
        // Results of archives no longer open would only take memory: start over past a generous bound.
        if memo.len() > MEMO_LIMIT {
            memo.clear();
        }
        memo.check(records, roster)
    }

    #[cfg(feature = "check")]
    fn report_json(&self, text: Result<&str, govpress::Diagnostic>, path: &str) -> String {
        let core = match &self.core {
            Ok(core) => core,
            Err(error) => return config_error_json(error, self.lang),
        };
        let diagnostics = match text {
            Ok(source) => core.check_page(path, source, self.now()).diagnostics,
            Err(diagnostic) => core.apply_overrides(vec![diagnostic]),
        };
        Report::new(1, diagnostics).to_json(self.lang)
    }
}

/// SPEC §7 `check(source, path, config_toml?)`, plus an optional `lang`.
#[cfg(feature = "check")]
#[wasm_bindgen]
pub fn check(source: &str, path: &str, config_toml: Option<String>, lang: Option<String>) -> String {
    Checker::new(config_toml, lang, None).check(source, path)
}

/// How the page names an article: `第十四条` in Chinese, `Article 14` in English.
#[wasm_bindgen(js_name = articleName)]
pub fn article_name(article: u8, lang: Option<String>) -> String {
    shared::article_name(article, lang)
}

/// What the page read for a site's review (texts `None` when the file is missing), and the trust it was given.
#[cfg(feature = "review")]
struct ReviewTexts {
    roster: Option<String>,
    log: Option<String>,
    certificate: Option<String>,
    trust_root: Option<String>,
    base_log: Option<String>,
}

#[cfg(feature = "review")]
impl ReviewTexts {
    /// The trust root's fingerprints; an empty field is no trust root.
    fn trust_root(&self) -> Result<Option<Vec<String>>, govpress::Text> {
        match self.trust_root.as_deref().filter(|text| !text.trim().is_empty()) {
            None => Ok(None),
            Some(text) => govpress::review::parse_trust_root(text).map(Some),
        }
    }

    fn inputs<'a>(&'a self, trust_root: Option<&'a [String]>) -> govpress::review::ReviewInputs<'a> {
        govpress::review::ReviewInputs {
            roster: self.roster.as_deref(),
            log: self.log.as_deref(),
            roster_certificate: self.certificate.as_deref(),
            trust_root,
            base_log: self.base_log.as_deref(),
        }
    }
}

/// A Web Worker's part of the reviewers' view (`www/review-worker.js`): the SM2 signature of each record
/// among shares of the log, against the roster's keys, as JSON for a `Checker`'s `reviewSeed`. It judges
/// nothing else (chain, order, entitlement and verdict stay with `reviewVerify`). Built from the config's
/// `[review]` section alone — none of what a `Checker` builds for checking pages (the public suffix list,
/// the terms), which took a fresh worker 0.1–0.4 s — and it keeps the parsed roster, with its keys'
/// precomputed tables, from one share to the next.
#[cfg(feature = "review")]
#[wasm_bindgen]
pub struct SignatureChecker {
    stages: Vec<String>,
    /// The roster text last given, parsed (`None`: it does not parse, so no answers).
    roster: Option<(String, Option<govpress::review::Roster>)>,
}

#[cfg(feature = "review")]
#[wasm_bindgen]
impl SignatureChecker {
    /// `config_toml`: the site's `govpress.toml` (its `[review] stages`; the default stages when absent or
    /// invalid — a roster they do not fit gives no answers, and the page verifies everything itself).
    #[wasm_bindgen(constructor)]
    pub fn new(config_toml: Option<String>) -> SignatureChecker {
        let stages = config_toml
            .as_deref()
            .filter(|text| !text.trim().is_empty())
            .and_then(|text| SiteConfig::parse(text).ok())
            .map(|config| config.review.stages)
            .unwrap_or_else(|| govpress::config::ReviewSection::default().stages);
        SignatureChecker { stages, roster: None }
    }

    /// The signatures of the records among `lines` (any lines of the log: a worker's share) against
    /// `roster`; a roster that does not parse gives no results.
    pub fn check(&mut self, roster: &str, lines: &str) -> String {
        if self.roster.as_ref().is_none_or(|(text, _)| text != roster) {
            let parsed = govpress::review::Roster::parse(roster, &self.stages).ok();
            self.roster = Some((roster.to_string(), parsed));
        }
        let checked = match &self.roster {
            Some((_, Some(roster))) => govpress::review::check_signatures_of_lines(lines, roster),
            _ => Vec::new(),
        };
        serde_json::to_string(&WorkerAnswers::from_checked(checked)).unwrap_or_default()
    }
}

/// `CheckedSignature`s between a worker and the page: each reviewer's key once, the signed bytes as the
/// text they are (a record's canonical JSON), so the message stays small.
#[cfg(feature = "review")]
#[derive(Serialize, serde::Deserialize)]
struct WorkerAnswers {
    keys: Vec<Vec<u8>>,
    checks: Vec<WorkerCheck>,
}

#[cfg(feature = "review")]
#[derive(Serialize, serde::Deserialize)]
struct WorkerCheck {
    key: usize,
    signature: String,
    message: String,
    holds: bool,
}

#[cfg(feature = "review")]
impl WorkerAnswers {
    fn from_checked(checked: Vec<govpress::review::CheckedSignature>) -> WorkerAnswers {
        let mut answers = WorkerAnswers { keys: Vec::new(), checks: Vec::with_capacity(checked.len()) };
        for check in checked {
            // Signed bytes are UTF-8 JSON; anything else is left to the page's own verification.
            let Ok(message) = String::from_utf8(check.message) else { continue };
            let key = match answers.keys.iter().position(|key| *key == check.public_key) {
                Some(index) => index,
                None => {
                    answers.keys.push(check.public_key);
                    answers.keys.len() - 1
                }
            };
            answers.checks.push(WorkerCheck { key, signature: check.signature, message, holds: check.holds });
        }
        answers
    }

    fn into_checked(self) -> Vec<govpress::review::CheckedSignature> {
        let keys = self.keys;
        self.checks
            .into_iter()
            .filter_map(|check| {
                Some(govpress::review::CheckedSignature {
                    public_key: keys.get(check.key)?.clone(),
                    signature: check.signature,
                    message: check.message.into_bytes(),
                    holds: check.holds,
                })
            })
            .collect()
    }
}

/// A trust root that is not a list of fingerprints: `{"version":1,"error":{"kind":"trust-root",…}}`.
#[cfg(feature = "review")]
fn trust_root_error_json(reason: &govpress::Text, lang: Lang) -> String {
    let report = ErrorReport {
        version: 1,
        error: ErrorBody {
            kind: "trust-root",
            file: "",
            line: 0,
            column: 0,
            message: reason.get(lang).to_string(),
            detail: reason.get(lang),
        },
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

#[derive(Serialize)]
struct ErrorReport<'a> {
    version: u32,
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: &'static str,
    file: &'static str,
    line: usize,
    column: usize,
    message: String,
    detail: &'a str,
}

/// A config that does not parse, as JSON the page shows instead of diagnostics.
fn config_error_json(file_error: &FileError, lang: Lang) -> String {
    let FileError { file, error } = file_error;
    let file = *file;
    let message = match lang {
        Lang::Zh => {
            format!(
                "{file} 第 {} 行第 {} 列：配置错误：{}",
                error.position.line, error.position.column, error.message.zh
            )
        }
        Lang::En => {
            format!("{file}:{}:{}: config error: {}", error.position.line, error.position.column, error.message.en)
        }
    };
    let report = ErrorReport {
        version: 1,
        error: ErrorBody {
            kind: "config",
            file,
            line: error.position.line,
            column: error.position.column,
            message,
            detail: error.message.get(lang),
        },
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

// The native tests cover both modules: the default features are `check` and `review`.
#[cfg(all(test, feature = "check", feature = "review"))]
mod tests {
    use super::*;

    fn fixed(checker: &mut Checker) {
        checker.now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").ok();
    }

    #[test]
    fn terms_toml_is_applied_and_its_errors_name_it() {
        let mut checker = Checker::new(None, None, Some("[[term]]\nwrong = \"青兰市\"\nright = \"青岚市\"\n".into()));
        fixed(&mut checker);
        let report = checker.check("+++\ntitle = \"t\"\ndate = 2024-05-15\n+++\n青兰市布署工作。\n", "a.md");
        assert_eq!(report.matches("\"terms.wording\"").count(), 2, "{report}");
        let broken = Checker::new(None, None, Some("[[term]]\nwrong = \"a\"\n".into()));
        let error = broken.config_error().unwrap();
        assert!(error.contains("\"file\": \"terms.toml\"") && error.contains("\"line\": 1"), "{error}");
    }

    #[test]
    fn check_reports_the_spec_json_for_one_file() {
        let mut checker = Checker::new(None, None, None);
        fixed(&mut checker);
        let source = "+++\ntitle = \"t\"\ndate = 2024-05-15\n+++\n[x](javascript:alert(1))\n";
        let report: serde_json::Value = serde_json::from_str(&checker.check(source, "content/a.md")).unwrap();
        assert_eq!(report["version"], 1);
        assert_eq!(report["files_checked"], 1);
        let diagnostics = report["diagnostics"].as_array().unwrap();
        assert!(diagnostics.iter().any(|d| d["article"] == 15 && d["line"] == 5 && d["file"] == "content/a.md"));
    }

    #[test]
    fn config_errors_become_json_not_panics() {
        let mut checker = Checker::new(Some("[site]\norg_kind = \"company\"\n".into()), Some("en".into()), None);
        fixed(&mut checker);
        let error: serde_json::Value = serde_json::from_str(&checker.config_error().unwrap()).unwrap();
        assert_eq!(error["error"]["line"], 2);
        assert_eq!(error["error"]["file"], "govpress.toml");
        assert_eq!(checker.check("x", "a.md"), checker.config_error().unwrap());
        assert!(Checker::new(Some("   ".into()), None, None).config_error().is_none());
    }

    #[test]
    fn bytes_that_are_not_utf8_get_the_encoding_diagnostic() {
        let mut checker = Checker::new(None, None, None);
        fixed(&mut checker);
        let report: serde_json::Value =
            serde_json::from_str(&checker.check_bytes(b"ab\xffcd".to_vec(), "a.md")).unwrap();
        assert_eq!(report["diagnostics"][0]["rule"], "file.encoding");
        assert_eq!(report["diagnostics"][0]["column"], 3);
    }

    #[test]
    fn config_findings_point_into_govpress_toml() {
        let checker = Checker::new(Some("[site]\nbase_url = \"https://www.example.com\"\n".into()), None, None);
        let report: serde_json::Value = serde_json::from_str(&checker.check_config()).unwrap();
        let diagnostics = report["diagnostics"].as_array().unwrap();
        assert!(diagnostics.iter().all(|d| d["file"] == "govpress.toml"));
        assert!(diagnostics.iter().any(|d| d["article"] == 5 && d["line"] == 2), "{report}");
        assert!(diagnostics.iter().any(|d| d["article"] == 8), "{report}");
    }

    #[test]
    fn a_site_in_memory_reports_config_pages_and_sections() {
        let mut checker = Checker::new(
            Some("[site]\nname = \"示例\"\nbase_url = \"https://www.example.gov.cn\"\n".into()),
            None,
            None,
        );
        fixed(&mut checker);
        let files = vec![
            ("content/_index.md".to_string(), b"+++\ntitle = \"home\"\n+++\n".to_vec()),
            ("content/news/_index.md".to_string(), b"+++\ntitle = \"news\"\n+++\n".to_vec()),
            (
                "content/a.md".to_string(),
                b"+++\ntitle = \"a\"\ndate = 2024-05-15\n+++\n[x](javascript:alert(1))\n".to_vec(),
            ),
        ];
        let report: serde_json::Value = serde_json::from_str(&checker.site_report_json(&files)).unwrap();
        assert_eq!(report["files_checked"], 3);
        let diagnostics = report["diagnostics"].as_array().unwrap();
        let files_named = |file: &str| diagnostics.iter().filter(|d| d["file"] == file).count();
        assert!(files_named("govpress.toml") > 0, "identity keys are missing: {report}");
        assert_eq!(files_named("content/a.md"), 1, "{report}");
        assert!(
            diagnostics.iter().any(|d| d["article"] == 13 && d["file"] != "content/a.md"),
            "blank section: {report}"
        );
    }

    /// The demo portal's files as the page reads a dropped folder.
    fn portal() -> (Checker, Vec<(String, Vec<u8>)>, ReviewTexts) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/portal");
        let read = |path: &str| std::fs::read_to_string(root.join(path)).ok();
        let mut files = Vec::new();
        let mut directories = vec![root.join("content")];
        while let Some(directory) = directories.pop() {
            for entry in std::fs::read_dir(directory).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    directories.push(path);
                } else {
                    let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                    files.push((relative, std::fs::read(&path).unwrap()));
                }
            }
        }
        let checker = Checker::new(read("govpress.toml"), None, read("terms.toml"));
        let texts = ReviewTexts {
            roster: read("reviewers.toml"),
            log: read("reviews/log.jsonl"),
            certificate: None,
            trust_root: None,
            base_log: None,
        };
        (checker, files, texts)
    }

    #[test]
    fn the_demo_portal_is_signed_off_and_its_archive_holds() {
        let (checker, files, texts) = portal();
        let status: serde_json::Value = serde_json::from_str(&checker.review_status_json(&files, &texts)).unwrap();
        assert!(status["total"].as_u64().unwrap() > 10, "{status}");
        assert_eq!(status["signed_off"], status["total"], "{status}");
        let paths: Vec<&str> =
            status["pages"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
        let mut sorted = paths.clone();
        sorted.sort_by(|left, right| left.split('/').cmp(right.split('/')));
        assert_eq!(paths, sorted, "directory order, as the CLI walks content/");
        let verify: serde_json::Value = serde_json::from_str(&checker.review_verify_json(&texts)).unwrap();
        assert_eq!((verify["verified"].as_bool(), verify["kind"].as_str()), (Some(true), Some("ok")), "{verify}");
        assert_eq!(checker.review_files()[2], "reviewers.toml.sig");
    }

    #[test]
    fn a_tampered_line_fails_the_audit_and_every_page_there_and_a_bad_trust_root_is_an_error() {
        let (checker, files, mut texts) = portal();
        let log = texts.log.take().unwrap();
        texts.log = Some(log.replacen("\"decision\":\"approve\"", "\"decision\":\"reject\"", 1));
        let verify: serde_json::Value = serde_json::from_str(&checker.review_verify_json(&texts)).unwrap();
        assert_eq!((verify["kind"].as_str(), verify["line"].as_u64()), (Some("log-invalid"), Some(1)), "{verify}");
        let status: serde_json::Value = serde_json::from_str(&checker.review_status_json(&files, &texts)).unwrap();
        assert!(status["pages"].as_array().unwrap().iter().all(|page| page["state"] == "invalid"), "{status}");
        assert_eq!(status["problems"][0]["line"], 1);
        texts.trust_root = Some("not-a-fingerprint".into());
        let error: serde_json::Value = serde_json::from_str(&checker.review_verify_json(&texts)).unwrap();
        assert_eq!(error["error"]["kind"], "trust-root");
    }

    #[test]
    fn workers_answers_seed_the_memo_and_change_no_verdict() {
        let (checker, files, texts) = portal();
        let (roster, log) = (texts.roster.clone().unwrap(), texts.log.clone().unwrap());
        let lines: Vec<&str> = log.lines().collect();
        let half = lines.len() / 2;
        // Two workers, each with its own checker, as the page runs them.
        let shares = [lines[..half].join("\n"), lines[half..].join("\n")];
        let config =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/portal/govpress.toml")).unwrap();
        let answers: Vec<String> =
            shares.iter().map(|share| SignatureChecker::new(Some(config.clone())).check(&roster, share)).collect();
        let seeded = portal().0;
        let taken: usize = answers.iter().map(|answer| seeded.review_seed(answer)).sum();
        assert_eq!(taken, lines.len());
        assert_eq!(seeded.signatures.borrow().len(), lines.len());
        assert_eq!(seeded.review_verify_json(&texts), checker.review_verify_json(&texts));
        assert_eq!(seeded.review_status_json(&files, &texts), checker.review_status_json(&files, &texts));
        assert_eq!(seeded.signatures.borrow().len(), lines.len(), "nothing verified again");
        // A tampered line is not covered by the answers for the intact archive: it fails as without them.
        let mut tampered = texts;
        tampered.log = Some(log.replacen("\"comment\":\"", "\"comment\":\"（改）", 1));
        let verify = seeded.review_verify_json(&tampered);
        assert_eq!(verify, checker.review_verify_json(&tampered));
        assert!(verify.contains("\"kind\": \"log-invalid\""), "{verify}");
        assert_eq!(seeded.review_seed("not json"), 0);
        let mut worker = SignatureChecker::new(Some(config));
        assert_eq!(worker.check("not a roster", &log), r#"{"keys":[],"checks":[]}"#);
        // One worker, shares one after another: the roster is parsed once, the answers are the same.
        let sorted = |answers: &[String]| {
            let mut checks: Vec<String> = answers
                .iter()
                .flat_map(|answer| {
                    let answer: WorkerAnswers = serde_json::from_str(answer).unwrap();
                    answer.into_checked().into_iter().map(|check| format!("{check:?}"))
                })
                .collect();
            checks.sort();
            checks
        };
        let again: Vec<String> = shares.iter().map(|share| worker.check(&roster, share)).collect();
        assert_eq!(sorted(&again), sorted(&answers));
        assert_eq!(sorted(&again).len(), lines.len());
    }

    #[test]
    fn lang_switches_messages() {
        let mut checker = Checker::new(None, Some("en".into()), None);
        fixed(&mut checker);
        let english = checker.check("[x](javascript:alert(1))\n", "a.md");
        checker.set_lang("zh");
        let chinese = checker.check("[x](javascript:alert(1))\n", "a.md");
        assert_ne!(english, chinese);
        assert!(chinese.contains("第十五条") || chinese.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    }
}
