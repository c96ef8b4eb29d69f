//! Properties fuzzing cannot see (issue 15), checked with proptest over generated inputs:
//! the leave-site rewrite never publishes a non-government `href` outside a leave page, sanitised HTML
//! never carries a script-capable attribute, and masking never prints the masked digits.

#[path = "../fuzz/harness.rs"]
mod harness;

use govpress::hosts::{Destination, HostClassifier};
use govpress::page::Page;
use govpress::redaction::{mask, Redactor};
use govpress::{Checker, SiteConfig};
use proptest::prelude::*;

fn config() -> SiteConfig {
    SiteConfig::parse(harness::CONFIG).expect("the config parses")
}

/// One checker for every case (building one reads the public suffix list).
fn checker() -> &'static Checker {
    static CHECKER: std::sync::OnceLock<Checker> = std::sync::OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(config()))
}

fn published(body: &str) -> String {
    let source = format!("+++\ntitle = \"测试\"\ndate = 2026-11-20\n+++\n\n{body}\n");
    let checker = checker();
    let (page, _) = Page::parse("content/a.md", &source);
    govpress::render::preview(&page, checker)
}

/// Host names mixing government, look-alike and foreign parts.
fn host() -> impl Strategy<Value = String> {
    let label = prop::sample::select(vec![
        "www",
        "gov",
        "cn",
        "gov.cn",
        "evil",
        "example",
        "com",
        "g0v",
        "gοv",
        "xn--gv-jbb",
        "政务",
        "edu",
        "net",
        "example.gov.cn",
        "bank",
        "",
    ]);
    prop::collection::vec(label, 1..5).prop_map(|labels| labels.join("."))
}

fn href() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "https://",
        "http://",
        "//",
        "\\\\",
        "/\\",
        "https:",
        "HTTPS://",
        "https:/\t/",
        " https://",
        "",
    ]);
    let path = prop::sample::select(vec!["", "/", "/x?a=1&b=2", "/a#frag", ":8443/p", "@evil.com/", "%2e%2e/"]);
    (scheme, host(), path).prop_map(|(scheme, host, path)| format!("{scheme}{host}{path}"))
}

/// Is `href`, as the browser resolves it from a page of the site, on the site or a government host?
fn stays_or_government(href: &str, hosts: &HostClassifier) -> bool {
    let decoded = govpress::leave_site::decode_entities(href).into_owned();
    let base = url::Url::parse("https://www.example.gov.cn/news/a/").expect("static base parses");
    let Ok(resolved) = base.join(&decoded) else { return true };
    match resolved.scheme() {
        "http" | "https" => {}
        "mailto" | "tel" => return true,
        _ => return false,
    }
    let host = resolved.host_str().unwrap_or_default();
    matches!(hosts.classify_host(host), Destination::Internal | Destination::Government)
        || resolved.path().starts_with("/leave/") && hosts.classify_host(host) == Destination::Internal
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_rewrite_never_publishes_a_non_government_href_outside_a_leave_page(
        hrefs in prop::collection::vec(href(), 1..4),
        raw in any::<bool>(),
    ) {
        let hosts = checker().hosts();
        let body: String = hrefs
            .iter()
            .map(|href| if raw { format!("<a href=\"{href}\">链接</a> ") } else { format!("[链接](<{href}>) ") })
            .collect();
        let html = published(&body);
        for part in html.split(" href=\"").skip(1) {
            let value = part.split('"').next().unwrap_or_default();
            // `links.allow` hosts are exempt from the warning by configuration: the only other way out.
            let allowed = value.contains("www.example.com");
            prop_assert!(allowed || stays_or_government(value, hosts), "{body} published href {value}: {html}");
        }
    }

    #[test]
    fn sanitised_html_never_carries_a_script_capable_attribute(
        parts in prop::collection::vec(prop::sample::select(vec![
            "<a href=\"", "<img src=\"", "<iframe src=\"", "<svg onload=\"", "<div onclick=\"", "<form action=\"",
            "<button formaction=\"", "<object data=\"", "<embed src=\"", "<script>", "</script>", "<style>",
            "<math><mi xlink:href=\"", "<base href=\"", "<meta http-equiv=\"refresh\" content=\"0;url=",
            "javascript:", "java&#x09;script:", "vbscript:", "data:text/html,", "&colon;", "\">", "'>", ">", "<",
            "\" onerror=\"", " onmouseover=", "alert(1)", "x", "\n\n", "`", "<!--", "-->", "<![CDATA[", "&#",
            "<a href=javascript:x>", "<p style=\"background:url(javascript:x)\">", "<svg><script>x</script></svg>",
        ]), 1..24),
    ) {
        let body: String = parts.concat();
        let html = published(&body);
        harness::assert_safe_html(&html);
    }

    #[test]
    fn masking_never_prints_the_masked_digits(
        prefix in "[a-z 中文，。]{0,12}",
        number in "1[3-9][0-9]{9}",
        separator in prop::sample::select(vec!["", " ", "-"]),
        suffix in "[a-z 中文，。]{0,12}",
    ) {
        let written = format!("{}{separator}{}{separator}{}", &number[..3], &number[3..7], &number[7..]);
        let masked = mask(&written);
        let digits: String = masked.chars().filter(char::is_ascii_digit).collect();
        prop_assert_eq!(digits, format!("{}{}", &number[..3], &number[7..]));
        // In a report: every text the diagnostics print, masked by the report's redactor.
        let text = format!("{prefix}联系电话{written}，再说一遍{written}{suffix}");
        let redactor = Redactor::new([written.as_str()]);
        let shown = redactor.apply(&text);
        prop_assert!(!shown.contains(&written), "{shown}");
        // Every occurrence, and nothing else, replaced by the masked form (whose middle digits are `*`; a
        // number whose last four repeat its middle four, 130 7603 7603, still shows only the kept ones).
        prop_assert_eq!(shown.into_owned(), text.replace(&written, &masked));
    }
}

/// Pieces of drafts around what the browser's first module must leave to the full checker: the words the
/// regex rules read (a browser, an app, a mark, a label, a document number's brackets), full-width forms,
/// raw HTML and Markdown, and personal data the first module does check.
const DRAFT_PIECES: &[&str] = &[
    "请使用",
    "IE",
    "ＩＥ",
    "浏览器",
    "仅支持",
    "只能通过",
    "微信",
    "小程序",
    "ＡＰＰ",
    "app",
    "账号",
    "须下载",
    "才能办理",
    "安装",
    "控件",
    "WPS",
    "打开",
    "机密",
    "★",
    "1年",
    "内部资料",
    "注意保密",
    "国办发",
    "青政字",
    "函",
    "[",
    "]",
    "（",
    "）",
    "【",
    "〔2024〕",
    "2024",
    "２０２４",
    "12",
    "号",
    "身份证号",
    "11010519491231002X",
    "13800138000",
    "\n",
    "\n\n",
    "# ",
    "- ",
    "**",
    "`",
    " ",
    "\t",
    "　",
    "，",
    "。",
    "<b>",
    "</b>",
    "<!-- x -->",
    "[链接](https://www.example.com/a)",
    "[网信](https://www.cac.gov.cn/)",
    "![图](http://img.example.com/a.png)",
    "布署",
    "再接再励",
    "正文",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// `check_markdown_draft` (no lol_html, regex or YAML) either refuses a page or gives exactly
    /// `check_page`'s outcome: its gates never let a regex rule's finding go missing.
    #[test]
    fn the_markdown_draft_check_never_differs_from_check_page(
        pieces in prop::collection::vec(prop::sample::select(DRAFT_PIECES), 0..24),
        yaml in any::<bool>(),
    ) {
        let body: String = pieces.concat();
        let source = if yaml {
            format!("---\ntitle: 测试\ndate: 2026-11-20\n---\n{body}\n")
        } else {
            format!("+++\ntitle = \"测试\"\ndate = 2026-11-20\n+++\n{body}\n")
        };
        let checker = checker();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").unwrap();
        if let Some(draft) = checker.check_markdown_draft("content/a.md", &source, now) {
            prop_assert!(!yaml);
            let full = checker.check_page("content/a.md", &source, now);
            prop_assert_eq!(draft.diagnostics, full.diagnostics);
        }
    }
}
