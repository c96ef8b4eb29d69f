//! How deep a page's rendered HTML nests, estimated from its events without rendering. The HTML
//! parser behind the sanitiser (html5ever) walks its stack of open elements for every tag, so its
//! time grows with the square of the nesting (80,000 nested `<div>` took 19 s). Pages nesting
//! deeper than browsers build (Chromium stops at 512) are refused before they reach it.
//!
//! The estimate errs on the deep side: every Markdown container counts one level, and raw HTML
//! elements stay open until their end tag (void elements never open; `<p>`, `<li>` and the like
//! close an open one of their kind as browsers do).

use crate::page::{Page, TextKind};
use pulldown_cmark::{Event, Tag, TagEnd};

/// The deepest nesting a page may have.
pub const NESTING_LIMIT: usize = 512;

/// The source offset where the page's nesting first goes past `NESTING_LIMIT`, if it does.
pub fn too_deep(page: &Page<'_>) -> Option<usize> {
    // Without raw HTML only Markdown containers nest, one level per start event: a page with no more
    // events than the limit cannot pass it (most pages), and its events are not walked.
    let raw_html = page.text_runs.iter().any(|run| run.kind == TextKind::Html);
    if !raw_html && page.events.len() <= NESTING_LIMIT {
        return None;
    }
    walk(page)
}

/// `too_deep` event by event.
fn walk(page: &Page<'_>) -> Option<usize> {
    let mut markdown_depth = 0usize;
    let mut open_html: Vec<&str> = Vec::new();
    for (event, range) in &page.events {
        match event {
            // An HTML block is no element of its own: its tags are counted below.
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(_) => {
                markdown_depth += 1;
                if markdown_depth + open_html.len() > NESTING_LIMIT {
                    return Some(range.start);
                }
            }
            Event::End(_) => markdown_depth = markdown_depth.saturating_sub(1),
            Event::Html(_) | Event::InlineHtml(_) => {
                let fragment = page.source.get(range.clone()).unwrap_or_default();
                let room = NESTING_LIMIT.saturating_sub(markdown_depth);
                if let Some(offset) = open_elements(fragment, &mut open_html, room) {
                    return Some(range.start + offset);
                }
            }
            _ => {}
        }
    }
    None
}

/// Follows the tags of one raw HTML fragment on the stack of open elements; returns the offset of
/// the start tag that makes the stack deeper than `room`.
fn open_elements<'a>(fragment: &'a str, open: &mut Vec<&'a str>, room: usize) -> Option<usize> {
    let bytes = fragment.as_bytes();
    let mut cursor = 0;
    while let Some(found) = memchr::memchr(b'<', bytes.get(cursor..).unwrap_or_default()) {
        let start = cursor + found;
        let after = start + 1;
        if bytes.get(after..).is_some_and(|rest| rest.starts_with(b"!--")) {
            cursor = memchr::memmem::find(&bytes[after..], b"-->").map_or(bytes.len(), |end| after + end + 3);
            continue;
        }
        let closing = bytes.get(after) == Some(&b'/');
        let name_start = after + usize::from(closing);
        let name_length = bytes
            .get(name_start..)
            .unwrap_or_default()
            .iter()
            .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-')
            .count();
        cursor = name_start + name_length;
        if name_length == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = &fragment[name_start..cursor];
        if closing {
            if let Some(position) = open.iter().rposition(|element| element.eq_ignore_ascii_case(name)) {
                open.truncate(position);
            }
            continue;
        }
        if is_void(name) {
            continue;
        }
        if let Some(&top) = open.last() {
            let closes_top = (top.eq_ignore_ascii_case(name) && closes_its_kind(name))
                || (top.eq_ignore_ascii_case("p") && closes_paragraph(name));
            if closes_top {
                open.pop();
            }
        }
        open.push(name);
        if open.len() > room {
            return Some(start);
        }
        if is_raw_text(name) {
            // Their content is text up to the matching end tag (`<script>` holding "<div>").
            cursor = end_of_raw_text(bytes, cursor, name);
        }
    }
    None
}

/// Where the end tag `</name` (any case) starts after `from`, or the end of the fragment.
fn end_of_raw_text(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut cursor = from;
    while let Some(found) = memchr::memmem::find(bytes.get(cursor..).unwrap_or_default(), b"</") {
        let at = cursor + found;
        let candidate = bytes.get(at + 2..at + 2 + name.len());
        if candidate.is_some_and(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes())) {
            return at;
        }
        cursor = at + 2;
    }
    bytes.len()
}

fn is_void(name: &str) -> bool {
    const VOID: [&str; 15] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source",
        "track", "wbr",
    ];
    VOID.iter().any(|void| void.eq_ignore_ascii_case(name))
}

/// Elements whose start tag ends an open element of the same kind (`<li>` after `<li>`).
fn closes_its_kind(name: &str) -> bool {
    ["p", "li", "dt", "dd", "tr", "td", "th", "option"].iter().any(|kind| kind.eq_ignore_ascii_case(name))
}

/// Block elements whose start tag ends an open `<p>`.
fn closes_paragraph(name: &str) -> bool {
    const BLOCKS: [&str; 28] = [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    ];
    BLOCKS.iter().any(|block| block.eq_ignore_ascii_case(name))
}

fn is_raw_text(name: &str) -> bool {
    ["script", "style", "textarea", "title", "xmp"].iter().any(|raw| raw.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_of(fragment: &str) -> usize {
        let mut open = Vec::new();
        open_elements(fragment, &mut open, usize::MAX);
        open.len()
    }

    #[test]
    fn follows_open_and_closed_elements() {
        assert_eq!(depth_of("<div><p>一<br><img src=x>二</p></div>"), 0);
        assert_eq!(depth_of("<div><section><span>"), 3);
        assert_eq!(depth_of("<ul><li>一<li>二<li>三</ul>"), 0);
        assert_eq!(depth_of("<p>一<p>二<p>三<div>"), 1, "paragraphs close each other and before a block");
        assert_eq!(depth_of("<div><!-- <div><div> --></div>"), 0);
        assert_eq!(depth_of("<script>if (a<b) { x = '<div><div>' }</script>"), 0);
        assert_eq!(depth_of("<DIV><Div></div></DIV>"), 0);
    }

    #[test]
    fn pages_too_short_to_pass_the_limit_are_not_walked_and_answer_the_same() {
        for levels in
            [NESTING_LIMIT / 2 - 2, NESTING_LIMIT / 2 - 1, NESTING_LIMIT - 1, NESTING_LIMIT, NESTING_LIMIT + 1]
        {
            let quotes = "> ".repeat(levels) + "引文";
            let (page, _) = Page::parse("a.md", &quotes);
            assert_eq!(too_deep(&page), walk(&page), "{levels} levels");
            assert_eq!(too_deep(&page).is_some(), levels + 1 > NESTING_LIMIT, "{levels} levels and a paragraph");
        }
        let divs = "<div>".repeat(NESTING_LIMIT + 1);
        let (page, _) = Page::parse("a.md", &divs);
        assert!(page.events.len() <= NESTING_LIMIT, "one HTML block, a few events");
        assert!(too_deep(&page).is_some(), "raw HTML is always walked");
    }

    #[test]
    fn deep_pages_are_found_where_they_pass_the_limit() {
        let deep = "<div>".repeat(NESTING_LIMIT + 10);
        let (page, _) = Page::parse("a.md", &deep);
        let offset = too_deep(&page).expect("too deep");
        assert_eq!(offset, "<div>".len() * NESTING_LIMIT);
        let quotes = "> ".repeat(NESTING_LIMIT + 10) + "引文";
        let (page, _) = Page::parse("a.md", &quotes);
        assert!(too_deep(&page).is_some());
        let side_by_side = "<div>一</div>\n\n".repeat(NESTING_LIMIT * 4);
        let (page, _) = Page::parse("a.md", &side_by_side);
        assert_eq!(too_deep(&page), None, "many elements side by side are fine");
    }
}
