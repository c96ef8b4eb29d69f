//! PDFs (lopdf): the text of each page. Chinese PDFs set text in CID fonts (`Type0`, `Identity-H`);
//! their `ToUnicode` CMap maps the glyph codes back to text, which lopdf reads. A PDF with pages but no
//! text (a scan) is unreadable, not clean; one locked with a password too (an owner password alone,
//! which an empty user password opens, is read).

use govpress::static_files::TextPart;
use govpress::Part;
use lopdf::Document;

use crate::{Extracted, Unreadable};

pub fn extract(bytes: &[u8]) -> Result<Extracted, Unreadable> {
    let document = Document::load_mem(bytes).map_err(|error| match error {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => Unreadable::Encrypted,
        other => Unreadable::Corrupt(other.to_string()),
    })?;
    if document.is_encrypted() && !document.was_encrypted() {
        return Err(Unreadable::Encrypted);
    }
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err(Unreadable::Corrupt("no pages".to_string()));
    }
    let mut parts = Vec::new();
    let mut failed = Vec::new();
    let mut scanned = Vec::new();
    for (&number, &page_id) in &pages {
        // A page lopdf cannot decode (an odd font, a broken stream) must not hide the others; it is
        // reported on its own.
        match document.extract_text(&[number]) {
            Ok(text) if !text.trim().is_empty() => parts.push(TextPart { part: Part::Page(number), text }),
            // An image and no text: a scanned page. A page with neither is blank.
            Ok(_) if document.get_page_images(page_id).is_ok_and(|images| !images.is_empty()) => scanned.push(number),
            Ok(_) => {}
            Err(error) => failed.push(format!("page {number}: {error}")),
        }
    }
    if parts.is_empty() {
        return Err(if failed.is_empty() { Unreadable::NoText } else { Unreadable::Corrupt(failed.join("; ")) });
    }
    let incomplete = if !failed.is_empty() {
        Some(Unreadable::Corrupt(failed.join("; ")))
    } else if !scanned.is_empty() {
        Some(Unreadable::ScannedPages(scanned))
    } else {
        None
    };
    Ok(Extracted { parts, incomplete })
}
