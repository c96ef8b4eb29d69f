//! Text as the text rules read it: what Word, WeChat and input methods paste, folded to the ASCII
//! forms the rules look for, with a map back to the bytes as written so diagnostics still point at
//! the original text.
//!
//! Folded, one character for one character:
//! - full-width digits and letters (`１３８`, `ＡＰＰ`, `Ｘ`) to ASCII;
//! - the ideographic space (U+3000) and the no-break space (U+00A0) to a space;
//! - the full-width hyphen-minus, the Unicode hyphens (U+2010–U+2013) and the minus sign (U+2212) to `-`;
//! - the full-width full stop `．`, plus `＋` and low line `＿` to `.`, `+` and `_`.
//!
//! Nothing else changes: Chinese punctuation (`，。：；！？`), the dash `——` and brackets stay, because
//! the rules' phrase shapes are written with them. The work is one pass over the text, and a text with
//! nothing to fold is borrowed, not copied.

use std::borrow::Cow;
use std::ops::Range;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use std::sync::LazyLock;

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use aho_corasick::packed;

/// A text with its foldable characters folded, and where each folded stretch came from.
#[derive(Debug, Clone)]
pub struct Normalised<'a> {
    text: Cow<'a, str>,
    /// After each folded character: (offset in the folded text, offset in the original). Between two
    /// anchors the texts are byte for byte the same, so one anchor maps a whole stretch.
    anchors: Vec<(usize, usize)>,
}

impl<'a> Normalised<'a> {
    pub fn new(original: &'a str) -> Normalised<'a> {
        let bytes = original.as_bytes();
        if !holds_foldable(bytes) {
            return Normalised { text: Cow::Borrowed(original), anchors: Vec::new() };
        }
        let mut folded: Option<String> = None;
        let mut anchors = Vec::new();
        // Start of the original stretch not yet copied into `folded`.
        let mut copied_to = 0;
        let mut index = 0;
        let mut leads = FoldableLeads::new(bytes);
        while let Some(found) = leads.next_from(index) {
            index = found;
            let width = utf8_width(bytes[index]);
            // Most leads are CJK punctuation (，。“”): read from the bytes, without decoding the character.
            let Some(ascii) = fold_encoded(bytes.get(index..).unwrap_or_default()) else {
                index += width;
                continue;
            };
            let out = folded.get_or_insert_with(|| String::with_capacity(original.len()));
            out.push_str(&original[copied_to..index]);
            out.push(char::from(ascii));
            index += width;
            copied_to = index;
            anchors.push((out.len(), index));
        }
        let text = match folded {
            Some(mut out) => {
                out.push_str(&original[copied_to..]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(original),
        };
        Normalised { text, anchors }
    }

    /// The folded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether anything was folded.
    pub fn changed(&self) -> bool {
        !self.anchors.is_empty()
    }

    /// The original offset of a folded offset (a folded character's start maps to its start, its end
    /// to its end).
    pub fn to_original(&self, folded: usize) -> usize {
        let index = self.anchors.partition_point(|&(at, _)| at <= folded);
        match index.checked_sub(1).map(|index| self.anchors[index]) {
            Some((at, original)) => original + (folded - at),
            None => folded,
        }
    }

    /// The folded offset of an original offset on a character boundary.
    pub fn to_folded(&self, original: usize) -> usize {
        let index = self.anchors.partition_point(|&(_, at)| at <= original);
        match index.checked_sub(1).map(|index| self.anchors[index]) {
            Some((folded, at)) => folded + (original - at),
            None => original,
        }
    }

    pub fn range_to_original(&self, range: Range<usize>) -> Range<usize> {
        self.to_original(range.start)..self.to_original(range.end)
    }

    pub fn range_to_folded(&self, range: Range<usize>) -> Range<usize> {
        self.to_folded(range.start)..self.to_folded(range.end)
    }

    /// The folded form of `original[range]` (on character boundaries). Folding is one character for one
    /// character, so that is a stretch of the folded whole: a text folded once serves every part of it.
    pub fn stretch(&self, range: Range<usize>) -> Stretch<'_> {
        let folded = self.range_to_folded(range);
        Stretch { text: &self.text[folded.clone()], start: folded.start, normalised: self }
    }
}

/// A stretch of a folded text, as a rule reads it, with the way back to the original.
#[derive(Debug, Clone, Copy)]
pub struct Stretch<'n> {
    /// The folded text of the stretch.
    pub text: &'n str,
    /// Where it starts in the folded whole.
    start: usize,
    normalised: &'n Normalised<'n>,
}

impl Stretch<'_> {
    /// The original range (in the whole original) of a range of this stretch's text.
    pub fn range_to_original(&self, range: Range<usize>) -> Range<usize> {
        self.normalised.range_to_original(range.start + self.start..range.end + self.start)
    }

    /// The offset in this stretch's text of an original offset (in the whole original) inside it.
    pub fn to_folded(&self, original: usize) -> usize {
        self.normalised.to_folded(original) - self.start
    }
}

/// Whether a text holds a character that folds. Most texts hold none, but their Chinese punctuation
/// (，。“”：) starts with the same lead bytes as the characters that do, so the scan below stops at every
/// one of them (46 M instructions over the check bench, 3,000 pages). Where the CPU has a SIMD (Teddy)
/// search, one pass looks for the three-byte forms of the characters that fold, then two byte searches
/// for the rarer ones (`EF BD`: full-width lower-case letters, `C2 A0`), each candidate confirmed:
/// the answer is exact (proptested). Elsewhere (WebAssembly) the answer is always yes.
fn holds_foldable(bytes: &[u8]) -> bool {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    if let Some(searcher) = &*FOLDABLE_SEQUENCES {
        return searcher.find(bytes).is_some()
            || memchr::memmem::find_iter(bytes, b"\xEF\xBD").any(|at| matches!(bytes.get(at + 2), Some(0x81..=0x9A)))
            || memchr::memchr_iter(0xC2, bytes).any(|at| bytes.get(at + 1) == Some(&0xA0));
    }
    let _ = bytes;
    true
}

/// The three-byte forms that fold, less the full-width lower-case letters (`EF BD 81`–`9A`), as one
/// SIMD (Teddy) search of eight buckets, 32 bytes a step. Its speed rests on how the patterns share the
/// buckets, which it fills in pattern order: a pattern whose low half-bytes all match an earlier one's
/// joins that one's bucket, any other opens bucket `7 - id % 8`. Listed in this order, the full-width
/// forms `EF BC x` fall in buckets by the last half-byte of `x`, two half-bytes a bucket — (0, 1), (2, 3),
/// (4, 5), (6, 7), (8, 9), (A, B), (C, F), (D, E) — and the hyphens, the minus sign and U+3000 join
/// buckets where the common punctuation of their lead bytes still fails: ，(`8C`), ！(`81`), （(`88`) and
/// ）(`89`) have a high half-byte 8 that only the buckets of ＋, －, ． and U+3000 take, and ：；？
/// (`9A`, `9B`, `9F`) a high half-byte 9 that no bucket of A–F takes. Another order finds the same, slower.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
static FOLDABLE_SEQUENCES: LazyLock<Option<packed::Searcher>> = LazyLock::new(|| {
    let full_width = |third: u8| [0xEF, 0xBC, third];
    let mut patterns: Vec<[u8; 3]> = Vec::new();
    // Ids 0–7 open buckets 7–0 (half-bytes 0, 2, 4, 6, 8, A, C, D); ids 8–15 join them (1, 3, 5, 7, 9, B, F, E).
    patterns.extend([0x90, 0x92, 0x94, 0x96, 0x98, 0xAA, 0xAC, 0xAD].map(full_width));
    patterns.extend([0x91, 0x93, 0x95, 0x97, 0x99, 0xAB, 0xAF, 0xAE].map(full_width));
    let mut rest = (0xA1..=0xA9).chain(0xB0..=0xBA).chain([0x8B, 0x8D, 0x8E, 0xBF]).map(full_width);
    // The others open buckets at chosen ids (id % 8 picks the bucket); full-width forms fill the gaps.
    for (id, pattern) in [
        (16, [0xE2, 0x80, 0x90]),
        (17, [0xE2, 0x80, 0x92]),
        (23, [0xE3, 0x80, 0x80]),
        (24, [0xE2, 0x80, 0x91]),
        (25, [0xE2, 0x80, 0x93]),
        (33, [0xE2, 0x88, 0x92]),
    ] {
        patterns.extend(rest.by_ref().take(id - patterns.len()));
        patterns.push(pattern);
    }
    patterns.extend(rest);
    packed::Config::new().only_teddy_fat(Some(false)).builder().extend(patterns).build()
});

/// Where the characters that may fold start: every foldable character's UTF-8 form begins with one of
/// the lead bytes C2 (U+00A0), E2 (U+2010–2013, U+2212), E3 (U+3000) or EF (U+FF0B–FF5A), and no other
/// byte of any character is one of them. memchr finds them many bytes at a time, so ASCII and most
/// Chinese text (leads E4–E9) cost next to nothing: this reads every text the text rules see.
struct FoldableLeads<'t> {
    bytes: &'t [u8],
    /// The next C2 at or after the last search's start, if any (memchr3 takes the other three).
    next_c2: Option<Option<usize>>,
}

impl<'t> FoldableLeads<'t> {
    fn new(bytes: &'t [u8]) -> FoldableLeads<'t> {
        FoldableLeads { bytes, next_c2: None }
    }

    fn next_from(&mut self, from: usize) -> Option<usize> {
        let rest = self.bytes.get(from..)?;
        let others = memchr::memchr3(0xE2, 0xE3, 0xEF, rest).map(|found| from + found);
        let c2 = match self.next_c2 {
            Some(Some(at)) if at >= from => Some(at),
            Some(None) => None,
            _ => memchr::memchr(0xC2, rest).map(|found| from + found),
        };
        self.next_c2 = Some(c2);
        match (others, c2) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
        _ => 1,
    }
}

/// `fold_char` on the UTF-8 form at the start of `bytes`: the same table, written as the byte sequences
/// it folds (U+00A0 is C2 A0, U+3000 E3 80 80, U+2010–2013 E2 80 90–93, U+2212 E2 88 92, U+FF0B–FF3F
/// EF BC 8B–BF, U+FF41–FF5A EF BD 81–9A).
fn fold_encoded(bytes: &[u8]) -> Option<u8> {
    let ascii = match *bytes {
        [0xC2, 0xA0, ..] | [0xE3, 0x80, 0x80, ..] => b' ',
        [0xE2, 0x80, 0x90..=0x93, ..] | [0xE2, 0x88, 0x92, ..] | [0xEF, 0xBC, 0x8D, ..] => b'-',
        [0xEF, 0xBC, 0x8B, ..] => b'+',
        [0xEF, 0xBC, 0x8E, ..] => b'.',
        [0xEF, 0xBC, 0xBF, ..] => b'_',
        [0xEF, 0xBC, third @ 0x90..=0x99, ..] => b'0' + (third - 0x90),
        [0xEF, 0xBC, third @ 0xA1..=0xBA, ..] => b'A' + (third - 0xA1),
        [0xEF, 0xBD, third @ 0x81..=0x9A, ..] => b'a' + (third - 0x81),
        _ => return None,
    };
    Some(ascii)
}

/// The ASCII form of one foldable character.
pub fn fold(character: &str) -> Option<char> {
    let character = character.chars().next()?;
    fold_char(character)
}

/// The ASCII form of one foldable character.
pub fn fold_char(character: char) -> Option<char> {
    let code = u32::from(character);
    let ascii = match code {
        // Full-width digits, upper- and lower-case letters: U+FF01..=U+FF5E is ASCII 0x21..=0x7E shifted.
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => code - 0xFF01 + 0x21,
        0xFF0B => u32::from(b'+'),
        0xFF0D | 0x2010..=0x2013 | 0x2212 => u32::from(b'-'),
        0xFF0E => u32::from(b'.'),
        0xFF3F => u32::from(b'_'),
        0x3000 | 0x00A0 => u32::from(b' '),
        _ => return None,
    };
    char::from_u32(ascii)
}

/// Whether a character is a digit or letter, in its ASCII or full-width form (what masking hides).
pub fn is_alphanumeric_form(character: char) -> bool {
    character.is_ascii_alphanumeric() || fold_char(character).is_some_and(|ascii| ascii.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every character folded as `fold_char` says, whatever its lead byte (the scan skips some).
        #[test]
        fn the_text_is_every_character_folded(text in "[\\x00-\\x7f\u{a0}-\u{ff}\u{2000}-\u{2215}\u{3000}-\u{3002}\u{4e00}-\u{4e10}\u{ff00}-\u{ff65}\u{1f600}]{0,40}") {
            let expected: String = text.chars().map(|character| fold_char(character).unwrap_or(character)).collect();
            let normalised = Normalised::new(&text);
            prop_assert_eq!(normalised.text(), expected.as_str());
            prop_assert_eq!(normalised.changed(), expected != text);
        }
    }

    proptest! {
        /// A stretch of the folded whole is the stretch folded on its own, and maps back the same way.
        #[test]
        fn a_stretch_of_the_whole_is_the_stretch_folded(
            text in "[\\x20-\\x7f\u{a0}\u{2010}-\u{2013}\u{3000}-\u{3002}\u{4e00}-\u{4e03}\u{ff0b}-\u{ff1a}\u{ff21}-\u{ff23}]{0,40}",
            cut in (0usize..=40, 0usize..=40),
        ) {
            let boundaries: Vec<usize> = text.char_indices().map(|(at, _)| at).chain(std::iter::once(text.len())).collect();
            let (a, b) = (boundaries[cut.0 % boundaries.len()], boundaries[cut.1 % boundaries.len()]);
            let range = a.min(b)..a.max(b);
            let whole = Normalised::new(&text);
            let stretch = whole.stretch(range.clone());
            let alone = Normalised::new(&text[range.clone()]);
            prop_assert_eq!(stretch.text, alone.text());
            for (at, character) in alone.text().char_indices() {
                let end = at + character.len_utf8();
                let expected = alone.range_to_original(at..end);
                prop_assert_eq!(stretch.range_to_original(at..end), expected.start + range.start..expected.end + range.start);
                prop_assert_eq!(stretch.to_folded(expected.start + range.start), at);
            }
        }
    }

    proptest! {
        /// The SIMD search says a text holds a character that folds exactly when one of its characters folds.
        #[test]
        fn holds_foldable_is_exact(text in "[\\x00-\\x7f\u{a0}-\u{ff}\u{2000}-\u{2215}\u{3000}-\u{303f}\u{4e00}-\u{4e10}\u{5f00}-\u{5f3f}\u{ff00}-\u{ff65}\u{1f600}]{0,40}") {
            let expected = text.chars().any(|character| fold_char(character).is_some());
            prop_assert_eq!(holds_foldable(text.as_bytes()), expected || cfg!(not(any(target_arch = "x86_64", target_arch = "aarch64"))));
        }
    }

    #[test]
    fn every_foldable_character_is_found_alone_and_among_punctuation() {
        for code in (0..=0xFFFF).chain([0x1F600, 0x10FFFF]) {
            let Some(character) = char::from_u32(code) else { continue };
            let text = format!("，。“”：{character}【】");
            let expected = fold_char(character).is_some();
            if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
                assert_eq!(holds_foldable(text.as_bytes()), expected, "U+{code:04X}");
            }
        }
    }

    #[test]
    fn the_byte_table_is_the_character_table() {
        for code in 0..=0x10FFFF {
            let Some(character) = char::from_u32(code) else { continue };
            let mut buffer = [0u8; 4];
            let encoded = character.encode_utf8(&mut buffer).as_bytes();
            assert_eq!(fold_encoded(encoded).map(char::from), fold_char(character), "U+{code:04X}");
        }
    }

    #[test]
    fn folds_full_width_forms_and_maps_offsets_back() {
        let original = "电话：１３９　１２３４－５６７８，ＡＰＰ。";
        let normalised = Normalised::new(original);
        assert_eq!(normalised.text(), "电话：139 1234-5678，APP。");
        let folded_start = normalised.text().find("139").unwrap();
        assert_eq!(normalised.to_original(folded_start), original.find('１').unwrap());
        let folded_end = normalised.text().find('，').unwrap();
        assert_eq!(normalised.to_original(folded_end), original.find('，').unwrap());
        assert_eq!(normalised.to_folded(original.find('，').unwrap()), folded_end);
        let app = normalised.text().find("APP").unwrap();
        assert_eq!(&original[normalised.range_to_original(app..app + 3)], "ＡＰＰ");
    }

    #[test]
    fn a_text_with_nothing_to_fold_is_borrowed() {
        let original = "请使用“一网通办”——办事指南：12345。";
        let normalised = Normalised::new(original);
        assert!(matches!(normalised.text, Cow::Borrowed(_)));
        assert!(!normalised.changed());
        assert_eq!(normalised.to_original(7), 7);
    }

    #[test]
    fn every_offset_round_trips() {
        let original = "ａ1２b　c．ｄ—e";
        let normalised = Normalised::new(original);
        assert_eq!(normalised.text(), "a12b c.d—e");
        for (folded, _) in normalised.text().char_indices() {
            let back = normalised.to_original(folded);
            assert!(original.is_char_boundary(back));
            assert_eq!(normalised.to_folded(back), folded);
        }
    }

    #[test]
    fn masking_counts_full_width_digits() {
        assert!(is_alphanumeric_form('５'));
        assert!(is_alphanumeric_form('Ｘ'));
        assert!(!is_alphanumeric_form('　'));
        assert!(!is_alphanumeric_form('政'));
    }
}
