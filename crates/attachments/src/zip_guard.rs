//! The zip container of xlsx, ods, docx and odt, opened only when what it declares fits the limit.

use std::io::{Cursor, Read};

use crate::{Limits, Unreadable};

pub type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Opens the container; refuses one whose entries declare more than `max_expanded_bytes` in all, and
/// reports a password-protected office file (an OLE compound file) as encrypted.
pub fn open(bytes: &[u8], limits: Limits) -> Result<Archive<'_>, Unreadable> {
    if crate::is_compound_file(bytes) {
        return Err(Unreadable::Encrypted);
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| Unreadable::Corrupt(error.to_string()))?;
    // The central directory's sizes (zip's own total gives up on entries written with data descriptors,
    // which most office writers use).
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|error| Unreadable::Corrupt(error.to_string()))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.max_expanded_bytes {
        return Err(Unreadable::Expands { size: declared, limit: limits.max_expanded_bytes });
    }
    Ok(archive)
}

/// One entry's text (UTF-8), read no further than the limit whatever its header says.
pub fn read_text(archive: &mut Archive<'_>, name: &str, limits: Limits) -> Result<String, Unreadable> {
    let entry = archive.by_name(name).map_err(|error| Unreadable::Corrupt(format!("{name}: {error}")))?;
    let mut bytes = Vec::new();
    entry
        .take(limits.max_expanded_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| Unreadable::Corrupt(format!("{name}: {error}")))?;
    if bytes.len() as u64 > limits.max_expanded_bytes {
        return Err(Unreadable::Expands { size: bytes.len() as u64, limit: limits.max_expanded_bytes });
    }
    String::from_utf8(bytes).map_err(|_| Unreadable::Corrupt(format!("{name}: not UTF-8")))
}
