//! Text out of the attachments a portal publishes in `static/` (第二十二条): 公示名单 and 统计表 as
//! spreadsheets, documents and PDFs, where ID numbers and mobile numbers really leak.
//!
//! Bytes in, text parts out, each with its place (sheet and cell, page, paragraph); no file I/O. The
//! page text rules run over those parts in the core ([`govpress::static_files::part_findings`]). A file
//! that cannot be read is an [`Unreadable`] reason, which [`check`] turns into an `attachment.unread`
//! warning: never a silent pass.
//!
//! Kept out of the core crate: the core is also the browser's wasm checker, which has no `static/`.

use govpress::static_files::{self, TextPart};
use govpress::Diagnostic;

mod document;
mod pdf;
mod spreadsheet;
mod zip_guard;

/// How much an attachment may cost before it is refused unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file itself (`[limits] max_file_bytes`): larger ones are refused before a byte is parsed.
    pub max_file_bytes: u64,
    /// What the file may expand to once decompressed (the sizes a zip container declares, the XML
    /// read out of it): a small file that inflates to gigabytes is refused, not read.
    pub max_expanded_bytes: u64,
}

impl Limits {
    /// The file limit, and eight times it for what it may expand to (office files compress text about
    /// five to ten times).
    pub fn new(max_file_bytes: u64) -> Limits {
        Limits { max_file_bytes, max_expanded_bytes: max_file_bytes.saturating_mul(8) }
    }
}

/// What kind of attachment a file is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`: read as UTF-8 text, line by line.
    Csv,
    /// `.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.et` (WPS), `.ods`.
    Spreadsheet(spreadsheet::Kind),
    /// `.docx`.
    Docx,
    /// `.odt`.
    Odt,
    /// `.pdf`.
    Pdf,
    /// Binary word-processing formats whose text is not extracted (`.doc`, `.wps`): always reported.
    Unsupported,
}

impl Format {
    /// The attachment format of a file name (`files/名单.XLSX`), or `None` for any other file.
    pub fn of(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match extension.as_str() {
            "csv" => Format::Csv,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "pdf" => Format::Pdf,
            "doc" | "wps" => Format::Unsupported,
            other => Format::Spreadsheet(spreadsheet::Kind::of(other)?),
        })
    }
}

/// Why an attachment's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Over `[limits] max_file_bytes`: refused before reading.
    TooLarge { size: u64, limit: u64 },
    /// Its container declares more decompressed data than the limit allows.
    Expands { size: u64, limit: u64 },
    /// Protected by a password.
    Encrypted,
    /// Not a valid file of its kind; the reader's own words.
    Corrupt(String),
    /// A PDF with pages but no text layer (a scan): the text is in images.
    NoText,
    /// Some pages of a PDF (1-based) are images without text (scanned), the others were read.
    ScannedPages(Vec<u32>),
    /// A format whose text is not extracted (`.doc`, `.wps`).
    Unsupported(String),
}

impl Unreadable {
    /// The reason in Chinese, for the diagnostic's message.
    pub fn zh(&self) -> String {
        match self {
            Unreadable::TooLarge { size, limit } => {
                format!("文件大小 {size} 字节，超过上限 {limit} 字节（[limits] max_file_bytes），未读取")
            }
            Unreadable::Expands { size, limit } => format!("解压后达 {size} 字节，超过上限 {limit} 字节，未读取"),
            Unreadable::Encrypted => "文件已加密（设有打开密码）".to_string(),
            Unreadable::Corrupt(detail) => format!("文件已损坏或不是有效的该类文件（{detail}）"),
            Unreadable::NoText => "PDF 没有文本层（扫描件），文字在图像中".to_string(),
            Unreadable::ScannedPages(pages) => {
                format!("PDF 第 {} 页是没有文本层的图像（扫描件），其余页已检查", list(pages))
            }
            Unreadable::Unsupported(extension) => format!(".{extension} 格式的文本暂不能提取"),
        }
    }

    /// The reason in English.
    pub fn en(&self) -> String {
        match self {
            Unreadable::TooLarge { size, limit } => {
                format!("it is {size} bytes, over the limit of {limit} bytes ([limits] max_file_bytes); not read")
            }
            Unreadable::Expands { size, limit } => {
                format!("it expands to {size} bytes, over the limit of {limit} bytes; not read")
            }
            Unreadable::Encrypted => "it is encrypted (opening needs a password)".to_string(),
            Unreadable::Corrupt(detail) => format!("it is corrupt or not a valid file of its kind ({detail})"),
            Unreadable::NoText => "the PDF has no text layer (a scan): its text is in images".to_string(),
            Unreadable::ScannedPages(pages) => {
                format!(
                    "pages {} of the PDF are images without text (scans); the other pages were checked",
                    list(pages)
                )
            }
            Unreadable::Unsupported(extension) => format!("the text of .{extension} files is not extracted"),
        }
    }
}

fn list(pages: &[u32]) -> String {
    pages.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// What an extractor read: the text parts, and why some of the file could not be read, if so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub parts: Vec<TextPart>,
    pub incomplete: Option<Unreadable>,
}

impl From<Vec<TextPart>> for Extracted {
    fn from(parts: Vec<TextPart>) -> Extracted {
        Extracted { parts, incomplete: None }
    }
}

/// The text parts of an attachment of `format` (not CSV, which the core reads as text).
pub fn extract(format: Format, name: &str, bytes: &[u8], limits: Limits) -> Result<Extracted, Unreadable> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(Unreadable::TooLarge { size, limit: limits.max_file_bytes });
    }
    match format {
        Format::Spreadsheet(kind) => spreadsheet::extract(kind, bytes, limits).map(Extracted::from),
        Format::Docx => document::extract(document::Kind::Docx, bytes, limits).map(Extracted::from),
        Format::Odt => document::extract(document::Kind::Odt, bytes, limits).map(Extracted::from),
        Format::Pdf => pdf::extract(bytes),
        Format::Csv | Format::Unsupported => {
            let extension = name.rsplit_once('.').map_or("", |(_, extension)| extension);
            Err(Unreadable::Unsupported(extension.to_ascii_lowercase()))
        }
    }
}

/// 第二十二条 and 第十六条 on one file of `static/` (`relative` to it; `label` as diagnostics name it):
/// an attachment's text is judged by the page text rules, each finding at its cell, page or paragraph;
/// one that cannot be read is an `attachment.unread` warning. Other files give nothing.
pub fn check(relative: &str, bytes: &[u8], label: &str, limits: Limits) -> Vec<Diagnostic> {
    let Some(format) = Format::of(relative) else {
        return Vec::new();
    };
    let result = match format {
        Format::Csv if bytes.len() as u64 > limits.max_file_bytes => {
            Err(Unreadable::TooLarge { size: bytes.len() as u64, limit: limits.max_file_bytes })
        }
        Format::Csv => return static_files::csv_findings(bytes, label),
        _ => extract(format, relative, bytes, limits),
    };
    let unread = |reason: Unreadable| static_files::unread(label, &reason.zh(), &reason.en());
    match result {
        Ok(Extracted { parts, incomplete }) => {
            let mut findings = static_files::part_findings(&parts, label);
            findings.extend(incomplete.map(unread));
            findings
        }
        Err(reason) => vec![unread(reason)],
    }
}

/// Office files saved with a password are OLE compound files (an `EncryptedPackage` inside), whatever
/// their extension says.
fn is_compound_file(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of("名单.XLSX"), Some(Format::Spreadsheet(spreadsheet::Kind::Xlsx)));
        assert_eq!(Format::of("a/b.ods"), Some(Format::Spreadsheet(spreadsheet::Kind::Ods)));
        assert_eq!(Format::of("公告.docx"), Some(Format::Docx));
        assert_eq!(Format::of("x.pdf"), Some(Format::Pdf));
        assert_eq!(Format::of("x.doc"), Some(Format::Unsupported));
        assert_eq!(Format::of("logo.png"), None);
        assert_eq!(Format::of("README"), None);
    }

    #[test]
    fn the_size_limit_is_applied_before_reading() {
        let limits = Limits { max_file_bytes: 4, max_expanded_bytes: 32 };
        let found = check("a.csv", b"13912345678", "static/a.csv", limits);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "attachment.unread");
        assert!(found[0].message.zh.contains("超过上限 4 字节"), "{}", found[0].message.zh);
        let found = check("a.pdf", b"%PDF-1.7 and more", "static/a.pdf", limits);
        assert!(found[0].message.en.contains("over the limit of 4 bytes"), "{}", found[0].message.en);
    }

    #[test]
    fn unsupported_and_other_files() {
        let limits = Limits::new(1 << 20);
        let found = check("old.doc", b"\xD0\xCF\x11\xE0", "static/old.doc", limits);
        assert_eq!(found[0].rule, "attachment.unread");
        assert!(found[0].message.zh.contains(".doc 格式"), "{}", found[0].message.zh);
        assert!(check("logo.png", b"\x89PNG", "static/logo.png", limits).is_empty());
        let found = check("list.csv", "1,13912345678\n".as_bytes(), "static/list.csv", limits);
        assert_eq!((found[0].rule, found[0].start.line, found[0].start.column), ("personal-data.mobile", 1, 3));
    }
}
