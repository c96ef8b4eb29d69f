//! Front matter: TOML between `+++` lines or YAML between `---` lines, with the line of every key.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Position;
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
    pub title: Option<String>,
    pub date: Option<String>,
    pub department: Option<String>,
    pub author: Option<String>,
    pub kind: Option<String>,
    pub reprint: Option<ReprintSource>,
    pub draft: bool,
    pub slug: Option<String>,
    pub path: Option<String>,
    pub description: Option<String>,
    /// Sections (`_index.md`): how many days may pass without a new page (及时性).
    pub freshness_days: Option<u32>,
    /// Sections: `news`, `notice`, `policy`, `service`; guessed from the title when absent.
    pub section_kind: Option<String>,
    pub paginate_by: Option<usize>,
    pub weight: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReprintSource {
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub reprinted_at: Option<String>,
}

impl FrontMatter {
    pub fn date(&self) -> Option<Timestamp> {
        self.date.as_deref().and_then(Timestamp::parse)
    }

    pub fn is_reprint(&self) -> bool {
        self.kind.as_deref() == Some("reprint")
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
    Unterminated { fence: &'static str },
    Syntax { position: Position, message: String },
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
    // Positions here all fall in the front matter: index only the lines up to the body.
    let index = LineIndex::new(&source[..split.body_offset]);
    let at = |relative: usize| index.position(source, split.block_offset + relative);
    let value: serde_json::Value = match split.format {
        None => return Ok((FrontMatter::default(), KeyLines::default())),
        Some(FrontMatterFormat::Toml) => {
            let table: toml::Table = toml::from_str(split.block).map_err(|error| FrontMatterError::Syntax {
                position: error.span().map_or_else(|| at(0), |span| at(span.start)),
                message: error.message().trim().to_string(),
            })?;
            toml_to_json(toml::Value::Table(table))
        }
        Some(FrontMatterFormat::Yaml) => {
            if split.block.trim().is_empty() {
                serde_json::Value::Object(Default::default())
            } else {
                serde_yaml_ng::from_str(split.block).map_err(|error| FrontMatterError::Syntax {
                    position: error.location().map_or_else(|| at(0), |location| at(location.index())),
                    message: error.to_string(),
                })?
            }
        }
    };
    let key_lines = KeyLines::scan(source, split, &index);
    let front_matter: FrontMatter = serde_path_to_error::deserialize(&value).map_err(|error| {
        let path = error.path().to_string();
        let position = if key_lines.contains(&path) { key_lines.get(&path) } else { at(0) };
        FrontMatterError::Syntax { position, message: format!("{path}: {}", error.inner()) }
    })?;
    Ok((front_matter, key_lines))
}

/// TOML dates become their text; everything else maps one to one.
fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        toml::Value::String(text) => Json::String(text),
        toml::Value::Integer(number) => Json::from(number),
        toml::Value::Float(number) => serde_json::Number::from_f64(number).map_or(Json::Null, Json::Number),
        toml::Value::Boolean(flag) => Json::Bool(flag),
        toml::Value::Datetime(datetime) => Json::String(datetime.to_string()),
        toml::Value::Array(items) => Json::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => {
            Json::Object(table.into_iter().map(|(key, value)| (key, toml_to_json(value))).collect())
        }
    }
}

/// Where each front-matter key was written (`reprint.source_url` → line 9).
#[derive(Debug, Clone, Default)]
pub struct KeyLines {
    positions: BTreeMap<String, Position>,
    /// The position of the opening fence.
    pub opening: Position,
}

impl KeyLines {
    fn scan(source: &str, split: &Split<'_>, index: &LineIndex) -> KeyLines {
        let opening = index.position(source, split.block_offset.saturating_sub(1));
        let opening = Position { line: opening.line, column: 1 };
        let mut positions = BTreeMap::new();
        let mut table = String::new();
        let mut offset = split.block_offset;
        for line in split.block.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let position = index.position(source, offset + indent);
            if let Some(header) = trimmed.strip_prefix('[') {
                table = header.split(']').next().unwrap_or_default().trim().to_string();
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
        if let Some(position) = self.positions.get(dotted_key) {
            return *position;
        }
        let mut parts = dotted_key.rsplitn(2, '.');
        parts.next();
        parts.next().and_then(|table| self.positions.get(table)).copied().unwrap_or(self.opening)
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
    let (key, _) = line.split_once(separator)?;
    let key = key.trim().trim_matches('"').trim_matches('\'');
    let plain = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

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
