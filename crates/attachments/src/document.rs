//! Word-processing documents: the paragraphs of a `.docx` (`word/document.xml`, ECMA-376) or an `.odt`
//! (`content.xml`, OpenDocument), table cells included, numbered in document order.
//!
//! Read with the zip and XML crates calamine already brings rather than a docx model crate: the text is
//! all that is wanted, and the text model of both formats is a handful of elements (paragraph, text run,
//! tab, line break). Deleted text kept by track changes (`w:delText`) is read too: it is still in the
//! published file.

use govpress::static_files::TextPart;
use govpress::Part;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::{Limits, Unreadable};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Docx,
    Odt,
}

impl Kind {
    fn body(self) -> &'static str {
        match self {
            Kind::Docx => "word/document.xml",
            Kind::Odt => "content.xml",
        }
    }
}

pub fn extract(kind: Kind, bytes: &[u8], limits: Limits) -> Result<Vec<TextPart>, Unreadable> {
    let mut archive = crate::zip_guard::open(bytes, limits)?;
    let xml = crate::zip_guard::read_text(&mut archive, kind.body(), limits)?;
    paragraphs(kind, &xml).map_err(|error| Unreadable::Corrupt(format!("{}: {error}", kind.body())))
}

/// What an element means for the text.
enum Element {
    Paragraph,
    /// Text is taken inside it only (`w:t`, `w:delText`; in ODT all text inside a paragraph counts).
    Text,
    /// A run (`w:r`): tabs count only inside one (`w:tab` is also a tab stop in paragraph properties).
    Run,
    Tab,
    Break,
    /// ODT `text:s`: `text:c` spaces (default one).
    Spaces(usize),
    Other,
}

fn element(kind: Kind, start: &BytesStart<'_>) -> Element {
    let name = start.name();
    match (kind, name.as_ref()) {
        (Kind::Docx, "w:p") => Element::Paragraph,
        (Kind::Docx, "w:t" | "w:delText") => Element::Text,
        (Kind::Docx, "w:r") => Element::Run,
        (Kind::Docx, "w:tab") => Element::Tab,
        (Kind::Docx, "w:br" | "w:cr") => Element::Break,
        (Kind::Odt, "text:p" | "text:h") => Element::Paragraph,
        (Kind::Odt, "text:tab") => Element::Tab,
        (Kind::Odt, "text:line-break") => Element::Break,
        (Kind::Odt, "text:s") => {
            let count = start
                .try_get_attribute("text:c")
                .ok()
                .flatten()
                .and_then(|attribute| attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok()?.parse().ok())
                .unwrap_or(1);
            Element::Spaces(count)
        }
        _ => Element::Other,
    }
}

/// One paragraph being read: its number and text so far. Paragraphs nest (a text box inside a run).
struct Open {
    number: u32,
    text: String,
}

#[derive(Default)]
struct State {
    open: Vec<Open>,
    done: Vec<TextPart>,
    count: u32,
    /// Depth inside `w:t`/`w:delText` (DOCX) — ODT text needs none.
    in_text: usize,
    in_run: usize,
}

impl State {
    fn push(&mut self, text: &str) {
        if let Some(paragraph) = self.open.last_mut() {
            paragraph.text.push_str(text);
        }
    }

    fn start(&mut self, kind: Kind, element: Element) {
        match element {
            Element::Paragraph => {
                self.count = self.count.saturating_add(1);
                self.open.push(Open { number: self.count, text: String::new() });
            }
            Element::Text => self.in_text += 1,
            Element::Run => self.in_run += 1,
            Element::Tab if kind == Kind::Odt || self.in_run > 0 => self.push("\t"),
            Element::Break if kind == Kind::Odt || self.in_run > 0 => self.push("\n"),
            Element::Spaces(count) => self.push(&" ".repeat(count.min(64))),
            Element::Tab | Element::Break | Element::Other => {}
        }
    }

    fn end(&mut self, element: Element) {
        match element {
            Element::Paragraph => {
                if let Some(paragraph) = self.open.pop() {
                    if !paragraph.text.trim().is_empty() {
                        self.done.push(TextPart { part: Part::Paragraph(paragraph.number), text: paragraph.text });
                    }
                }
            }
            Element::Text => self.in_text = self.in_text.saturating_sub(1),
            Element::Run => self.in_run = self.in_run.saturating_sub(1),
            _ => {}
        }
    }

    fn reads_text(&self, kind: Kind) -> bool {
        kind == Kind::Odt || self.in_text > 0
    }
}

fn paragraphs(kind: Kind, xml: &str) -> Result<Vec<TextPart>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut state = State::default();
    loop {
        match reader.read_event()? {
            Event::Start(start) => state.start(kind, element(kind, &start)),
            Event::Empty(start) => {
                // `<w:p/>` is an empty paragraph: numbered, never reported.
                let element = element(kind, &start);
                if matches!(element, Element::Paragraph) {
                    state.count = state.count.saturating_add(1);
                } else if !matches!(element, Element::Text | Element::Run) {
                    state.start(kind, element);
                }
            }
            Event::End(end) => {
                let name = end.name();
                let closing = match (kind, name.as_ref()) {
                    (Kind::Docx, "w:p") | (Kind::Odt, "text:p" | "text:h") => Element::Paragraph,
                    (Kind::Docx, "w:t" | "w:delText") => Element::Text,
                    (Kind::Docx, "w:r") => Element::Run,
                    _ => Element::Other,
                };
                state.end(closing);
            }
            Event::Text(text) if state.reads_text(kind) => state.push(&text.xml10_content()),
            Event::CData(data) if state.reads_text(kind) => state.push(&data.xml10_content()),
            Event::GeneralRef(reference) if state.reads_text(kind) => {
                if let Some(character) = reference.resolve_char_ref()? {
                    state.push(character.encode_utf8(&mut [0; 4]));
                } else if let Some(text) = quick_xml::escape::resolve_predefined_entity(&reference.xml10_content()) {
                    state.push(text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut parts = state.done;
    parts.sort_by_key(|part| part.part.clone());
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(kind: Kind, xml: &str) -> Vec<(Part, String)> {
        paragraphs(kind, xml).unwrap().into_iter().map(|part| (part.part, part.text)).collect()
    }

    #[test]
    fn docx_paragraphs_runs_tabs_and_entities() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
              <w:r><w:t>联系电话</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">139 1234 </w:t></w:r><w:r><w:t>5678</w:t></w:r></w:p>
            <w:p/>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>A&amp;B&#x31;</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:delText>删去的</w:delText><w:instrText>PAGE</w:instrText><w:br/><w:t>x</w:t></w:r></w:p>
        </w:body></w:document>"#;
        assert_eq!(
            texts(Kind::Docx, xml),
            [
                (Part::Paragraph(1), "联系电话\t139 1234 5678".to_string()),
                (Part::Paragraph(3), "A&B1".to_string()),
                (Part::Paragraph(4), "删去的\nx".to_string()),
            ]
        );
    }

    #[test]
    fn odt_paragraphs_and_spaces() {
        let xml = r#"<office:document-content><office:body><office:text>
            <text:h>标题</text:h><text:p>电话<text:s text:c="2"/><text:span>13912345678</text:span></text:p>
        </office:text></office:body></office:document-content>"#;
        assert_eq!(
            texts(Kind::Odt, xml),
            [(Part::Paragraph(1), "标题".to_string()), (Part::Paragraph(2), "电话  13912345678".to_string())]
        );
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(paragraphs(Kind::Docx, "<w:p><w:t>a</w:p>").is_err());
    }
}
