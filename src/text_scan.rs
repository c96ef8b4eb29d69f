//! Scanning prose for patterns, outside URLs: the shared helpers of the text rules.

use std::ops::Range;

use crate::page::{Page, TextKind};

/// Byte ranges of the URLs written out in a text (`https://…`, `http://…`, `www.…`), so rules that
/// look for numbers or words do not read article ids in addresses as personal data.
pub fn url_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut cursor = 0;
    while cursor < bytes.len() {
        let Some(start) = next_url_start(bytes, cursor) else { break };
        let end = start + bytes[start..].iter().take_while(|&&byte| is_url_byte(byte)).count();
        ranges.push(start..end);
        cursor = end.max(start + 1);
    }
    ranges
}

/// The offset of the next `http://`, `https://` or `www.` at or after `from` that starts a word (at
/// `from` itself, or after a byte that is not an ASCII letter or digit). Every such start is followed
/// by a `:` or a `.` a few bytes on, and Chinese prose has few of either, so the scan jumps between
/// them (memchr) instead of testing every byte; the start is then read back from the delimiter.
fn next_url_start(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = memchr::memchr2(b':', b'.', &bytes[at..]) {
        let delimiter = at + found;
        let start = match bytes[delimiter] {
            b':' if bytes[delimiter..].starts_with(b"://") => {
                [5, 4].into_iter().filter_map(|back| delimiter.checked_sub(back)).find(|&start| {
                    let scheme = &bytes[start..delimiter];
                    scheme.eq_ignore_ascii_case(b"https") || scheme.eq_ignore_ascii_case(b"http")
                })
            }
            b'.' => delimiter.checked_sub(3).filter(|&start| bytes[start..delimiter].eq_ignore_ascii_case(b"www")),
            _ => None,
        };
        let starts_word = |start: usize| start == from || !bytes[start - 1].is_ascii_alphanumeric();
        if let Some(start) = start.filter(|&start| start >= from && starts_word(start)) {
            return Some(start);
        }
        at = delimiter + 1;
    }
    None
}

/// Characters a URL written in running text may contain: printable ASCII except quotes and angle brackets.
/// Chinese punctuation (，。) ends it, which is how URLs end in Chinese prose.
fn is_url_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() && !matches!(byte, b'"' | b'\'' | b'<' | b'>' | b'`')
}

/// The offset of the first ASCII digit in `bytes[from..to]`. Chinese prose has few digits, so this
/// tests thirty-two bytes at a time: a flag per byte OR-ed together with no early exit, which the compiler
/// turns into a few SIMD instructions (bytes of multi-byte characters are ≥ 0x80 and never match).
pub fn next_ascii_digit(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    const CHUNK: usize = 32;
    let to = to.min(bytes.len());
    let mut index = from.min(to);
    while index + CHUNK <= to {
        let Ok(chunk) = <&[u8; CHUNK]>::try_from(&bytes[index..index + CHUNK]) else { break };
        if chunk.iter().fold(false, |any, byte| any | byte.is_ascii_digit()) {
            break;
        }
        index += CHUNK;
    }
    bytes[index..to].iter().position(u8::is_ascii_digit).map(|found| index + found)
}

/// The offsets of every occurrence of `needle` in `haystack` (non-overlapping, ascending). memmem outside
/// WebAssembly: the standard library's search looks for the needle's last byte, and for a Chinese character
/// that is a continuation byte found all over Chinese text (26 M instructions over the check bench). The
/// browser's first module keeps the standard search: memmem's searchers would push it past its size budget.
pub fn find_all<'h>(haystack: &'h str, needle: &'h str) -> impl Iterator<Item = usize> + 'h {
    #[cfg(not(target_arch = "wasm32"))]
    {
        memchr::memmem::find_iter(haystack.as_bytes(), needle.as_bytes())
    }
    #[cfg(target_arch = "wasm32")]
    {
        haystack.match_indices(needle).map(|(at, _)| at)
    }
}

/// The first occurrence of `needle` in `haystack`: `find_all`'s search, once.
pub fn find_first(haystack: &str, needle: &str) -> Option<usize> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        memchr::memmem::find(haystack.as_bytes(), needle.as_bytes())
    }
    #[cfg(target_arch = "wasm32")]
    {
        haystack.find(needle)
    }
}

/// Whether an offset lies inside one of the (sorted, disjoint) ranges.
pub fn inside(ranges: &[Range<usize>], offset: usize) -> bool {
    let index = ranges.partition_point(|range| range.end <= offset);
    ranges.get(index).is_some_and(|range| range.start <= offset)
}

/// The displayed text of a page as maximal spans of the source: text runs that touch (prose split
/// by emphasis or escapes, say) are joined so a pattern cut by markup is still seen whole.
/// Front-matter values come last, each a span of its own.
pub fn text_spans(page: &Page<'_>) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = Vec::with_capacity(page.text_runs.len());
    for run in &page.text_runs {
        match spans.last_mut() {
            Some(last) if last.end == run.range.start && run.kind != TextKind::FrontMatter => {
                last.end = run.range.end;
            }
            _ => spans.push(run.range.clone()),
        }
    }
    spans
}

/// The Markdown body as written (markup and all) and then each displayed front-matter value: what
/// the phrase rules read, so emphasis or a link cannot cut a phrase in two.
pub fn body_and_displayed_values(page: &Page<'_>) -> Vec<Range<usize>> {
    let values = page.text_runs.iter().filter(|run| run.kind == TextKind::FrontMatter).map(|run| run.range.clone());
    std::iter::once(page.body_offset..page.source.len()).chain(values).collect()
}

/// The lines of a text with the byte offset each starts at (line endings removed).
pub fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line.trim_end_matches(['\n', '\r']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// memmem (outside WebAssembly) finds what the standard library's search finds.
        #[test]
        fn find_all_and_find_first_agree_with_std(
            haystack in "[a号發码\\n ]{0,40}",
            needle in prop::sample::select(vec!["号", "a号", "码", "a", "号号"]),
        ) {
            let expected: Vec<usize> = haystack.match_indices(needle).map(|(at, _)| at).collect();
            prop_assert_eq!(find_all(&haystack, needle).collect::<Vec<_>>(), expected);
            prop_assert_eq!(find_first(&haystack, needle), haystack.find(needle));
        }
    }

    /// The byte-by-byte scan `url_ranges` used before it jumped between delimiters: the reference.
    fn url_ranges_byte_by_byte(text: &str) -> Vec<Range<usize>> {
        let starts_with = |bytes: &[u8], prefix: &[u8]| {
            bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
        };
        let bytes = text.as_bytes();
        let mut ranges = Vec::new();
        let mut cursor = 0;
        'scan: while cursor < bytes.len() {
            let slice = &bytes[cursor..];
            for index in 0..slice.len() {
                let starts_word = index == 0 || !slice[index - 1].is_ascii_alphanumeric();
                let rest = &slice[index..];
                if starts_word
                    && (starts_with(rest, b"https://") || starts_with(rest, b"http://") || starts_with(rest, b"www."))
                {
                    let start = cursor + index;
                    let end = start + bytes[start..].iter().take_while(|&&byte| is_url_byte(byte)).count();
                    ranges.push(start..end);
                    cursor = end.max(start + 1);
                    continue 'scan;
                }
            }
            break;
        }
        ranges
    }

    proptest! {
        #[test]
        fn url_ranges_agree_with_the_byte_by_byte_scan(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "http", "HTTPS", "https", "://", ":", "//", "www", "WwW", ".", "..", "a", "9", "-", " ", "，",
                    "政务", "。", "h", "w", "s", "\"", "<", "x.gov.cn", "/p?q=1", "ｗｗｗ", "：//",
                ]),
                0..24,
            )
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(url_ranges(&text), url_ranges_byte_by_byte(&text));
        }
    }

    #[test]
    fn finds_urls_in_chinese_prose() {
        let text = "详见https://www.gov.cn/a/13912345678.htm，或访问www.example.gov.cn/x。";
        let ranges = url_ranges(text);
        assert_eq!(ranges.len(), 2);
        assert_eq!(&text[ranges[0].clone()], "https://www.gov.cn/a/13912345678.htm");
        assert_eq!(&text[ranges[1].clone()], "www.example.gov.cn/x");
        assert!(inside(&ranges, text.find("139").unwrap()));
        assert!(!inside(&ranges, 0));
    }

    #[test]
    fn a_word_containing_www_is_not_a_url() {
        assert!(url_ranges("awww.example").is_empty());
        assert!(url_ranges("no links here").is_empty());
    }

    proptest! {
        #[test]
        fn next_ascii_digit_is_the_first_digit(
            bytes in proptest::collection::vec(proptest::sample::select(vec![b'0', b'9', b'/', b':', b'a', 0x80, 0xE4, 0xB9, 0x00, 0xFF, 0x3A, 0x2F]), 0..80),
            from in 0usize..80,
            to in 0usize..80,
        ) {
            let to = to.min(bytes.len());
            let from = from.min(to);
            let expected = bytes[from..to].iter().position(u8::is_ascii_digit).map(|found| from + found);
            prop_assert_eq!(next_ascii_digit(&bytes, from, to), expected);
        }
    }

    #[test]
    fn finds_digits_eight_bytes_at_a_time() {
        let text = "政务公开信息政务公开信息：第5条，abc/:9";
        let bytes = text.as_bytes();
        let first = text.find('5').unwrap();
        assert_eq!(next_ascii_digit(bytes, 0, bytes.len()), Some(first));
        assert_eq!(next_ascii_digit(bytes, first + 1, bytes.len()), Some(text.find('9').unwrap()));
        assert_eq!(next_ascii_digit(bytes, 0, first), None);
        for byte in 0..=255u8 {
            for at in 0..40 {
                for filler in [b'a', 0xE4, b'9' + 1, b'0' - 1] {
                    let mut block = [filler; 40];
                    block[at] = byte;
                    let expected = byte.is_ascii_digit().then_some(at);
                    assert_eq!(next_ascii_digit(&block, 0, 40), expected, "byte {byte:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn lines_keep_their_offsets() {
        let lines: Vec<_> = lines_with_offsets("一\r\n二\n三").collect();
        assert_eq!(lines, [(0, "一"), (5, "二"), (9, "三")]);
    }
}
