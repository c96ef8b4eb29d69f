//! Real attachments written by maintained writers, for the tests and for the corpus fixtures
//! (`cargo run -p govpress-attachments --example corpus_fixtures` writes `tests/corpus/attachments/`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Cursor;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

/// A 公示名单 workbook: sheet 说明 with a 统一社会信用代码 and a 文号 (quiet), sheet 公示 with an ID number
/// typed as text (C7) and a mobile number typed as a number (D8), and masked ones.
pub fn xlsx_list() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write_string(0, 0, "某某区2024年度就业补贴公示（区人社发〔2024〕12号）").unwrap();
    notes.write_string(1, 0, "发布单位统一社会信用代码：11350100MB0123456X").unwrap();
    notes.write_string(2, 0, "监督电话：0591-12345678，12345").unwrap();
    let list = workbook.add_worksheet();
    list.set_name("公示").unwrap();
    for (column, header) in ["序号", "姓名", "身份证号", "联系电话"].iter().enumerate() {
        list.write_string(5, column as u16, *header).unwrap();
    }
    list.write_number(6, 0, 1).unwrap();
    list.write_string(6, 1, "张三").unwrap();
    list.write_string(6, 2, "11010519491231002X").unwrap();
    list.write_string(6, 3, "139****5678").unwrap();
    list.write_number(7, 0, 2).unwrap();
    list.write_string(7, 1, "李四").unwrap();
    list.write_string(7, 2, "110105********0015").unwrap();
    list.write_number(7, 3, 13912345678.0).unwrap();
    workbook.save_to_buffer().unwrap()
}

/// A 公告 in Word: a paragraph with a 文号 (quiet), a table whose second cell holds a full-width mobile
/// number (paragraph 3), then a paragraph with a classification marking (paragraph 4).
pub fn docx_notice() -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let paragraph = |text: &str| Paragraph::new().add_run(Run::new().add_text(text));
    let table = Table::new(vec![TableRow::new(vec![
        TableCell::new().add_paragraph(paragraph("联系人")),
        TableCell::new().add_paragraph(paragraph("王五 １３９ １２３４ ５６７８")),
    ])]);
    let mut out = Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(paragraph("根据区政办〔2024〕3号文件，现将有关事项公告如下。"))
        .add_table(table)
        .add_paragraph(paragraph("机密★1年"))
        .build()
        .pack(&mut out)
        .unwrap();
    out.into_inner()
}

/// A PDF page: its text, and whether to set it in a CID font (`Type0`, `Identity-H`, a `ToUnicode`
/// CMap: how Word and WPS export Chinese) or in Helvetica (ASCII only). `None`: a scanned page, an
/// image and no text.
pub enum PdfPage<'a> {
    Cid(&'a str),
    Ascii(&'a str),
    Scan,
}

pub fn pdf(pages: &[PdfPage<'_>]) -> Vec<u8> {
    let mut document = Document::with_version("1.7");
    let pages_id = document.new_object_id();
    // One CID per distinct character, as a subset font numbers its glyphs.
    let mut cids: BTreeMap<char, u16> = BTreeMap::new();
    for page in pages {
        if let PdfPage::Cid(text) = page {
            for character in text.chars().filter(|character| *character != '\n') {
                let next = cids.len() as u16 + 1;
                cids.entry(character).or_insert(next);
            }
        }
    }
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def \
         /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let entries: Vec<_> = cids.iter().collect();
    for chunk in entries.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (character, cid) in chunk {
            let mut units = [0u16; 2];
            let hex: String = character.encode_utf16(&mut units).iter().map(|unit| format!("{unit:04X}")).collect();
            cmap.push_str(&format!("<{cid:04X}> <{hex}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let to_unicode = document.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let descendant = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "DW" => 1000,
    });
    let cid_font = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "SimSun",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()],
        "ToUnicode" => to_unicode,
    });
    let helvetica = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let image = document.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 1,
            "Height" => 1,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        vec![0x80],
    ));
    let resources = document.add_object(dictionary! {
        "Font" => dictionary! { "F1" => cid_font, "F2" => helvetica },
        "XObject" => dictionary! { "Im1" => image },
    });
    let mut kids = Vec::new();
    for page in pages {
        let mut operations = Vec::new();
        let mut show = |font: &str, lines: Vec<Object>| {
            operations.push(Operation::new("BT", vec![]));
            operations.push(Operation::new("Tf", vec![font.into(), 12.into()]));
            operations.push(Operation::new("TL", vec![14.into()]));
            operations.push(Operation::new("Td", vec![72.into(), 720.into()]));
            for (index, line) in lines.into_iter().enumerate() {
                if index > 0 {
                    operations.push(Operation::new("T*", vec![]));
                }
                operations.push(Operation::new("Tj", vec![line]));
            }
            operations.push(Operation::new("ET", vec![]));
        };
        match page {
            PdfPage::Cid(text) => {
                let lines = text
                    .lines()
                    .map(|line| {
                        let codes: Vec<u8> =
                            line.chars().flat_map(|character| cids[&character].to_be_bytes()).collect();
                        Object::String(codes, StringFormat::Hexadecimal)
                    })
                    .collect();
                show("F1", lines);
            }
            PdfPage::Ascii(text) => show("F2", text.lines().map(Object::string_literal).collect()),
            PdfPage::Scan => {
                operations.push(Operation::new("q", vec![]));
                operations
                    .push(Operation::new("cm", vec![595.into(), 0.into(), 0.into(), 842.into(), 0.into(), 0.into()]));
                operations.push(Operation::new("Do", vec!["Im1".into()]));
                operations.push(Operation::new("Q", vec![]));
            }
        }
        let content = Content { operations }.encode().unwrap();
        let content_id = document.add_object(Stream::new(dictionary! {}, content));
        kids.push(
            document
                .add_object(dictionary! {
                    "Type" => "Page",
                    "Parent" => pages_id,
                    "Contents" => content_id,
                    "Resources" => resources,
                    "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                })
                .into(),
        );
    }
    let count = kids.len() as i64;
    document
        .objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog);
    let mut out = Vec::new();
    document.save_to(&mut out).unwrap();
    out
}

/// A 公示 PDF: page 1 in a CID font with a 统一社会信用代码 (quiet) and, on its third line, an ID number;
/// page 2 in Helvetica with a mobile number and a masked one.
pub fn pdf_list() -> Vec<u8> {
    pdf(&[
        PdfPage::Cid("拟录用人员名单公示\n单位统一社会信用代码：11350100MB0123456X\n赵六 身份证号 11010519491231002X"),
        PdfPage::Ascii("Contact: 139 1234 5678\nMasked: 139****5678"),
    ])
}

/// Only look-alikes, all quiet: 统一社会信用代码 (half- and full-width), 文号, 编号, hotlines, amounts and
/// years, masked numbers, an ID-like number with a wrong check digit.
pub fn xlsx_look_alikes() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("企业名录").unwrap();
    let rows: [(&str, &str); 8] = [
        ("统一社会信用代码", "91350100M000100Y43"),
        ("统一社会信用代码（全角）", "９１３５０１００Ｍ０００１００Ｙ４３"),
        ("文号", "闽政办〔2024〕15号"),
        ("许可证编号", "JY13501020012345"),
        ("咨询电话", "0591-87654321 / 12345"),
        ("补贴金额（元）", "1380000.00"),
        ("联系人手机", "139****5678"),
        ("证件号（校验位不符）", "110105194912310021"),
    ];
    for (row, (label, value)) in rows.iter().enumerate() {
        sheet.write_string(row as u32, 0, *label).unwrap();
        sheet.write_string(row as u32, 1, *value).unwrap();
    }
    sheet.write_number(8, 0, 2024).unwrap();
    sheet.write_number(8, 1, 3.5).unwrap();
    workbook.save_to_buffer().unwrap()
}
