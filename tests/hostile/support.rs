//! Shared set-up: one site config, the checker, and the build's HTML pass.

use govpress::audit::{Auditor, DocumentKind, Processed};
use govpress::hosts::HostClassifier;
use govpress::leave_site::LeaveSite;
use govpress::{Checker, Diagnostic, SiteConfig};

pub const CONFIG: &str = "[site]\nname = \"示例市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\n[links]\nscript_hosts = [\"cdn.example.gov.cn\"]\n";

pub fn config() -> SiteConfig {
    SiteConfig::parse(CONFIG).expect("test config parses")
}

/// The rule ids `check` reports for one page whose body is `body`.
pub fn check_rules(body: &str) -> Vec<&'static str> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").expect("static time parses");
    let source = format!("+++\ntitle = \"测试\"\ndate = 2026-11-20\n+++\n\n{body}\n");
    let diagnostics: Vec<Diagnostic> = Checker::new(config()).check_page("content/a.md", &source, now).diagnostics;
    diagnostics.into_iter().map(|diagnostic| diagnostic.rule).collect()
}

/// The build's one pass over a file served at `site_path`.
pub fn pass(site_path: &str, html: &str, kind: DocumentKind) -> Processed {
    let config = config();
    let hosts = HostClassifier::new(&config);
    let leave = LeaveSite::new(&config, &hosts);
    let auditor = Auditor::new(&config, &leave);
    auditor.process(&format!("public{site_path}"), site_path, html, kind).expect("the pass parses the HTML")
}

pub fn rules(processed: &Processed) -> Vec<&'static str> {
    processed.audit.diagnostics.iter().map(|diagnostic| diagnostic.rule).collect()
}

/// Leave-page destinations of a processed file.
pub fn destinations(processed: &Processed) -> Vec<&str> {
    processed.targets.iter().map(|target| target.url.as_str()).collect()
}
