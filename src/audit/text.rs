//! The visible text of static HTML, read in the pass and judged by the page text rules: markings
//! of 第十六条 (`rules::secrets`) and personal numbers of 第二十二条 (`rules::personal_data`).
//! Text is decoded as the browser shows it; block elements separate runs, so two table cells'
//! digits never join into one number.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::TextType;

use crate::diagnostic::Diagnostic;
use crate::rules::{personal_data, secrets};
use crate::url_judge::decode_text;

use super::{Handler, State};

/// Elements that flow inside a line of text; every other element starts a new run.
const INLINE: [&str; 24] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s", "samp",
    "small", "span", "strong", "sub", "sup", "time", "u",
];

#[derive(Debug, Default)]
pub(super) struct TextState {
    visible: String,
    /// Where each piece of `visible` came from: (start in `visible`, start in the source, exact),
    /// exact when the piece had no character reference (offsets inside it map one to one).
    pieces: Vec<(usize, usize, bool)>,
}

pub(super) fn element_handlers<'h>(state: &Rc<RefCell<State>>) -> Vec<Handler<'h>> {
    let state = Rc::clone(state);
    vec![lol_html::element!("*", move |element| {
        if !INLINE.contains(&element.tag_name().as_str()) {
            state.borrow_mut().text.visible.push('\n');
        }
        Ok(())
    })]
}

pub(super) fn document_handlers<'h>(
    state: &Rc<RefCell<State>>,
) -> Vec<lol_html::DocumentContentHandlers<'h, lol_html::LocalHandlerTypes>> {
    let state = Rc::clone(state);
    vec![lol_html::doc_text!(move |chunk| {
        if !matches!(chunk.text_type(), TextType::Data | TextType::RCData) || chunk.as_str().is_empty() {
            return Ok(());
        }
        let raw = chunk.as_str();
        let source_start = chunk.source_location().bytes().start;
        let decoded = decode_text(raw);
        let text = &mut state.borrow_mut().text;
        text.pieces.push((text.visible.len(), source_start, decoded.len() == raw.len()));
        text.visible.push_str(&decoded);
        Ok(())
    })]
}

impl TextState {
    /// Findings of the text rules, at their offsets in the source.
    pub(super) fn judge(&self) -> Vec<(usize, Diagnostic)> {
        if self.visible.is_empty() {
            return Vec::new();
        }
        let whole = 0..self.visible.len();
        let markings = secrets::find_markings(&self.visible, whole.clone())
            .into_iter()
            .map(|found| (self.source_offset(found.range.start), secrets::diagnostic(&found)));
        let numbers = personal_data::find_in(&self.visible, whole)
            .into_iter()
            .map(|finding| (self.source_offset(finding.range.start), personal_data::diagnostic(&finding)));
        markings.chain(numbers).collect()
    }

    fn source_offset(&self, visible_offset: usize) -> usize {
        let index = self.pieces.partition_point(|(start, _, _)| *start <= visible_offset);
        match index.checked_sub(1).and_then(|index| self.pieces.get(index)) {
            Some(&(start, source, true)) => source + (visible_offset - start),
            Some(&(_, source, false)) => source,
            None => 0,
        }
    }
}
