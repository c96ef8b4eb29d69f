//! Hostile input to the core (issue 15): every spelling of a script-capable URL, hosts imitating
//! gov.cn, NUL bytes, huge tables. Each is refused with a diagnostic or published only in a safe form
//! (sanitised, rewritten to a leave page); none panics or hangs.

use govpress::audit::DocumentKind;
use govpress::page::Page;
use govpress::Checker;

use crate::support::{check_rules, config, destinations, pass, rules};

/// The body as the build publishes it: rendered, sanitised, links off the site rewritten.
fn published(body: &str) -> String {
    let source = format!("+++\ntitle = \"测试\"\ndate = 2026-11-20\n+++\n\n{body}\n");
    let checker = Checker::new(config());
    let (page, _) = Page::parse("content/a.md", &source);
    govpress::render::preview(&page, &checker)
}

/// Every `href`/`src` value of `html`, entity-decoded, as a browser would read the scheme.
fn link_values(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for part in html.split(attribute).skip(1) {
            let value = part.split('"').next().unwrap_or_default();
            let decoded: String = govpress::leave_site::decode_entities(value)
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                .collect();
            out.push(decoded.to_ascii_lowercase());
        }
    }
    out
}

const SCRIPT_SCHEMES: [&str; 21] = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\u{1}javascript:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&#9;script:alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&#58;alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "vb&#x09;script:msgbox(1)",
    "vbscript&colon;msgbox(1)",
    "&#118;bscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "da\tta:text/html,x",
    "data&colon;text/html,x",
    "&#100;ata:text/html,x",
];

#[test]
fn script_capable_urls_in_every_spelling_are_never_published() {
    for url in SCRIPT_SCHEMES {
        for body in [
            format!("<a href=\"{url}\">x</a>"),
            format!("<img src=\"{url}\">"),
            format!("<iframe src=\"{url}\"></iframe>"),
            format!("[x]({})", url.replace(' ', "%20")),
        ] {
            let html = published(&body);
            for value in link_values(&html) {
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!value.starts_with(scheme), "{body:?} published {value:?}: {html}");
                }
            }
        }
    }
}

#[test]
fn script_capable_urls_in_raw_html_are_reported_by_check() {
    for url in ["javascript:alert(1)", "java&#x09;script:alert(1)", "JAVASCRIPT&colon;x", "vbscript:msgbox(1)"] {
        let found = check_rules(&format!("<a href=\"{url}\">x</a>"));
        assert!(!found.is_empty(), "{url}: nothing reported");
    }
}

#[test]
fn script_capable_urls_in_static_html_are_refused_by_the_html_pass() {
    for url in ["javascript:alert(1)", "JaVa&#x09;ScRiPt:alert(1)", "vbscript:msgbox(1)", "VB&#x53;cript:x"] {
        let processed = pass("/a.html", &format!("<p><a href=\"{url}\">x</a></p>"), DocumentKind::Static);
        assert!(!rules(&processed).is_empty(), "{url}: {}", processed.html);
    }
}

/// Hosts that look like a government site to a reader but are not one.
const IMITATIONS: [&str; 9] = [
    "www.gov.cn.evil.com",
    "gov.cn-evil.com",
    "www.g0v.cn",
    "www.gοv.cn",        // Greek omicron
    "www.gоv.cn",        // Cyrillic o
    "www.ɡov.cn",        // Latin script g
    "www.xn--gv-jbb.cn", // punycode of a look-alike
    "www.gov.cn\u{200b}.evil.com",
    "www.gov.com.cn",
];

#[test]
fn hosts_imitating_gov_cn_go_through_a_leave_page() {
    for host in IMITATIONS {
        let url = format!("https://{host}/x");
        let html = published(&format!("[通知]({url})"));
        let hrefs = link_values(&html);
        assert!(hrefs.iter().all(|href| href.starts_with("/leave/") || !href.contains("gov")), "{host}: {html}");
        assert!(html.contains("/leave/") || !html.contains("<a "), "{host}: not rewritten: {html}");
        // Raw HTML in a static file: the same host becomes a leave page there too.
        let processed = pass("/news/a/", &format!("<p><a href=\"{url}\">x</a></p>"), DocumentKind::Fragment);
        assert_eq!(destinations(&processed).len(), 1, "{host}: {}", processed.html);
    }
    // The real one stays direct.
    let html = published("[国务院](https://www.gov.cn/x)");
    assert!(html.contains("href=\"https://www.gov.cn/x\""), "{html}");
}

#[test]
fn nul_bytes_anywhere_are_survived_and_never_published() {
    let body =
        "正文\u{0}中间\u{0}<scr\u{0}ipt>alert(1)</script><a hr\u{0}ef=\"javascript:x\" on\u{0}click=\"y\">a</a>\u{0}";
    let html = published(body);
    assert!(!html.contains('\u{0}'), "{html:?}");
    // The NUL-split tags are not tags: they are published as escaped text, the paragraph the only element.
    assert_eq!(html.matches('<').count(), 2, "{html}");
    assert!(html.starts_with("<p>") && html.trim_end().ends_with("</p>"), "{html}");
    // In the front matter too: refused or read, never a panic.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").unwrap();
    let source = "+++\ntitle = \"a\u{0}b\"\ndate = 2026-11-20\npath = \"a\u{0}/b\"\n+++\n正文\n";
    let outcome = Checker::new(config()).check_page("content/a.md", source, now);
    // A raw NUL is not valid in a TOML string: the front matter is refused (file:line), not read.
    let refused: Vec<_> =
        outcome.diagnostics.iter().map(|diagnostic| (diagnostic.rule, diagnostic.start.line)).collect();
    assert!(refused.iter().any(|(rule, line)| rule.starts_with("front-matter") && *line == 2), "{refused:?}");
    // Escaped in TOML it parses, and the path rule refuses it.
    let source = "+++\ntitle = \"a\"\ndate = 2026-11-20\npath = \"a\\u0000/b\"\n+++\n正文\n";
    let outcome = Checker::new(config()).check_page("content/a.md", source, now);
    assert!(outcome.diagnostics.iter().any(|diagnostic| diagnostic.rule == "paths.outside-site"));
}

#[test]
fn a_huge_table_is_checked_and_rendered_to_its_end() {
    let columns = 60;
    let mut table = format!("|{}\n|{}\n", "列|".repeat(columns), "---|".repeat(columns));
    for row in 0..5_000 {
        table.push_str(&format!("|{}\n", format!("{row}|").repeat(columns)));
    }
    table.push_str("\n结尾标记\n");
    let html = published(&table);
    assert!(html.contains("结尾标记"));
    assert_eq!(html.matches("<tr>").count(), 5_001);
    assert!(check_rules(&table).iter().all(|rule| !rule.starts_with("limits")));
}

#[test]
fn a_ten_megabyte_line_is_checked_to_its_end() {
    let line = format!("{}13800138000", "很长的一行".repeat(10 * 1024 * 1024 / 15));
    // The phone number at the very end is still found.
    assert!(check_rules(&line).contains(&"personal-data.mobile"), "the end of the line was not read");
}
