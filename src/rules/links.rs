//! 第十五条, in the source: links that cannot be made safe. (Leaving-site warnings are added by the
//! build's rewriting; `govpress links` checks that destinations still work.)

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::leave_site::is_plainly_relative;
use crate::page::LinkRef;
use crate::rules::{PageContext, RuleInfo};

pub const JAVASCRIPT: RuleInfo = RuleInfo {
    id: "links.javascript",
    article: 15,
    severity: Severity::Error,
    summary_zh: "禁止 javascript: 链接",
    summary_en: "javascript: links are refused",
};

pub const MALFORMED: RuleInfo = RuleInfo {
    id: "links.malformed",
    article: 15,
    severity: Severity::Error,
    summary_zh: "链接地址必须有效，且只用 http(s)、mailto、tel 或站内相对地址",
    summary_en: "Links must be valid http(s), mailto, tel or relative addresses",
};

pub const RULES: &[RuleInfo] = &[JAVASCRIPT, MALFORMED];

/// What a link's address is, before asking whose host it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Relative or fragment-only: stays on the site.
    Relative,
    /// An absolute http(s) URL (protocol-relative ones are read as https).
    Web(url::Url),
    /// `mailto:` and `tel:` are not web links.
    NotWeb,
    Javascript,
    Malformed(MalformedReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedReason {
    Empty,
    Unparsable,
    Scheme,
}

/// Classifies a link address the way browsers would read it.
pub fn parse_target(raw: &str) -> LinkTarget {
    // Browsers strip leading/trailing C0 controls and spaces, and ignore tabs and newlines inside.
    let cleaned: String =
        raw.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    if cleaned.is_empty() {
        return LinkTarget::Malformed(MalformedReason::Empty);
    }
    let lower = cleaned.to_ascii_lowercase();
    if lower.starts_with("javascript:") || lower.starts_with("vbscript:") {
        return LinkTarget::Javascript;
    }
    let absolute = if cleaned.starts_with("//") { format!("https:{cleaned}") } else { cleaned.clone() };
    match url::Url::parse(&absolute) {
        Ok(url) => match url.scheme() {
            "http" | "https" if url.host_str().is_some_and(|host| !host.is_empty()) => LinkTarget::Web(url),
            "http" | "https" => LinkTarget::Malformed(MalformedReason::Unparsable),
            "mailto" | "tel" => LinkTarget::NotWeb,
            _ => LinkTarget::Malformed(MalformedReason::Scheme),
        },
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            // Resolved as the browser will: `\\host/x` and `/\host` leave the site.
            let base = url::Url::parse("https://site.invalid/dir/").expect("static base URL parses");
            match base.join(&cleaned) {
                Ok(url) if url.host_str() == base.host_str() => LinkTarget::Relative,
                Ok(url) if url.host_str().is_some_and(|host| !host.is_empty()) => LinkTarget::Web(url),
                _ => LinkTarget::Malformed(MalformedReason::Unparsable),
            }
        }
        Err(_) => LinkTarget::Malformed(MalformedReason::Unparsable),
    }
}

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    for link in &context.page.links {
        if let Some(diagnostic) = judge(link) {
            out.push(context.page.diagnostic_at(link.range.clone(), diagnostic.with_url(&link.url)));
        }
    }
}

fn judge(link: &LinkRef) -> Option<Diagnostic> {
    let url = &link.url;
    if plainly_fine(link.target()) {
        return None;
    }
    // Raw HTML is read as the browser reads it: character references first (`javascript&colon;`).
    match parse_target(link.target()) {
        LinkTarget::Javascript => Some(javascript_link(url)),
        LinkTarget::Malformed(reason) => {
            let (zh, en) = match reason {
                MalformedReason::Empty => ("链接地址为空".to_string(), "The link address is empty".to_string()),
                MalformedReason::Unparsable => {
                    (format!("链接地址“{url}”格式错误"), format!("The link address \"{url}\" is malformed"))
                }
                MalformedReason::Scheme => return Some(scheme_link(url)),
            };
            Some(malformed(zh, en))
        }
        LinkTarget::Relative | LinkTarget::Web(_) | LinkTarget::NotWeb => None,
    }
}

/// Whether `parse_target` certainly reads `raw` as `Relative` or `Web`, by its shape alone: an address
/// that cannot leave the site (`leave_site::is_plainly_relative`: `/a/b.html`, `#top`, `?page=2`), or
/// `http(s)://` and a lower-case host of letters, digits, dots and hyphens (no empty label, no `xn--`, its
/// last label starting with a letter, so it is not read as an IPv4 address) ending the address or
/// followed by `/`, `?` or `#`, all of it printable ASCII without backslashes. Most links are one of
/// these, and parsing them (`url::Url`) was nearly all that checking links cost; any other address is
/// parsed.
fn plainly_fine(raw: &str) -> bool {
    if is_plainly_relative(raw) {
        return true;
    }
    let printable = raw.bytes().all(|byte| (0x21..=0x7e).contains(&byte) && byte != b'\\');
    let Some(rest) = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://")) else { return false };
    let host = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with("xn--")
            && label.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    });
    let last_label_word =
        host.rsplit('.').next().is_some_and(|label| label.starts_with(|c: char| c.is_ascii_lowercase()));
    printable && labels_ok && last_label_word
}

/// A link with a scheme a portal has no use for (`data:`, `blob:`, `file:`…).
pub fn scheme_link(url: &str) -> Diagnostic {
    malformed(format!("链接“{url}”使用了不允许的协议"), format!("The link \"{url}\" uses a scheme that is not allowed"))
        .with_url(url)
}

fn malformed(zh: String, en: String) -> Diagnostic {
    MALFORMED.diagnostic(
        Text::new(format!("{zh}（第十五条）"), format!("{en} (article 15)")),
        Text::new("使用 https://、mailto:、tel: 或站内相对地址", "Use https://, mailto:, tel: or a relative address"),
    )
}

/// A link that runs script instead of going somewhere.
pub fn javascript_link(url: &str) -> Diagnostic {
    JAVASCRIPT
        .diagnostic(
            Text::new(
                format!("禁止使用脚本链接“{url}”（第十五条）"),
                format!("Script link \"{url}\" is refused (article 15)"),
            ),
            Text::new("改为指向具体网页的 https 链接", "Link to a page with an https address instead"),
        )
        .with_url(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// What `plainly_fine` lets through, `parse_target` reads as a relative or web address.
        #[test]
        fn plainly_fine_addresses_parse_as_relative_or_web(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "https://", "http://", "HTTPS://", "/", "//", "\\", "#", "?", ".", "..", "a", "Z", "0", "9", "-",
                    "xn--", "0x1", "www", "gov", "cn", "1.2.3.4", ":", ":80", "@", " ", "%", "%zz", "政务", "[", "]",
                    "javascript:", "\t", "\n", "a:b", "2024/x:y", "%", "?[", "\u{0}", "mailto:",
                ]),
                0..10,
            )
        ) {
            let raw: String = pieces.concat();
            if plainly_fine(&raw) {
                prop_assert!(matches!(parse_target(&raw), LinkTarget::Relative | LinkTarget::Web(_)), "{raw}");
            }
        }
    }

    #[test]
    fn common_addresses_are_plainly_fine() {
        assert!(plainly_fine("https://www.gov.cn/zhengce/content/202405/content_6951234.htm"));
        assert!(plainly_fine("/static/images/2024/meeting.jpg"));
        assert!(plainly_fine("#top"));
        assert!(plainly_fine("a/b.html"));
        assert!(!plainly_fine("https://1.2.3.999/"), "an IPv4-shaped host is parsed");
        assert!(!plainly_fine("https://xn--abc.cn/"));
        assert!(!plainly_fine("//cdn.example.com/a.js"));
        assert!(!plainly_fine("/\\evil.example/"));
        assert!(!plainly_fine("javascript:alert(1)"));
    }

    #[test]
    fn targets_are_read_like_a_browser_would() {
        assert_eq!(parse_target(" JavaScript:alert(1)"), LinkTarget::Javascript);
        assert_eq!(parse_target("java\tscript:alert(1)"), LinkTarget::Javascript);
        assert_eq!(parse_target("../a.html#x"), LinkTarget::Relative);
        assert_eq!(parse_target("#top"), LinkTarget::Relative);
        assert_eq!(parse_target("mailto:office@example.gov.cn"), LinkTarget::NotWeb);
        assert_eq!(parse_target("tel:010-00000000"), LinkTarget::NotWeb);
        assert!(matches!(parse_target("//cdn.example.com/a.js"), LinkTarget::Web(_)));
        assert_eq!(parse_target("https://"), LinkTarget::Malformed(MalformedReason::Unparsable));
        assert_eq!(parse_target("http://exa mple.com"), LinkTarget::Malformed(MalformedReason::Unparsable));
        assert_eq!(parse_target("data:text/html,<script>"), LinkTarget::Malformed(MalformedReason::Scheme));
        assert_eq!(parse_target(""), LinkTarget::Malformed(MalformedReason::Empty));
        let host = |raw: &str| match parse_target(raw) {
            LinkTarget::Web(url) => url.host_str().map(str::to_string),
            _ => None,
        };
        assert_eq!(host("\\\\evil.com/x").as_deref(), Some("evil.com"));
        assert_eq!(host("/\t/evil.com/x").as_deref(), Some("evil.com"));
        assert_eq!(host("http:\\\\evil.com").as_deref(), Some("evil.com"));
    }
}
