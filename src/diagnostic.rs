//! One diagnostic type for every rule and every output format.

use serde::Serialize;

/// The language a report is rendered in. Chinese is the default (the users are Chinese web teams).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "chinese" => Some(Lang::Zh),
            "en" | "en-us" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A text in both UI languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A 1-based position in a source file. Columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };
}

/// Extra machine-readable facts some diagnostics carry (for example the link a rule is about).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    pub url: Option<String>,
    pub final_url: Option<String>,
    pub status: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable id such as `reprint.source-url`.
    pub rule: &'static str,
    /// The article of 《互联网政务应用安全管理规定》 the rule enforces.
    pub article: u8,
    pub severity: Severity,
    /// Path relative to the site root (or as given, for files checked without a site).
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub message: Text,
    pub help: Text,
    pub extra: Extra,
    /// The personal data (第二十二条) this diagnostic points at, in clear, so that every output format
    /// can mask it wherever it would show it (see [`crate::redaction`]). Never serialised.
    pub redacted: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static str, article: u8, severity: Severity, message: Text, help: Text) -> Diagnostic {
        Diagnostic {
            rule,
            article,
            severity,
            file: String::new(),
            start: Position::START,
            end: Position::START,
            message,
            help,
            extra: Extra::default(),
            redacted: None,
        }
    }

    pub fn at(mut self, start: Position, end: Position) -> Diagnostic {
        self.start = start;
        self.end = end;
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Diagnostic {
        self.file = file.into();
        self
    }

    /// Marks the span as personal data: no output shows `clear` (or the quoted span) unmasked.
    pub fn redacting(mut self, clear: impl Into<String>) -> Diagnostic {
        self.redacted = Some(clear.into());
        self
    }

    pub fn with_url(mut self, url: impl Into<String>) -> Diagnostic {
        self.extra.url = Some(url.into());
        self
    }

    /// The order reports use: by file, then position, then rule.
    pub fn sort_key(&self) -> (&str, Position, &str) {
        (&self.file, self.start, self.rule)
    }
}

/// The Chinese numeral form of an article number, as the regulation writes it (第十四条).
pub fn article_zh(article: u8) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let tens = usize::from(article / 10);
    let ones = usize::from(article % 10);
    let mut out = String::from("第");
    match tens {
        0 => {}
        1 => out.push('十'),
        _ => {
            out.push_str(DIGITS[tens]);
            out.push('十');
        }
    }
    if ones != 0 || tens == 0 {
        out.push_str(DIGITS[ones]);
    }
    out.push('条');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_numbers_read_as_the_regulation_writes_them() {
        assert_eq!(article_zh(3), "第三条");
        assert_eq!(article_zh(10), "第十条");
        assert_eq!(article_zh(14), "第十四条");
        assert_eq!(article_zh(22), "第二十二条");
        assert_eq!(article_zh(29), "第二十九条");
    }
}
