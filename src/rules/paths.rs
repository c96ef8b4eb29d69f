//! 第三条 (防范内容篡改): a page's front-matter `path` or `slug` decides where the build writes it,
//! so it must stay inside the site: no `..` segments (also percent-encoded), no absolute or drive
//! paths, no backslashes, no NUL or other control characters.

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::{PageContext, RuleInfo};

pub const OUTSIDE_SITE: RuleInfo = RuleInfo {
    id: "paths.outside-site",
    article: 3,
    severity: Severity::Error,
    summary_zh: "页面的 path、slug 不得指向站点之外（防范内容篡改）",
    summary_en: "A page's path and slug stay inside the site (guards against tampering)",
};

pub const RULES: &[RuleInfo] = &[OUTSIDE_SITE];

/// Why an output path is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    ParentSegment,
    Absolute,
    Backslash,
    ControlCharacter,
}

impl Escape {
    fn reason(self) -> Text {
        match self {
            Escape::ParentSegment => Text::new("含有 .. 上级目录", "it contains a .. segment"),
            Escape::Absolute => Text::new("是绝对路径", "it is an absolute path"),
            Escape::Backslash => Text::new("含有反斜杠 \\", "it contains a backslash"),
            Escape::ControlCharacter => Text::new("含有控制字符", "it contains a control character"),
        }
    }
}

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let front_matter = &context.page.front_matter;
    for (key, value) in [("path", front_matter.path.as_deref()), ("slug", front_matter.slug.as_deref())] {
        let Some(value) = value else { continue };
        let Some(escape) = escape(value) else { continue };
        let reason = escape.reason();
        let shown = value.escape_debug().to_string();
        out.push(context.page.diagnostic_at_key(
            key,
            OUTSIDE_SITE.diagnostic(
                Text::new(
                    format!("{key} = \"{shown}\" {}，可能把页面写到站点之外（第三条：防范内容篡改）", reason.zh),
                    format!(
                        "{key} = \"{shown}\": {}, so the page could be written outside the site (article 3: guard against tampering)",
                        reason.en
                    ),
                ),
                Text::new(
                    "只用站内相对路径，例如 news/2024/notice，以正斜杠分隔",
                    "Use a relative path inside the site, e.g. news/2024/notice, separated by forward slashes",
                ),
            ),
        ));
    }
}

/// Why `value` would leave the output directory, if it would.
pub fn escape(value: &str) -> Option<Escape> {
    if value.chars().any(char::is_control) {
        return Some(Escape::ControlCharacter);
    }
    if value.contains('\\') {
        return Some(Escape::Backslash);
    }
    let bytes = value.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if value.starts_with('/') || drive || value.contains("://") {
        return Some(Escape::Absolute);
    }
    // `%2e%2e` is `..` to a web server: judge the decoded form too.
    let decoded = crate::site::links::percent_decode(value);
    if decoded.chars().any(char::is_control) {
        return Some(Escape::ControlCharacter);
    }
    if decoded.contains('\\') {
        return Some(Escape::Backslash);
    }
    if decoded.split('/').any(|segment| segment.trim() == "..") {
        return Some(Escape::ParentSegment);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site() {
        assert_eq!(escape("../../etc/passwd"), Some(Escape::ParentSegment));
        assert_eq!(escape("news/../../x"), Some(Escape::ParentSegment));
        assert_eq!(escape("%2e%2e/x"), Some(Escape::ParentSegment));
        assert_eq!(escape("/etc/cron.d/x"), Some(Escape::Absolute));
        assert_eq!(escape("C:/Windows"), Some(Escape::Absolute));
        assert_eq!(escape("https://evil.example.com/x"), Some(Escape::Absolute));
        assert_eq!(escape("news\\a"), Some(Escape::Backslash));
        assert_eq!(escape("a\0b"), Some(Escape::ControlCharacter));
        assert_eq!(escape("a%00b"), Some(Escape::ControlCharacter));
    }

    #[test]
    fn ordinary_paths_stay() {
        assert_eq!(escape("news/2024/notice"), None);
        assert_eq!(escape("关于开展宣传周活动的通知"), None);
        assert_eq!(escape("a..b/c"), None);
        assert_eq!(escape("v1.2"), None);
    }
}
