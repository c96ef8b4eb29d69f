//! Spreadsheets (calamine): every non-empty cell of every sheet, as text, at its sheet and cell.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Ods, Reader, Xls, Xlsb, Xlsx};
use govpress::static_files::TextPart;
use govpress::Part;

use crate::{Limits, Unreadable};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.xlsx`, `.xlsm`.
    Xlsx,
    /// `.xlsb`.
    Xlsb,
    /// `.xls` (BIFF).
    Xls,
    /// `.et`: WPS saves it as BIFF or as OOXML, so both are tried.
    Et,
    /// `.ods`.
    Ods,
}

impl Kind {
    pub fn of(extension: &str) -> Option<Kind> {
        Some(match extension {
            "xlsx" | "xlsm" => Kind::Xlsx,
            "xlsb" => Kind::Xlsb,
            "xls" => Kind::Xls,
            "et" => Kind::Et,
            "ods" => Kind::Ods,
            _ => return None,
        })
    }
}

pub fn extract(kind: Kind, bytes: &[u8], limits: Limits) -> Result<Vec<TextPart>, Unreadable> {
    match kind {
        Kind::Xlsx | Kind::Xlsb | Kind::Ods => {
            // Declared sizes first: calamine inflates whole sheets into memory.
            crate::zip_guard::open(bytes, limits)?;
        }
        Kind::Xls | Kind::Et => {}
    }
    let cursor = Cursor::new(bytes);
    match kind {
        Kind::Xlsx => cells(open_workbook_from_rs::<Xlsx<_>, _>(cursor).map_err(xlsx_error)?),
        Kind::Xlsb => cells(open_workbook_from_rs::<Xlsb<_>, _>(cursor).map_err(corrupt)?),
        Kind::Ods => cells(open_workbook_from_rs::<Ods<_>, _>(cursor).map_err(corrupt)?),
        Kind::Xls => cells(open_workbook_from_rs::<Xls<_>, _>(cursor).map_err(xls_error)?),
        Kind::Et if bytes.starts_with(b"PK") => extract(Kind::Xlsx, bytes, limits),
        Kind::Et => extract(Kind::Xls, bytes, limits),
    }
}

/// Every sheet in workbook order; a sheet that cannot be read makes the file unread (never a part
/// of it silently skipped).
fn cells<RS, W>(mut workbook: W) -> Result<Vec<TextPart>, Unreadable>
where
    RS: std::io::Read + std::io::Seek,
    W: Reader<RS>,
    W::Error: std::fmt::Display,
{
    let mut parts = Vec::new();
    for (sheet_index, sheet) in workbook.sheet_names().into_iter().enumerate() {
        let range =
            workbook.worksheet_range(&sheet).map_err(|error| Unreadable::Corrupt(format!("{sheet}: {error}")))?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        for (row, column, value) in range.used_cells() {
            let Some(text) = cell_text(value) else { continue };
            let row = first_row.saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
            let column = first_column.saturating_add(u32::try_from(column).unwrap_or(u32::MAX));
            parts.push(TextPart { part: Part::Cell { sheet_index, sheet: sheet.clone(), row, column }, text });
        }
    }
    Ok(parts)
}

/// A cell as the text rules read it. A whole number stored as a number is written out in full (a mobile
/// number typed into a cell is the number 13912345678); dates, booleans and errors hold no personal data.
fn cell_text(value: &Data) -> Option<String> {
    match value {
        Data::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Data::Int(number) => Some(number.to_string()),
        // Below 2^53 a float holds every whole number exactly.
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => Some(format!("{number:.0}")),
        Data::Float(number) => Some(number.to_string()),
        _ => None,
    }
}

fn corrupt(error: impl std::fmt::Display) -> Unreadable {
    Unreadable::Corrupt(error.to_string())
}

fn xlsx_error(error: calamine::XlsxError) -> Unreadable {
    match error {
        calamine::XlsxError::Password => Unreadable::Encrypted,
        other => corrupt(other),
    }
}

fn xls_error(error: calamine::XlsError) -> Unreadable {
    match error {
        calamine::XlsError::Password => Unreadable::Encrypted,
        other => corrupt(other),
    }
}
