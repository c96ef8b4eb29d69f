//! Leave pages from one pass. A site's leave pages (one per outside destination, 10,000 on a large
//! portal) differ only in the destination the theme writes into them, and the pass over a leave page
//! never judges that destination (its 继续访问 link is the one link allowed out; the only text the pass
//! reads is the footer's). So the theme's leave page is rendered once with a placeholder destination
//! and passed once; each leave page is that output with its own destination in the placeholder's
//! places, and that pass's findings, moved along their lines by the length difference.
//!
//! Two guards keep this equal to a pass of its own over every page:
//! - [`Auditor::leave_template`] accepts the placeholder page only if the placeholder stands nowhere
//!   but in the `href` of a 继续访问 link and in text outside `<footer>`;
//! - [`LeaveTemplate::page`] takes a page only if the theme rendered it, byte for byte, as the
//!   placeholder page with the escaped destination in the placeholder's places — a theme that treats
//!   destinations differently (a condition on the scheme, a filter) fails this and the page gets its
//!   own pass.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diagnostic::Position;
use crate::leave_site::{RewriteError, CONTINUE_ATTRIBUTE};

use super::{Auditor, DocumentAudit, DocumentKind, Processed};

/// The destination the leave page is rendered with once: a URL (so that a link to it is judged as a
/// link out would be) on a reserved name (RFC 2606), unlike any real destination, with a character
/// the theme must escape (so that an unescaped destination is seen).
pub const LEAVE_PLACEHOLDER: &str = "https://leave-destination.govpress.invalid/?to&from";

/// The part of the placeholder that survives any escaping or encoding a theme could apply.
const PLACEHOLDER_MARK: &str = "leave-destination.govpress.invalid";

/// The placeholder leave page after its pass, cut at the placeholder.
#[derive(Debug, Clone)]
pub struct LeaveTemplate {
    /// The rendered page between the placeholder's places.
    rendered: Vec<String>,
    /// The published page between the placeholder's places.
    published: Vec<String>,
    /// Where each place starts in the rendered page.
    places: Vec<Position>,
    /// The placeholder as the theme escaped it.
    escaped_len: usize,
    /// The pass's findings on the placeholder page.
    audit: DocumentAudit,
    targets: Vec<crate::leave_site::LeaveTarget>,
}

impl Auditor<'_> {
    /// The shared pass of a site's leave pages: `rendered` is the theme's leave page for
    /// [`LEAVE_PLACEHOLDER`], which the theme wrote as `escaped`; `site_path` is a leave page's URL
    /// path. `None` when the theme puts the destination anywhere the pass reads (each page then
    /// gets its own pass).
    pub fn leave_template(
        &self,
        file: &str,
        site_path: &str,
        rendered: &str,
        escaped: &str,
    ) -> Result<Option<LeaveTemplate>, RewriteError> {
        if escaped.is_empty() || !only_where_unread(rendered, escaped)? {
            return Ok(None);
        }
        let processed = self.process(file, site_path, rendered, DocumentKind::LeavePage)?;
        // A finding that names the destination (a hidden 继续访问 link is still a hidden link) would
        // name the placeholder on every page.
        let mentioned = |text: &str| text.to_ascii_lowercase().contains(PLACEHOLDER_MARK);
        let names_it = processed.audit.diagnostics.iter().any(|diagnostic| {
            mentioned(&diagnostic.message.zh)
                || mentioned(&diagnostic.message.en)
                || diagnostic.extra.url.as_deref().is_some_and(mentioned)
        });
        if names_it || processed.audit.internal_links.iter().any(|link| mentioned(&link.href)) {
            return Ok(None);
        }
        let rendered_parts: Vec<String> = rendered.split(escaped).map(str::to_string).collect();
        let published: Vec<String> = processed.html.split(escaped).map(str::to_string).collect();
        if published.len() != rendered_parts.len() {
            return Ok(None);
        }
        let offsets: Vec<usize> = rendered.match_indices(escaped).map(|(offset, _)| offset).collect();
        Ok(Some(LeaveTemplate {
            rendered: rendered_parts,
            published,
            places: super::positions::positions(rendered, &offsets),
            escaped_len: escaped.chars().count(),
            audit: processed.audit,
            targets: processed.targets,
        }))
    }
}

impl LeaveTemplate {
    /// The published page and findings for the leave page `file` that the theme rendered as
    /// `rendered`, its destination written as `escaped`; `None` unless `rendered` is the placeholder
    /// page with `escaped` in the placeholder's places.
    pub fn page(&self, file: &str, rendered: &str, escaped: &str) -> Option<Processed> {
        if !self.matches(rendered, escaped) {
            return None;
        }
        let html = self.published.join(escaped);
        let shift = escaped.chars().count() as isize - self.escaped_len as isize;
        let moved = |position: Position| self.moved(position, shift);
        let diagnostics = self
            .audit
            .diagnostics
            .iter()
            .map(|diagnostic| {
                let mut diagnostic = diagnostic.clone();
                diagnostic.start = moved(diagnostic.start);
                diagnostic.end = moved(diagnostic.end);
                diagnostic.in_file(file)
            })
            .collect();
        let internal_links = self
            .audit
            .internal_links
            .iter()
            .map(|link| super::InternalLink { href: link.href.clone(), position: moved(link.position) })
            .collect();
        let audit = DocumentAudit { diagnostics, internal_links, ids: self.audit.ids.clone() };
        Some(Processed { html, audit, targets: self.targets.clone() })
    }

    /// True when `rendered` is the rendered parts joined by `escaped`.
    fn matches(&self, rendered: &str, escaped: &str) -> bool {
        let mut rest = rendered;
        for (index, part) in self.rendered.iter().enumerate() {
            let Some(after) = rest.strip_prefix(part.as_str()) else { return false };
            rest = after;
            if index + 1 < self.rendered.len() {
                let Some(after) = rest.strip_prefix(escaped) else { return false };
                rest = after;
            }
        }
        rest.is_empty()
    }

    /// A position of the placeholder page on a page whose destination is `shift` characters longer:
    /// every place before it on its line moves it.
    fn moved(&self, position: Position, shift: isize) -> Position {
        let before = self.places.iter().filter(|place| place.line == position.line && place.column < position.column);
        let column = position.column as isize + shift * before.count() as isize;
        Position { line: position.line, column: column.max(1) as usize }
    }
}

/// True when every appearance of the placeholder in `rendered` is `escaped` standing in the `href` of
/// a 继续访问 link (`<a>`/`<area>`, which the pass lets out unjudged) or in text outside `<footer>`
/// (the only text the pass reads on a leave page): the places where a destination changes nothing the
/// pass finds.
fn only_where_unread(rendered: &str, escaped: &str) -> Result<bool, RewriteError> {
    #[derive(Default)]
    struct Seen {
        in_continue_href: usize,
        in_text: usize,
        in_footer_text: usize,
        in_comments: usize,
        text: String,
        footer_text: String,
    }
    let seen = Rc::new(RefCell::new(Seen::default()));
    let continue_links = {
        let seen = Rc::clone(&seen);
        lol_html::element!("a[href], area[href]", move |element| {
            let is_continue_link =
                matches!(element.tag_name().as_str(), "a" | "area") && element.has_attribute(CONTINUE_ATTRIBUTE);
            if let Some(href) = element.get_attribute("href").filter(|_| is_continue_link) {
                seen.borrow_mut().in_continue_href += marks(&href);
            }
            Ok(())
        })
    };
    let footer_text = {
        let seen = Rc::clone(&seen);
        lol_html::text!("footer", move |chunk| {
            let seen = &mut *seen.borrow_mut();
            seen.in_footer_text += marks_in_node(&mut seen.footer_text, chunk);
            Ok(())
        })
    };
    let text = {
        let seen = Rc::clone(&seen);
        lol_html::doc_text!(move |chunk| {
            let seen = &mut *seen.borrow_mut();
            seen.in_text += marks_in_node(&mut seen.text, chunk);
            Ok(())
        })
    };
    let comments = {
        let seen = Rc::clone(&seen);
        lol_html::doc_comments!(move |comment| {
            seen.borrow_mut().in_comments += marks(&comment.text());
            Ok(())
        })
    };
    let settings = lol_html::RewriteStrSettings::new()
        .append_element_content_handler(continue_links)
        .append_element_content_handler(footer_text)
        .append_document_content_handler(text)
        .append_document_content_handler(comments);
    lol_html::rewrite_str(rendered, settings).map_err(|error| RewriteError::new(error.to_string()))?;
    // Every appearance counted in a place where the pass does not read it, and each one the escaped
    // placeholder (any other appearance — in another attribute, a tag name, unescaped — is left over).
    let seen = seen.borrow();
    let everywhere = marks(rendered);
    let placed = seen.in_continue_href + seen.in_text + seen.in_comments;
    Ok(seen.in_footer_text == 0 && placed == everywhere && rendered.matches(escaped).count() == everywhere)
}

/// How many times the placeholder's mark appears in `text`, in any letter case.
fn marks(text: &str) -> usize {
    text.to_ascii_lowercase().matches(PLACEHOLDER_MARK).count()
}

/// Adds `chunk` to the text `node` it belongs to; at the node's last chunk, the marks in the whole node
/// (lol_html may cut a node anywhere, even inside the mark), and `node` is emptied.
fn marks_in_node(node: &mut String, chunk: &lol_html::html_content::TextChunk<'_>) -> usize {
    node.push_str(chunk.as_str());
    if !chunk.last_in_text_node() {
        return 0;
    }
    let found = marks(node);
    node.clear();
    found
}

#[cfg(test)]
mod tests;
