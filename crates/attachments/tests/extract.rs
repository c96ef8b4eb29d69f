//! Real xlsx, docx and PDF files, written by maintained writers, through the extractors and the page
//! text rules: each finding at its file, sheet and cell, paragraph or page, the number masked.

mod support;

use attachments::{check, extract, Format, Limits, Unreadable};
use govpress::{Diagnostic, Lang, Part, Report};

const LIMITS: Limits = Limits { max_file_bytes: 16 << 20, max_expanded_bytes: 128 << 20 };

fn places(found: &[Diagnostic]) -> Vec<(&str, Option<String>, usize, usize)> {
    found
        .iter()
        .map(|diagnostic| {
            let part = diagnostic.part.as_ref().map(|part| part.label(Lang::En));
            (diagnostic.rule, part, diagnostic.start.line, diagnostic.start.column)
        })
        .collect()
}

fn json(found: Vec<Diagnostic>) -> String {
    Report::new(1, found).to_json(Lang::Zh)
}

#[test]
fn xlsx_findings_name_the_sheet_and_cell_and_mask_the_number() {
    let found = check("files/名单.xlsx", &support::xlsx_list(), "static/files/名单.xlsx", LIMITS);
    assert_eq!(
        places(&found),
        [
            ("personal-data.resident-id", Some("sheet 公示 cell C7".to_string()), 1, 1),
            ("personal-data.mobile", Some("sheet 公示 cell D8".to_string()), 1, 1),
        ],
        "the 信用代码, 文号, hotlines and masked numbers stay quiet"
    );
    assert!(found.iter().all(|diagnostic| diagnostic.file == "static/files/名单.xlsx"));
    let report = json(found);
    assert!(
        report.contains(r#""part": {"#) && report.contains(r#""sheet": "公示""#) && report.contains(r#""cell": "C7""#)
    );
    assert!(!report.contains("11010519491231002X") && !report.contains("13912345678"), "{report}");
    assert!(report.contains("139****5678"), "the mobile number masked: {report}");
}

#[test]
fn docx_findings_name_the_paragraph() {
    let found = check("公告.docx", &support::docx_notice(), "static/公告.docx", LIMITS);
    assert_eq!(
        places(&found),
        [
            ("personal-data.mobile", Some("paragraph 3".to_string()), 1, 4),
            ("secrets.classification", Some("paragraph 4".to_string()), 1, 1),
        ]
    );
}

#[test]
fn pdf_findings_name_the_page_in_cid_and_simple_fonts() {
    let extracted = extract(Format::Pdf, "a.pdf", &support::pdf_list(), LIMITS).unwrap();
    assert!(extracted.parts[0].text.contains("拟录用人员名单公示"), "CID text comes back: {:?}", extracted.parts);
    let found = check("公示.pdf", &support::pdf_list(), "static/公示.pdf", LIMITS);
    assert_eq!(
        places(&found),
        [
            ("personal-data.resident-id", Some("page 1".to_string()), 3, 9),
            ("personal-data.mobile", Some("page 2".to_string()), 1, 10),
        ]
    );
    let report = json(found);
    assert!(report.contains(r#""page": 1"#) && !report.contains("11010519491231002X"), "{report}");
}

#[test]
fn scanned_pdfs_are_reported_as_unread() {
    use support::PdfPage;
    let scan = support::pdf(&[PdfPage::Scan, PdfPage::Scan]);
    assert_eq!(extract(Format::Pdf, "scan.pdf", &scan, LIMITS).unwrap_err(), Unreadable::NoText);
    let found = check("scan.pdf", &scan, "static/scan.pdf", LIMITS);
    assert_eq!(places(&found), [("attachment.unread", None, 1, 1)]);
    assert!(found[0].message.zh.contains("扫描件"), "{}", found[0].message.zh);
    // Some pages scanned, others text: the text is checked and the scans reported.
    let mixed = support::pdf(&[PdfPage::Ascii("Tel 13912345678"), PdfPage::Scan]);
    let found = check("mixed.pdf", &mixed, "static/mixed.pdf", LIMITS);
    assert_eq!(
        places(&found),
        [("personal-data.mobile", Some("page 1".to_string()), 1, 5), ("attachment.unread", None, 1, 1)]
    );
    assert!(found[1].message.en.contains("pages 2 of the PDF"), "{}", found[1].message.en);
}

#[test]
fn corrupt_encrypted_and_oversized_files_are_unread_warnings() {
    let unread = |relative: &str, bytes: &[u8], limits: Limits| {
        let found = check(relative, bytes, &format!("static/{relative}"), limits);
        assert_eq!(places(&found), [("attachment.unread", None, 1, 1)], "{relative}");
        assert_eq!(found[0].severity, govpress::Severity::Warning);
        found[0].message.en.clone()
    };
    assert!(unread("bad.xlsx", b"PK\x03\x04 not a workbook", LIMITS).contains("corrupt"));
    assert!(unread("bad.docx", b"not a zip", LIMITS).contains("corrupt"));
    assert!(unread("bad.pdf", b"%PDF-1.7\nbroken", LIMITS).contains("corrupt"));
    assert!(unread("bad.ods", b"", LIMITS).contains("corrupt"));
    // A workbook without its sheets is not a clean workbook.
    let mut truncated = support::xlsx_list();
    truncated.truncate(truncated.len() / 2);
    assert!(unread("cut.xlsx", &truncated, LIMITS).contains("corrupt"));
    // Office files saved with a password are OLE compound files.
    let ole = [&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &[0; 504]].concat();
    assert!(unread("locked.docx", &ole, LIMITS).contains("encrypted"));
    assert!(unread("locked.xlsx", &ole, LIMITS).contains("encrypted"));
    // Over the file limit: refused before reading; a container that declares more than it may expand to.
    let list = support::xlsx_list();
    let small = Limits { max_file_bytes: 100, max_expanded_bytes: 1 << 20 };
    assert!(unread("big.xlsx", &list, small).contains("over the limit of 100 bytes"));
    let tight = Limits { max_file_bytes: 1 << 20, max_expanded_bytes: 1000 };
    assert!(unread("bomb.xlsx", &list, tight).contains("expands to"));
}

#[test]
fn cells_keep_reading_order_in_reports() {
    let cell = |row| Part::Cell { sheet_index: 1, sheet: "公示".into(), row, column: 0 };
    let found: Vec<Diagnostic> = check("a.xlsx", &support::xlsx_list(), "static/a.xlsx", LIMITS);
    let report = Report::new(1, found);
    let rows: Vec<_> = report.diagnostics.iter().map(|diagnostic| diagnostic.part.clone()).collect();
    assert!(rows.windows(2).all(|pair| pair[0] <= pair[1]));
    assert!(cell(7) < cell(10), "row 8 before row 11, whatever the addresses spell");
}
