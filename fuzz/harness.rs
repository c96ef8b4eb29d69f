//! The fuzz targets' bodies, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and the regression
//! test that replays every kept input under `cargo test` (`tests/fuzz_regressions.rs`). Each takes any
//! bytes; the only outcomes allowed are a result or a diagnostic: a panic, a hang or a broken invariant
//! (checked below) is a finding.

#![allow(dead_code)]

use govpress::audit::{Auditor, DocumentKind};
use govpress::leave_site::LeaveSite;
use govpress::page::Page;
use govpress::render::Renderer;
use govpress::review::{ReviewLog, Roster, SiteReview};
use govpress::{Checker, SiteConfig};

pub const CONFIG: &str = "[site]\nname = \"示例市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\n\
[links]\nscript_hosts = [\"cdn.example.gov.cn\"]\nallow = [\"www.example.com\"]\n";

/// Inputs larger than this are cut: the targets look for logic errors, not for time linear in size
/// (tests/bad_input.rs and tests/hostile_scaling.rs cover size).
const MAX_INPUT: usize = 64 * 1024;

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(&data[..data.len().min(MAX_INPUT)]).into_owned()
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").expect("static time parses")
}

fn config() -> SiteConfig {
    SiteConfig::parse(CONFIG).expect("the fuzz config parses")
}

/// Built once per process: building a checker reads the public suffix list, which would otherwise be
/// most of every run.
fn checker() -> &'static Checker {
    static CHECKER: std::sync::OnceLock<Checker> = std::sync::OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(config()))
}

/// A page (front matter + Markdown body) through `check`, the way `govpress check` reads it.
pub fn page(data: &[u8]) {
    let source = text(data);
    let outcome = checker().check_page("content/a.md", &source, now());
    for diagnostic in &outcome.diagnostics {
        assert!(diagnostic.start.line >= 1 && diagnostic.end.line >= diagnostic.start.line || diagnostic.end.line == 0);
    }
}

/// `govpress.toml`, and the security headers built from it: a header value never holds a character
/// that would end the header or the nginx string.
pub fn site_config(data: &[u8]) {
    let source = text(data);
    let Ok(config) = SiteConfig::parse(&source) else { return };
    let checker = Checker::new(config);
    let _ = checker.check_config("govpress.toml");
    if let Ok(headers) = govpress::headers::SecurityHeaders::from_config(checker.config()) {
        for header in headers.default.iter().chain(headers.for_path("/search/").iter()) {
            assert!(
                !header.value.contains(['"', '\n', '\r', '$', '\\', '{', '}']),
                "unsafe header value: {}",
                header.value
            );
        }
        let include = headers.nginx_include();
        assert!(
            include.lines().all(|line| line.starts_with('#') || line.ends_with(';') || line.ends_with("; }")),
            "{include}"
        );
    }
}

/// `reviewers.toml`.
pub fn roster(data: &[u8]) {
    let source = text(data);
    let stages: Vec<String> = ["初审", "复审", "终审"].iter().map(|stage| stage.to_string()).collect();
    let _ = Roster::parse(&source, &stages);
}

/// The review log, parsed and evaluated against a page (with an empty roster: every signature fails,
/// which must be a diagnostic).
pub fn review_log(data: &[u8]) {
    let source = text(data);
    let _ = ReviewLog::parse(&source);
    let config = checker().config();
    let roster = "[[reviewer]]\nid = \"zhang\"\nname = \"张三\"\ndepartment = \"办公室\"\nstaff = true\nstages = [\"初审\"]\n\
public_key = \"\"\"\n-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE\n-----END PUBLIC KEY-----\n\"\"\"\n";
    let pages = [("content/a.md", "+++\ntitle = \"测试\"\n+++\n正文\n")];
    let review = SiteReview::evaluate(&config.review, Some(roster), Some(&source), &pages);
    let _ = review.diagnostics();
}

/// Markdown rendered, sanitised and rewritten for leaving the site, as the build publishes a body.
/// Invariants: no script element, no event-handler attribute, no `javascript:` href survives.
pub fn render(data: &[u8]) {
    let source = text(data);
    let checker = checker();
    let (page, _) = Page::parse("content/a.md", &source);
    let body = Renderer::new(checker.hosts()).render(&page);
    let leave = LeaveSite::new(checker.config(), checker.hosts());
    let Ok(rewritten) = leave.rewrite(&body.html) else { return };
    assert_safe_html(&rewritten.html);
}

/// Every element and attribute of `html` as a browser parses it: no script element, no event-handler
/// attribute, no `javascript:`/`vbscript:`/`data:` link. Used by the render target and the proptests.
pub fn assert_safe_html(html: &str) {
    let settings =
        lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!("*", |element| {
            let tag = element.tag_name().to_ascii_lowercase();
            assert!(
                !matches!(tag.as_str(), "script" | "object" | "embed" | "base" | "meta"),
                "<{tag}> survived: {html}"
            );
            for attribute in element.attributes() {
                let name = attribute.name().to_ascii_lowercase();
                assert!(!name.starts_with("on"), "event handler {name} survived: {html}");
                if matches!(name.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href") {
                    // As the URL parser reads it: C0 controls and spaces trimmed at the ends, tabs and
                    // newlines dropped anywhere. Another control inside (`java\u{10}script:`) makes no
                    // scheme: the browser resolves it as a relative path (a fuzz finding, kept in
                    // regressions/render/).
                    let decoded = govpress::leave_site::decode_entities(&attribute.value()).into_owned();
                    let value: String = decoded
                        .trim_matches(|c: char| c <= ' ')
                        .chars()
                        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                        .collect::<String>()
                        .to_ascii_lowercase();
                    for scheme in ["javascript:", "vbscript:", "data:"] {
                        assert!(!value.starts_with(scheme), "{name}={value} survived: {html}");
                    }
                }
            }
            Ok(())
        }));
    let _ = lol_html::rewrite_str(html, settings);
}

/// A page with many of the built-in terms' wrong forms and their exceptions, searched with every parsed
/// `terms.toml`.
const TERMS_PAGE: &str = "+++\ntitle = \"通知\"\n+++\n关于布署工作的通知，青政办发[2026]3号，按照要求进行部署。\n";

/// `terms.toml` (SPEC §12), attached to the config as `govpress check` does, then a page and the file's
/// own text searched: hits never overlap, lie on character boundaries and are the term's wrong form.
pub fn terms(data: &[u8]) {
    let source = text(data);
    let mut config = config();
    if config.attach_terms(Some(&source)).is_err() {
        return;
    }
    let checker = Checker::new(config);
    let _ = checker.check_page("content/a.md", TERMS_PAGE, now());
    for sample in [TERMS_PAGE, source.as_str()] {
        let mut end = 0;
        for hit in checker.terms().find(sample) {
            assert!(hit.range.start >= end, "overlapping hits in {sample:?}");
            assert!(sample.is_char_boundary(hit.range.start) && sample.is_char_boundary(hit.range.end));
            assert_eq!(&sample[hit.range.clone()], hit.term.wrong.as_str());
            end = hit.range.end;
        }
    }
}

/// The build's one HTML pass over any file of every kind.
pub fn html_audit(data: &[u8]) {
    let source = text(data);
    let checker = checker();
    let leave = LeaveSite::new(checker.config(), checker.hosts());
    let auditor = Auditor::new(checker.config(), &leave);
    for kind in [DocumentKind::Page, DocumentKind::LeavePage, DocumentKind::Fragment, DocumentKind::Static] {
        let _ = auditor.process("public/news/a/index.html", "/news/a/", &source, kind);
    }
}

/// `platform.toml` (SPEC §10): a parsed platform keeps every path inside the platform root, lists no
/// directory twice and gives no two sites one output name; a site's own roster (the same bytes) merges
/// with the demo platform's shared roster or is refused.
pub fn platform(data: &[u8]) {
    let source = text(data);
    if let Ok(platform) = govpress::platform::PlatformConfig::parse(&source) {
        let paths = platform.sites.iter().map(|site| site.dir.as_str()).chain(
            [&platform.theme, &platform.roster, &platform.terms].into_iter().flatten().map(|path| path.path.as_str()),
        );
        for path in paths {
            assert!(!path.starts_with('/') && !path.contains('\\'), "{path:?} is not platform-relative");
            assert!(path.split('/').all(|part| part != ".." && part != "."), "{path:?} is not normal");
        }
        for (index, site) in platform.sites.iter().enumerate() {
            assert!(!site.name.is_empty() && !site.name.contains('/'));
            assert!(platform.sites[..index].iter().all(|other| other.name != site.name && other.dir != site.dir));
        }
        let _ = platform.check_paths(|_| Some(govpress::platform::PathKind::Directory));
    }
    let stages: Vec<String> = ["初审", "复审", "终审"].iter().map(|stage| stage.to_string()).collect();
    let shared = include_str!("../examples/platform/reviewers.toml");
    if let Ok(merged) = govpress::platform::merge_rosters(shared, &source, &stages) {
        assert!(Roster::parse(&merged, &stages).is_ok(), "a merged roster no longer parses");
    }
}
