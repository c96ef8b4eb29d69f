//! Front matter: TOML between `+++` lines or YAML between `---` lines, with the line of every key.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::diagnostic::Position;
use crate::disclosure::{Disclosure, DisclosureKey};
use crate::source::LineIndex;
use crate::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterFormat {
    Toml,
    Yaml,
}

/// The values govpress reads from a page's front matter. Dates stay text until a rule reads them,
/// so a malformed date is that rule's diagnostic at that key's line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    #[serde(deserialize_with = "text")]
    pub title: Option<String>,
    #[serde(deserialize_with = "text")]
    pub date: Option<String>,
    /// A scheduled page (定时发布): left out of the build until this moment; its `date` may lie ahead.
    #[serde(deserialize_with = "text")]
    pub publish_at: Option<String>,
    #[serde(deserialize_with = "text")]
    pub department: Option<String>,
    #[serde(deserialize_with = "text")]
    pub author: Option<String>,
    #[serde(deserialize_with = "text")]
    pub kind: Option<String>,
    /// Boxed, as `disclosure`: only reprints have one.
    pub reprint: Option<Box<ReprintSource>>,
    pub draft: bool,
    #[serde(deserialize_with = "text")]
    pub slug: Option<String>,
    #[serde(deserialize_with = "text")]
    pub path: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    /// Sections (`_index.md`): how many days may pass without a new page (及时性).
    pub freshness_days: Option<u32>,
    /// Sections: `news`, `notice`, `policy`, `service`; guessed from the title when absent.
    #[serde(deserialize_with = "text")]
    pub section_kind: Option<String>,
    pub paginate_by: Option<usize>,
    pub weight: Option<i64>,
    /// 政府信息公开 (SPEC §9): `disclosure = true` on a section, a `[disclosure]` table on a document.
    /// Boxed: most pages have none, and a site's model holds every page's front matter to the end.
    pub disclosure: Option<Box<DisclosureKey>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReprintSource {
    #[serde(deserialize_with = "text")]
    pub source_name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub source_url: Option<String>,
    #[serde(deserialize_with = "text")]
    pub reprinted_at: Option<String>,
}

/// A text value, or a TOML date or time as written (`date = 2024-05-15` reads as "2024-05-15"), so
/// the front matter deserialises straight from either format with no intermediate value tree.
pub(crate) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_any(TextVisitor)
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }

    /// TOML hands dates and times over as a one-entry map that `toml::value::Datetime` reads.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let datetime = toml::value::Datetime::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Some(datetime_text(&datetime)))
    }
}

/// `datetime.to_string()`, written digit by digit: the formatting machinery cost more than reading the
/// date (proptested against `to_string`).
fn datetime_text(datetime: &toml::value::Datetime) -> String {
    /// `value` in decimal, zero-padded to `width` digits.
    fn push_number(out: &mut String, value: u32, width: usize) {
        let mut digits = [b'0'; 10];
        let mut rest = value;
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] += (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len() - start)));
        out.extend(digits[start..].iter().map(|&digit| char::from(digit)));
    }
    let mut out = String::with_capacity(35);
    if let Some(date) = &datetime.date {
        push_number(&mut out, u32::from(date.year), 4);
        out.push('-');
        push_number(&mut out, u32::from(date.month), 2);
        out.push('-');
        push_number(&mut out, u32::from(date.day), 2);
    }
    if let Some(time) = &datetime.time {
        if datetime.date.is_some() {
            out.push('T');
        }
        push_number(&mut out, u32::from(time.hour), 2);
        out.push(':');
        push_number(&mut out, u32::from(time.minute), 2);
        if let Some(second) = time.second.or_else(|| time.nanosecond.is_some().then_some(0)) {
            out.push(':');
            push_number(&mut out, u32::from(second), 2);
        }
        if let Some(nanosecond) = time.nanosecond {
            let mut fraction = String::with_capacity(10);
            push_number(&mut fraction, nanosecond, 9);
            let fraction = fraction.trim_end_matches('0');
            out.push('.');
            out.push_str(if fraction.is_empty() { "0" } else { fraction });
        }
    }
    match datetime.offset {
        Some(toml::value::Offset::Z) => out.push('Z'),
        Some(toml::value::Offset::Custom { minutes }) => {
            out.push(if minutes < 0 { '-' } else { '+' });
            let minutes = minutes.unsigned_abs();
            push_number(&mut out, u32::from(minutes / 60), 2);
            out.push(':');
            push_number(&mut out, u32::from(minutes % 60), 2);
        }
        None => {}
    }
    out
}

impl FrontMatter {
    pub fn date(&self) -> Option<Timestamp> {
        self.date.as_deref().and_then(Timestamp::parse)
    }

    /// `publish_at`, when it is a valid time.
    pub fn publish_at(&self) -> Option<Timestamp> {
        self.publish_at.as_deref().and_then(Timestamp::parse)
    }

    /// A page scheduled for later: its `publish_at` is still ahead of `now`.
    pub fn is_scheduled(&self, now: chrono::DateTime<chrono::FixedOffset>) -> bool {
        self.publish_at().is_some_and(|at| at.instant() > now)
    }

    pub fn is_reprint(&self) -> bool {
        self.kind.as_deref() == Some("reprint")
    }

    /// A section's `_index.md` with `disclosure = true`: a 政府信息公开 directory.
    pub fn is_disclosure_section(&self) -> bool {
        self.disclosure.as_deref() == Some(&DisclosureKey::Section(true))
    }

    /// A document's `[disclosure]` table.
    pub fn disclosure(&self) -> Option<&Disclosure> {
        match self.disclosure.as_deref() {
            Some(DisclosureKey::Document(disclosure)) => Some(disclosure),
            _ => None,
        }
    }
}

/// A page split into its front matter block and body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    pub format: Option<FrontMatterFormat>,
    /// The text between the fences.
    pub block: &'a str,
    /// Byte offset of `block` in the source.
    pub block_offset: usize,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
}

/// What went wrong reading front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontMatterError {
    Missing,
    Unterminated {
        fence: &'static str,
    },
    Syntax {
        position: Position,
        message: String,
    },
    /// Nested past `limit` levels: refused before parsing (the parsers slow down with depth).
    TooDeep {
        position: Position,
        limit: usize,
    },
}

/// Splits off the front matter. A source that does not start with a fence has none.
pub fn split(source: &str) -> Result<Split<'_>, FrontMatterError> {
    let start = if source.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let rest = &source[start..];
    let (fence, format) = if fence_line(rest, "+++") {
        ("+++", FrontMatterFormat::Toml)
    } else if fence_line(rest, "---") {
        ("---", FrontMatterFormat::Yaml)
    } else {
        return Err(FrontMatterError::Missing);
    };
    let block_offset = start + rest.find('\n').map_or(rest.len(), |index| index + 1);
    let mut offset = block_offset;
    for line in source[block_offset..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Split {
                format: Some(format),
                block: &source[block_offset..offset],
                block_offset,
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(FrontMatterError::Unterminated { fence })
}

fn fence_line(text: &str, fence: &str) -> bool {
    text.lines().next().is_some_and(|line| line.trim_end() == fence)
}

/// Parses a split block. Positions in errors are in the whole source.
pub fn parse(source: &str, split: &Split<'_>) -> Result<(FrontMatter, KeyLines), FrontMatterError> {
    let read_yaml = |block: &str| {
        // Read plainly first; only a block that fails is read again to name the key's path.
        let plain = FrontMatter::deserialize(serde_yaml_ng::Deserializer::from_str(block));
        Some(plain.or_else(|_| {
            serde_path_to_error::deserialize(serde_yaml_ng::Deserializer::from_str(block)).map_err(|error| {
                let path = error.path().to_string();
                let inner = error.into_inner();
                TypedError {
                    path,
                    message: inner.to_string(),
                    offset: inner.location().map(|location| location.index()),
                }
            })
        }))
    };
    parse_with(source, split, read_yaml).expect("the YAML reader always reads")
}

/// `parse` for TOML front matter (or none): `None` for YAML. The browser's first module reads front
/// matter with this, and so links no YAML parser; a YAML draft waits for the full checking module.
pub fn parse_toml_only(source: &str, split: &Split<'_>) -> Option<Result<(FrontMatter, KeyLines), FrontMatterError>> {
    parse_with(source, split, |_| None)
}

/// A value of the wrong type: the key's path, the message, and the offset in the block when known.
pub struct TypedError {
    path: String,
    message: String,
    offset: Option<usize>,
}

/// The parse behind `parse` and `parse_toml_only`; `read_yaml` reads a YAML block or refuses it with `None`
/// (generic, so the TOML-only path links no YAML parser).
fn parse_with(
    source: &str,
    split: &Split<'_>,
    read_yaml: impl FnOnce(&str) -> Option<Result<FrontMatter, TypedError>>,
) -> Option<Result<(FrontMatter, KeyLines), FrontMatterError>> {
    let Some(format) = split.format else {
        return Some(Ok((FrontMatter::default(), KeyLines::default())));
    };
    // Positions here all fall in the front matter: index only the lines up to the body, and only when an
    // error is to be located (most front matter has none).
    let index = OnceCell::new();
    let at = |relative: usize| {
        index
            .get_or_init(|| LineIndex::new(&source[..split.body_offset]))
            .position(source, split.block_offset + relative)
    };
    if let Some(offset) = nesting_past_limit(split.block) {
        return Some(Err(FrontMatterError::TooDeep { position: at(offset), limit: NESTING_LIMIT }));
    }
    let key_lines = KeyLines::scan(source, split);
    // A type error names the key's path: it is reported at the key's line, as written.
    let typed_error = |path: String, message: String, fallback: Position| {
        let root = path.is_empty() || path == ".";
        let position = if !root && key_lines.contains(&path) { key_lines.get(&path) } else { fallback };
        let message = if root { message } else { format!("{path}: {message}") };
        FrontMatterError::Syntax { position, message }
    };
    let front_matter = match format {
        FrontMatterFormat::Toml => {
            let syntax_error = |error: toml::de::Error| FrontMatterError::Syntax {
                position: error.span().map_or_else(|| at(0), |span| at(span.start)),
                message: error.message().trim().to_string(),
            };
            let parsed = toml::Deserializer::parse(split.block).map_err(syntax_error).and_then(|deserializer| {
                // Read plainly first (tracking every key's path would be paid by every page); only a block
                // that fails is read again with paths, so the error names the key. Not in WebAssembly: the
                // browser checks one page at a time, and a second copy of the deserialiser would be
                // downloaded before the first diagnostic.
                #[cfg(not(target_arch = "wasm32"))]
                let deserializer = match FrontMatter::deserialize(deserializer) {
                    Ok(front_matter) => return Ok(front_matter),
                    Err(_) => toml::Deserializer::parse(split.block).map_err(syntax_error)?,
                };
                serde_path_to_error::deserialize(deserializer).map_err(|error| {
                    let path = error.path().to_string();
                    let inner = error.into_inner();
                    let fallback = inner.span().map_or_else(|| at(0), |span| at(span.start));
                    typed_error(path, inner.message().trim().to_string(), fallback)
                })
            });
            match parsed {
                Ok(front_matter) => front_matter,
                Err(error) => return Some(Err(error)),
            }
        }
        FrontMatterFormat::Yaml if split.block.trim().is_empty() => FrontMatter::default(),
        FrontMatterFormat::Yaml => match read_yaml(split.block)? {
            Ok(front_matter) => front_matter,
            Err(TypedError { path, message, offset }) => {
                return Some(Err(typed_error(path, message, offset.map_or_else(|| at(0), at))))
            }
        },
    };
    Some(Ok((front_matter, key_lines)))
}

/// How deeply front matter may nest arrays and tables. Real front matter nests one or two levels;
/// the YAML scanner's work grows with the depth at every token (100,000 levels took 34 s).
pub const NESTING_LIMIT: usize = 32;

/// The most `[` and `{` a block may hold. Brackets inside quoted strings are counted too (telling
/// them apart needs the parser this guards), so a `]` hidden in a string cannot mask real depth: the
/// depth is at most this count, whatever the quoting.
const BRACKET_LIMIT: usize = 256;

/// The offset where a block's nesting passes the limit, if it does: bracket depth counted without
/// reading strings (so it can only err deep), the count of all opening brackets, and YAML's
/// `- - -` (or `? ? ?`) indicators opening collections on one line.
fn nesting_past_limit(block: &str) -> Option<usize> {
    // Neither limit can be passed with no more openers than the depth limit: most blocks are counted
    // (a loop the compiler vectorises) and not walked.
    let openers = block.bytes().filter(|&byte| byte == b'[' || byte == b'{').count();
    if openers > NESTING_LIMIT {
        if let Some(offset) = bracket_depth_past_limit(block) {
            return Some(offset);
        }
    }
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        // Only a line that starts (after blanks) with an indicator can open collections on one line.
        if !line.trim_start_matches([' ', '\t']).starts_with(['-', '?', ':']) {
            offset += line.len();
            continue;
        }
        let indicators = line
            .split([' ', '\t'])
            .take_while(|word| matches!(*word, "" | "-" | "?" | ":"))
            .filter(|word| !word.is_empty())
            .count();
        if indicators > NESTING_LIMIT {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The offset of the opener where the bracket depth passes `NESTING_LIMIT` or the openers `BRACKET_LIMIT`.
fn bracket_depth_past_limit(block: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut brackets = 0usize;
    for (offset, byte) in block.bytes().enumerate() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                brackets += 1;
                if depth > NESTING_LIMIT || brackets > BRACKET_LIMIT {
                    return Some(offset);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Where each front-matter key was written (`reprint.source_url` → line 9), and where its line starts.
#[derive(Debug, Clone, Default)]
pub struct KeyLines {
    positions: BTreeMap<String, (Position, usize)>,
    /// The position of the opening fence.
    pub opening: Position,
}

impl KeyLines {
    /// Reads the block line by line, counting lines as it goes (no line index of the page is needed).
    fn scan(source: &str, split: &Split<'_>) -> KeyLines {
        let block_start = split.block_offset.min(source.len());
        let first_line = 1 + memchr::memchr_iter(b'\n', &source.as_bytes()[..block_start]).count();
        let opening = Position { line: first_line.saturating_sub(1).max(1), column: 1 };
        let mut positions = BTreeMap::new();
        let mut table = String::new();
        let mut offset = split.block_offset;
        for (number, line) in (first_line..).zip(split.block.split_inclusive('\n')) {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let position = Position { line: number, column: line[..indent].chars().count() + 1 };
            let position = (position, offset);
            if let Some(header) = trimmed.strip_prefix('[') {
                let close = header.bytes().position(|byte| byte == b']').unwrap_or(header.len());
                table = header[..close].trim().to_string();
                positions.entry(table.clone()).or_insert(position);
            } else if let Some(key) = key_of(trimmed, split.format) {
                // YAML nesting is by indentation; TOML by table headers.
                if split.format == Some(FrontMatterFormat::Yaml) && indent == 0 {
                    table.clear();
                }
                let dotted = if table.is_empty() { key.to_string() } else { format!("{table}.{key}") };
                if split.format == Some(FrontMatterFormat::Yaml) && indent == 0 && trimmed.trim_end().ends_with(':') {
                    table = key.to_string();
                }
                positions.entry(dotted).or_insert(position);
            }
            offset += line.len();
        }
        KeyLines { positions, opening }
    }

    /// The position of a dotted key, else of its table, else of the opening fence.
    pub fn get(&self, dotted_key: &str) -> Position {
        if let Some((position, _)) = self.positions.get(dotted_key) {
            return *position;
        }
        let mut parts = dotted_key.rsplitn(2, '.');
        parts.next();
        parts.next().and_then(|table| self.positions.get(table)).map_or(self.opening, |(position, _)| *position)
    }

    /// Where the line of a key that was written starts in `source` (the page it was read from), and its
    /// text without the line ending.
    pub fn line<'s>(&self, source: &'s str, dotted_key: &str) -> Option<(usize, &'s str)> {
        let &(_, start) = self.positions.get(dotted_key)?;
        let rest = source.get(start..)?;
        let line = &rest[..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())];
        Some((start, line.trim_end_matches('\r')))
    }

    pub fn contains(&self, dotted_key: &str) -> bool {
        self.positions.contains_key(dotted_key)
    }
}

fn key_of(line: &str, format: Option<FrontMatterFormat>) -> Option<&str> {
    let separator = match format? {
        FrontMatterFormat::Toml => '=',
        FrontMatterFormat::Yaml => ':',
    };
    if line.starts_with('#') {
        return None;
    }
    // The separator is ASCII and keys are short: a plain byte loop finds it cheaper than a char search.
    let key = &line[..line.bytes().position(|byte| char::from(byte) == separator)?];
    let key = key.trim().trim_matches('"').trim_matches('\'');
    let plain = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `nesting_past_limit` as it was, walking every byte and every line: the reference.
    fn nesting_past_limit_walked(block: &str) -> Option<usize> {
        bracket_depth_past_limit(block).or_else(|| {
            let mut offset = 0;
            for line in block.split_inclusive('\n') {
                let indicators = line
                    .split([' ', '\t'])
                    .take_while(|word| matches!(*word, "" | "-" | "?" | ":"))
                    .filter(|word| !word.is_empty())
                    .count();
                if indicators > NESTING_LIMIT {
                    return Some(offset);
                }
                offset += line.len();
            }
            None
        })
    }

    proptest! {
        /// Dates and times are written as toml writes them.
        #[test]
        fn datetime_text_is_to_string(
            date in proptest::option::of((0u16..=9999, 1u8..=12, 1u8..=31)),
            time in proptest::option::of((0u8..=23, 0u8..=59, proptest::option::of(0u8..=60), proptest::option::of(0u32..=999_999_999))),
            offset in proptest::option::of(proptest::option::of(-1439i16..=1439)),
        ) {
            let datetime = toml::value::Datetime {
                date: date.map(|(year, month, day)| toml::value::Date { year, month, day }),
                time: time.map(|(hour, minute, second, nanosecond)| toml::value::Time { hour, minute, second, nanosecond }),
                offset: offset.map(|minutes| minutes.map_or(toml::value::Offset::Z, |minutes| toml::value::Offset::Custom { minutes })),
            };
            prop_assert_eq!(datetime_text(&datetime), datetime.to_string());
        }

        /// Skipping the walk for blocks with few openers and lines without indicators changes no answer.
        #[test]
        fn nesting_guard_skips_only_what_cannot_pass(
            tokens in prop::collection::vec(
                prop_oneof![4 => Just("["), 2 => Just("{"), 1 => Just("]"), 1 => Just("}"), 3 => Just("- "),
                    1 => Just("? "), 1 => Just(": "), 1 => Just("\n"), 1 => Just("x"), 1 => Just("\t"), 1 => Just(" -x")],
                0..300,
            ),
        ) {
            let block = tokens.concat();
            prop_assert_eq!(nesting_past_limit(&block), nesting_past_limit_walked(&block));
        }

        /// Key lines counted while reading the block are where the page's line index puts them.
        #[test]
        fn key_lines_agree_with_the_line_index(
            bom in any::<bool>(),
            lines in prop::collection::vec(r#"[ \u{3000}]{0,2}(\[[a-z]{1,3}\]|[a-z]{1,3} = "[a-z通]{0,3}"|# x|)\r?"#, 0..8),
        ) {
            let source = format!("{}+++\n{}+++\n正文\n", if bom { "\u{feff}" } else { "" }, lines.iter().map(|line| format!("{line}\n")).collect::<String>());
            let split = split(&source).unwrap();
            let keys = KeyLines::scan(&source, &split);
            let index = LineIndex::new(&source);
            prop_assert_eq!(keys.opening, Position { line: index.position(&source, split.block_offset - 1).line, column: 1 });
            for (key, &(position, start)) in &keys.positions {
                let indent = source[start..].len() - source[start..].trim_start().len();
                prop_assert_eq!(position, index.position(&source, start + indent), "{}", key);
                prop_assert_eq!(index.line_start(position.line), Some(start));
                prop_assert_eq!(keys.line(&source, key), Some((start, index.line_text(&source, position.line))));
            }
        }
    }

    const TOML_PAGE: &str = "+++\ntitle = \"通知\"\ndate = 2024-05-15\nkind = \"reprint\"\n\n[reprint]\nsource_name = \"中国网信网\"\nsource_url = \"https://www.cac.gov.cn/a.htm\"\nreprinted_at = 2024-05-16T09:00:00+08:00\n+++\n正文\n";

    #[test]
    fn toml_front_matter_with_key_lines() {
        let split = split(TOML_PAGE).unwrap();
        assert_eq!(&TOML_PAGE[split.body_offset..], "正文\n");
        let (front_matter, lines) = parse(TOML_PAGE, &split).unwrap();
        assert!(front_matter.is_reprint());
        assert_eq!(front_matter.date.as_deref(), Some("2024-05-15"));
        let reprint = front_matter.reprint.unwrap();
        assert_eq!(reprint.reprinted_at.as_deref(), Some("2024-05-16T09:00:00+08:00"));
        assert_eq!(lines.get("reprint.source_url").line, 8);
        assert_eq!(lines.get("reprint.missing").line, 6);
        assert_eq!(lines.get("nothing").line, 1);
    }

    #[test]
    fn yaml_front_matter_with_nested_keys() {
        let page = "---\ntitle: 通知\ndate: 2024-05-15\nreprint:\n  source_name: 中国网信网\n---\nbody";
        let split = split(page).unwrap();
        let (front_matter, lines) = parse(page, &split).unwrap();
        assert_eq!(front_matter.title.as_deref(), Some("通知"));
        assert_eq!(lines.get("reprint.source_name").line, 5);
    }

    #[test]
    fn missing_and_unterminated_blocks_are_errors() {
        assert_eq!(split("# 标题\n").unwrap_err(), FrontMatterError::Missing);
        assert_eq!(split("+++\ntitle = \"x\"\n").unwrap_err(), FrontMatterError::Unterminated { fence: "+++" });
    }

    #[test]
    fn syntax_errors_point_into_the_source() {
        let page = "+++\ntitle = \"ok\"\ndate = \"unterminated\n+++\n";
        let split = split(page).unwrap();
        match parse(page, &split).unwrap_err() {
            FrontMatterError::Syntax { position, .. } => assert_eq!(position.line, 3),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn dates_and_nulls_read_as_text_or_nothing() {
        let page = "+++\ntitle = 2024-05-15\ndate = 2024-05-15T09:00:00+08:00\n+++\n";
        let (front_matter, _) = parse(page, &split(page).unwrap()).unwrap();
        assert_eq!(front_matter.title.as_deref(), Some("2024-05-15"));
        assert_eq!(front_matter.date.as_deref(), Some("2024-05-15T09:00:00+08:00"));
        let page = "---\ntitle: ~\nauthor: 张三\n---\n";
        let (front_matter, _) = parse(page, &split(page).unwrap()).unwrap();
        assert_eq!(front_matter.title, None);
        assert_eq!(front_matter.author.as_deref(), Some("张三"));
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let too_deep = |page: &str| matches!(parse(page, &split(page).unwrap()), Err(FrontMatterError::TooDeep { .. }));
        let nested = |open: &str, close: &str, levels: usize| open.repeat(levels) + &close.repeat(levels);
        assert!(too_deep(&format!("---\nx: {}\n---\n", nested("[", "]", 100_000))));
        assert!(too_deep(&format!("+++\nx = {}\n+++\n", nested("[", "]", NESTING_LIMIT + 1))));
        assert!(too_deep(&format!("---\nx:\n  {}y\n---\n", "- ".repeat(NESTING_LIMIT + 1))));
        // A `]` inside a string cannot hide the depth: the brackets are counted as well.
        assert!(too_deep(&format!("---\nx: {}\n---\n", "[\"]\", ".repeat(BRACKET_LIMIT + 1))));
        let page = format!("+++\ntitle = \"t\"\nx = {}\n+++\n", nested("[", "]", NESTING_LIMIT + 2));
        let position = match parse(&page, &split(&page).unwrap()) {
            Err(FrontMatterError::TooDeep { position, .. }) => position,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(position, Position { line: 3, column: 4 + NESTING_LIMIT + 1 });
        // Ordinary arrays and brackets in titles are fine.
        assert!(!too_deep("+++\ntitle = \"关于[试行]办法的通知\"\ntags = [[\"a\"], [\"b\"]]\n+++\n"));
        assert!(!too_deep("---\ntags:\n  - - a\n    - b\n---\n"));
    }

    #[test]
    fn disclosure_is_a_flag_on_sections_and_a_table_on_documents() {
        let page = "+++\ntitle = \"t\"\n[disclosure]\nindex_no = \"X/2024-00015\"\nwritten_at = 2024-05-10\nstatus = \"valid\"\n+++\n";
        let (front_matter, lines) = parse(page, &split(page).unwrap()).unwrap();
        let disclosure = front_matter.disclosure().unwrap();
        assert_eq!(disclosure.written_at.as_deref(), Some("2024-05-10"));
        assert_eq!(disclosure.missing_keys(), ["issuer", "topic"]);
        assert_eq!(lines.get("disclosure.status").line, 6);
        assert!(!front_matter.is_disclosure_section());
        let page = "+++\ntitle = \"政策文件\"\ndisclosure = true\n+++\n";
        let (front_matter, _) = parse(page, &split(page).unwrap()).unwrap();
        assert!(front_matter.is_disclosure_section() && front_matter.disclosure().is_none());
        let page = "---\ndisclosure:\n  issuer: 青岚市人民政府\n  written_at: 2024-05-10\n---\n";
        let (front_matter, _) = parse(page, &split(page).unwrap()).unwrap();
        assert_eq!(front_matter.disclosure().unwrap().written_at.as_deref(), Some("2024-05-10"));
        let page = "+++\n[disclosure]\nwritten_at = [1]\n+++\n";
        match parse(page, &split(page).unwrap()).unwrap_err() {
            FrontMatterError::Syntax { position, message } => {
                assert_eq!(position.line, 3);
                assert!(message.starts_with("disclosure.written_at"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn wrong_types_point_at_the_key() {
        let page = "+++\ntitle = \"ok\"\ndraft = \"yes\"\n+++\n";
        let split = split(page).unwrap();
        match parse(page, &split).unwrap_err() {
            FrontMatterError::Syntax { position, message } => {
                assert_eq!(position.line, 3);
                assert!(message.starts_with("draft"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
