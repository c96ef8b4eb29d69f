//! URLs judged the way the browser will read them. An attribute value goes through two standards
//! before a browser follows it: the HTML tokenizer decodes its character references (`&colon;`,
//! `&#58;`, `&Tab;`), then the WHATWG URL parser resolves it against the document's URL, dropping
//! tabs and newlines, trimming C0 controls and spaces, reading `\` as `/` in http(s) URLs and
//! `http:host` as `http://host` on an https page. The `url` crate implements the URL Standard, and
//! the character references come from html5ever's table (`markup5ever`), so every rule that asks
//! "where does this go?" gets the browser's answer, not a hand-written approximation.

use std::borrow::Cow;

use url::Url;

/// Scheme, host and port the site is judged under when `base_url` is not set.
pub const PLACEHOLDER_ORIGIN: &str = "https://site.invalid";

/// Decodes the character references of an attribute value as the HTML tokenizer does (a legacy
/// reference without `;` followed by `=` or an alphanumeric stays as written, per the standard).
pub fn decode_attribute(raw: &str) -> Cow<'_, str> {
    decode(raw, true)
}

/// Decodes the character references of text content as the HTML tokenizer does.
pub fn decode_text(raw: &str) -> Cow<'_, str> {
    decode(raw, false)
}

/// The URL a browser requests for an attribute value as written in the HTML (entities and all),
/// in a document whose URL is `base`. `None` when the browser would not navigate at all.
pub fn resolve(raw: &str, base: &Url) -> Option<Url> {
    base.join(&decode_attribute(raw)).ok()
}

/// The URL of a published file: `base_url`'s origin and base path, then the file's site path
/// (`/news/a/`). A missing or unparsable `base_url` gives the placeholder origin.
pub fn document_url(base_url: Option<&str>, base_path: &str, site_path: &str) -> Url {
    let mut url = base_url
        .and_then(|base| Url::parse(base).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
        .unwrap_or_else(|| Url::parse(PLACEHOLDER_ORIGIN).expect("static placeholder URL parses"));
    url.set_path(&format!("{}/{}", base_path.trim_end_matches('/'), site_path.trim_start_matches('/')));
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// What a browser does with a link after resolving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// An http(s) URL: a page or resource on some host.
    Web(Url),
    /// `javascript:` or `vbscript:`: runs code (第十五条 refuses these links).
    Script,
    /// `mailto:`, `tel:` and the like: no page is loaded.
    NotWeb,
    /// `data:`, `blob:`, `file:` and other schemes a portal has no use for.
    OtherScheme(String),
    /// The browser cannot resolve it (it will not navigate).
    Invalid,
}

/// Resolves and classifies an attribute value as written in HTML.
pub fn judge(raw: &str, base: &Url) -> Resolved {
    judge_decoded(&decode_attribute(raw), base)
}

/// Resolves and classifies a URL whose character references are already decoded (Markdown
/// destinations, values a parser handed over decoded).
pub fn judge_decoded(value: &str, base: &Url) -> Resolved {
    match base.join(value).ok() {
        None => Resolved::Invalid,
        Some(url) => match url.scheme() {
            "http" | "https" => Resolved::Web(url),
            "javascript" | "vbscript" => Resolved::Script,
            "mailto" | "tel" | "sms" => Resolved::NotWeb,
            other => Resolved::OtherScheme(other.to_string()),
        },
    }
}

/// True when a browser fetches `url` without TLS (第二十九条).
pub fn is_insecure(url: &Url) -> bool {
    url.scheme() == "http"
}

fn decode(raw: &str, in_attribute: bool) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(ampersand) = rest.find('&') {
        out.push_str(&rest[..ampersand]);
        let after = &rest[ampersand + 1..];
        match reference(after, in_attribute) {
            Some((decoded, consumed)) => {
                out.push_str(&decoded);
                rest = &after[consumed..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The longest entity name in the HTML table (`CounterClockwiseContourIntegral;`).
const LONGEST_NAME: usize = 32;

/// The text a reference stands for and how many bytes after `&` it spans.
fn reference(after: &str, in_attribute: bool) -> Option<(String, usize)> {
    if let Some(number) = after.strip_prefix('#') {
        let (digits, radix, prefix) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (number, 10, 1),
        };
        let length = digits.bytes().take_while(|byte| (*byte as char).is_digit(radix)).count();
        if length == 0 {
            return None;
        }
        let semicolon = usize::from(digits[length..].starts_with(';'));
        // Overlong numbers saturate to "out of range", as the tokenizer's do.
        let code = u32::from_str_radix(&digits[..length.min(8)], radix).unwrap_or(u32::MAX);
        let code = if length > 8 { u32::MAX } else { code };
        return Some((numeric(code).to_string(), prefix + length + semicolon));
    }
    let name_length = after.bytes().take(LONGEST_NAME).take_while(u8::is_ascii_alphanumeric).count();
    if name_length == 0 {
        return None;
    }
    let with_semicolon = after[name_length..].starts_with(';');
    let longest = if with_semicolon { name_length + 1 } else { name_length };
    // The table's keys carry the `&`: `&amp;`, and the legacy `&amp` the tokenizer also accepts.
    let mut key = [0u8; LONGEST_NAME + 2];
    key[0] = b'&';
    (1..=longest).rev().find_map(|length| {
        let name = after.get(..length)?;
        key.get_mut(1..=length)?.copy_from_slice(name.as_bytes());
        let expansion = htmlize::ENTITIES.get(&key[..=length])?;
        let legacy = !name.ends_with(';');
        let next = after[length..].bytes().next();
        if in_attribute && legacy && next.is_some_and(|byte| byte == b'=' || byte.is_ascii_alphanumeric()) {
            return None;
        }
        Some((std::str::from_utf8(expansion).ok()?.to_string(), length))
    })
}

/// A numeric reference's character, with the tokenizer's replacements.
fn numeric(code: u32) -> char {
    const WINDOWS_1252: [(u32, char); 27] = [
        (0x80, '\u{20AC}'),
        (0x82, '\u{201A}'),
        (0x83, '\u{0192}'),
        (0x84, '\u{201E}'),
        (0x85, '\u{2026}'),
        (0x86, '\u{2020}'),
        (0x87, '\u{2021}'),
        (0x88, '\u{02C6}'),
        (0x89, '\u{2030}'),
        (0x8A, '\u{0160}'),
        (0x8B, '\u{2039}'),
        (0x8C, '\u{0152}'),
        (0x8E, '\u{017D}'),
        (0x91, '\u{2018}'),
        (0x92, '\u{2019}'),
        (0x93, '\u{201C}'),
        (0x94, '\u{201D}'),
        (0x95, '\u{2022}'),
        (0x96, '\u{2013}'),
        (0x97, '\u{2014}'),
        (0x98, '\u{02DC}'),
        (0x99, '\u{2122}'),
        (0x9A, '\u{0161}'),
        (0x9B, '\u{203A}'),
        (0x9C, '\u{0153}'),
        (0x9E, '\u{017E}'),
        (0x9F, '\u{0178}'),
    ];
    if code == 0 {
        return char::REPLACEMENT_CHARACTER;
    }
    if let Some((_, replacement)) = WINDOWS_1252.iter().find(|(from, _)| *from == code) {
        return *replacement;
    }
    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        document_url(Some("https://www.example.gov.cn"), "/", "/news/a/")
    }

    #[test]
    fn references_decode_like_the_tokenizer() {
        assert_eq!(decode_attribute("a?x=1&amp;y=2&#x26;z&#38;w"), "a?x=1&y=2&z&w");
        assert_eq!(decode_attribute("javascript&colon;alert(1)"), "javascript:alert(1)");
        assert_eq!(decode_attribute("java&Tab;script:x&NewLine;"), "java\tscript:x\n");
        assert_eq!(decode_attribute("&unknown; & &amp"), "&unknown; & &");
        // Legacy references before `=` or an alphanumeric stay as written in attributes only.
        assert_eq!(decode_attribute("?a=1&copy=2"), "?a=1&copy=2");
        assert_eq!(decode_text("&copy=2"), "©=2");
        assert_eq!(decode_attribute("&#0;&#x110000;&#x80;&#99999999999;"), "\u{FFFD}\u{FFFD}\u{20AC}\u{FFFD}");
        assert_eq!(decode_attribute("&#;&#x;&"), "&#;&#x;&");
        // A prefix of a name is no reference (html5ever's table lists prefixes, mapped to nothing).
        assert_eq!(decode_text("&am?x &amx &c"), "&am?x &amx &c");
        assert_eq!(decode_attribute("?a=1&am?b=2"), "?a=1&am?b=2");
        // The longest names, and a run of letters longer than any name.
        assert_eq!(decode_text("&CounterClockwiseContourIntegral;"), "\u{2233}");
        assert_eq!(decode_text(&format!("&{};", "a".repeat(40))), format!("&{};", "a".repeat(40)));
        assert_eq!(decode_text(&format!("&{};", "a".repeat(32))), format!("&{};", "a".repeat(32)));
    }

    #[test]
    fn urls_resolve_like_the_browser() {
        let base = page();
        let host = |raw: &str| match judge(raw, &base) {
            Resolved::Web(url) => url.host_str().map(str::to_string),
            _ => None,
        };
        assert_eq!(host("\\\\evil.com/x").as_deref(), Some("evil.com"));
        assert_eq!(host("/\t/evil.com").as_deref(), Some("evil.com"));
        assert_eq!(host(" \u{1}//evil.com").as_deref(), Some("evil.com"));
        assert_eq!(host("http:example.com").as_deref(), Some("example.com"));
        assert_eq!(host("http:\\\\evil.com").as_deref(), Some("evil.com"));
        assert_eq!(host("http&colon;//evil.com").as_deref(), Some("evil.com"));
        assert_eq!(host("../b/").as_deref(), Some("www.example.gov.cn"));
        assert_eq!(judge("jav&#x09;ascript:alert(1)", &base), Resolved::Script);
        assert_eq!(judge("mailto:a@b.cn", &base), Resolved::NotWeb);
        assert!(matches!(judge("data:text/html,x", &base), Resolved::OtherScheme(_)));
        assert_eq!(judge("https://exa mple.com", &base), Resolved::Invalid);
        let Resolved::Web(insecure) = judge("http:img.example.com/a.png", &base) else { panic!() };
        assert!(is_insecure(&insecure));
    }

    #[test]
    fn document_urls() {
        assert_eq!(page().as_str(), "https://www.example.gov.cn/news/a/");
        assert_eq!(
            document_url(Some("https://www.example.gov.cn/portal"), "/portal/", "/a.html").as_str(),
            "https://www.example.gov.cn/portal/a.html"
        );
        assert_eq!(document_url(None, "/", "/").as_str(), "https://site.invalid/");
    }
}
