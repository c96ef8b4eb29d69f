//! 第二十二条: personal data a diagnostic points at is never shown again in clear — not in a terminal, a CI
//! log, a SARIF upload or a JUnit report. A diagnostic carries the clear text it points at
//! ([`Diagnostic::redacting`](crate::Diagnostic::redacting)); a [`Redactor`] built from a report masks
//! every occurrence of those texts in whatever an output format prints, in one pass over the text.

use std::borrow::Cow;
use std::collections::BTreeSet;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::normalise::is_alphanumeric_form;

/// How many letters or digits stay visible at each end (`138****5678`, `110101********1234` keeps 3 and 4
/// of its alphanumerics here: the masked form never carries enough to identify the person).
const KEEP_FIRST: usize = 3;
const KEEP_LAST: usize = 4;

/// Masks every letter or digit (ASCII or full-width, as pasted from Word) but the first three and the last four; separators stay.
pub fn mask(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    mask_chars(&mut chars);
    chars.into_iter().collect()
}

/// [`mask`] in place, for printers that lay characters out themselves. Each character stays one character.
pub fn mask_chars(chars: &mut [char]) {
    let alphanumeric = chars.iter().filter(|character| is_alphanumeric_form(**character)).count();
    for (seen, character) in chars.iter_mut().filter(|character| is_alphanumeric_form(**character)).enumerate() {
        if seen >= KEEP_FIRST && seen + KEEP_LAST < alphanumeric {
            *character = '*';
        }
    }
}

/// Replaces every clear text a report redacts with its masked form.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    matcher: Option<AhoCorasick>,
    masked: Vec<String>,
}

impl Redactor {
    pub fn new<'a>(clear_texts: impl IntoIterator<Item = &'a str>) -> Redactor {
        // Texts too short to identify anyone are not worth masking everywhere they occur.
        let clear: Vec<&str> = clear_texts
            .into_iter()
            .filter(|text| {
                text.chars().filter(|character| is_alphanumeric_form(*character)).count() > KEEP_FIRST + KEEP_LAST
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if clear.is_empty() {
            return Redactor::default();
        }
        let masked = clear.iter().map(|text| mask(text)).collect();
        // Longest first, so a number inside a longer one is masked as the longer one.
        let matcher = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&clear).ok();
        Redactor { matcher, masked }
    }

    /// The text with every redacted occurrence masked; borrowed when nothing matched.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let Some(matcher) = &self.matcher else { return Cow::Borrowed(text) };
        let mut matches = matcher.find_iter(text).peekable();
        if matches.peek().is_none() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for found in matches {
            out.push_str(&text[copied..found.start()]);
            out.push_str(&self.masked[found.pattern().as_usize()]);
            copied = found.end();
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    /// [`apply`](Self::apply) for optional fields.
    pub fn apply_option<'t>(&self, text: Option<&'t str>) -> Option<Cow<'t, str>> {
        text.map(|text| self.apply(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_ends_and_keeps_separators() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("138 1234 5678"), "138 **** 5678");
        assert_eq!(mask("11010519491231002X"), "110***********002X");
        assert_eq!(mask("1234567"), "1234567", "nothing left to hide between the ends");
        assert_eq!(
            mask("１３８　１２３４　５６７８"),
            "１３８　****　５６７８",
            "full-width digits as Word pastes them"
        );
    }

    #[test]
    fn every_occurrence_is_masked_in_one_pass() {
        let redactor = Redactor::new(["13812345678", "6222020200001234567", "13812345678", "123"]);
        let text = "“请致电13812345678或13812345678，卡号6222020200001234567”";
        assert_eq!(redactor.apply(text), "“请致电138****5678或138****5678，卡号622************4567”");
        assert!(matches!(redactor.apply("nothing here 123"), Cow::Borrowed(_)), "short texts are not secrets");
        assert!(matches!(Redactor::new([]).apply("13812345678"), Cow::Borrowed(_)));
    }
}
