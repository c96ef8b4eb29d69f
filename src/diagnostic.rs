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

/// Where inside a file a diagnostic is, when the file is not text read line by line: an attachment's
/// spreadsheet cell, PDF page or document paragraph (第二十二条). `start`/`end` then point into the
/// part's own text (line 1 is its first line). Ordered as a reader goes through the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// A spreadsheet cell: the sheet's position in the workbook and name, then the 0-based row and column.
    Cell { sheet_index: usize, sheet: String, row: u32, column: u32 },
    /// A page of a PDF, 1-based.
    Page(u32),
    /// A paragraph of a word-processing document (table cells included), 1-based, in document order.
    Paragraph(u32),
}

impl Part {
    /// The cell's address as a spreadsheet names it: `C7` for row 6, column 2 (0-based).
    pub fn cell_address(row: u32, column: u32) -> String {
        let mut letters = Vec::new();
        let mut rest = u64::from(column) + 1;
        while rest > 0 {
            let digit = u8::try_from((rest - 1) % 26).unwrap_or(0);
            letters.push(char::from(b'A' + digit));
            rest = (rest - 1) / 26;
        }
        letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
    }

    /// The place as a reader names it: 工作表「公示」单元格 C7, 第 3 页, 第 12 段.
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (Part::Cell { sheet, row, column, .. }, Lang::Zh) => {
                format!("工作表「{sheet}」单元格 {}", Part::cell_address(*row, *column))
            }
            (Part::Cell { sheet, row, column, .. }, Lang::En) => {
                format!("sheet {sheet} cell {}", Part::cell_address(*row, *column))
            }
            (Part::Page(page), Lang::Zh) => format!("第 {page} 页"),
            (Part::Page(page), Lang::En) => format!("page {page}"),
            (Part::Paragraph(paragraph), Lang::Zh) => format!("第 {paragraph} 段"),
            (Part::Paragraph(paragraph), Lang::En) => format!("paragraph {paragraph}"),
        }
    }
}

/// The JSON form (SPEC §6, an additive `part` field): `{"sheet": "公示", "cell": "C7"}`, `{"page": 3}`,
/// `{"paragraph": 12}`.
impl Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        match self {
            Part::Cell { sheet, row, column, .. } => {
                map.serialize_entry("sheet", sheet)?;
                map.serialize_entry("cell", &Part::cell_address(*row, *column))?;
            }
            Part::Page(page) => map.serialize_entry("page", page)?,
            Part::Paragraph(paragraph) => map.serialize_entry("paragraph", paragraph)?,
        }
        map.end()
    }
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
    /// The cell, page or paragraph of an attachment the span is in; `None` for text files.
    pub part: Option<Part>,
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
            part: None,
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

    /// Places the diagnostic in a part of an attachment (its span then points into the part's text).
    pub fn in_part(mut self, part: Part) -> Diagnostic {
        self.part = Some(part);
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

    /// The order reports use: by file, then part (cells by sheet, row, column; pages; paragraphs), then
    /// position, then rule.
    pub fn sort_key(&self) -> (&str, Option<&Part>, Position, &str) {
        (&self.file, self.part.as_ref(), self.start, self.rule)
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

    #[test]
    fn parts_are_named_as_readers_name_them() {
        assert_eq!(Part::cell_address(6, 2), "C7");
        assert_eq!(Part::cell_address(0, 25), "Z1");
        assert_eq!(Part::cell_address(0, 26), "AA1");
        assert_eq!(Part::cell_address(9, 701), "ZZ10");
        assert_eq!(Part::cell_address(0, 702), "AAA1");
        let cell = Part::Cell { sheet_index: 0, sheet: "公示".into(), row: 6, column: 2 };
        assert_eq!(cell.label(Lang::Zh), "工作表「公示」单元格 C7");
        assert_eq!(cell.label(Lang::En), "sheet 公示 cell C7");
        assert_eq!(serde_json::to_string(&cell).unwrap(), r#"{"sheet":"公示","cell":"C7"}"#);
        assert_eq!(serde_json::to_string(&Part::Page(3)).unwrap(), r#"{"page":3}"#);
        assert_eq!(Part::Paragraph(12).label(Lang::Zh), "第 12 段");
        // Reading order: the second row before the tenth, whatever the addresses spell.
        let row = |row| Part::Cell { sheet_index: 0, sheet: "公示".into(), row, column: 0 };
        assert!(row(1) < row(9));
    }
}
