//! 政府信息公开 metadata (SPEC §9): the `[disclosure]` table of a policy document, and
//! `disclosure = true` on a section's `_index.md` that makes the section a disclosure directory.
//! Read from front matter as written (text, so a bad value is its rule's diagnostic at its line);
//! the typed views here (status, dates, the year of a 发文字号) are what rules and templates read.

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::time::Timestamp;

/// The front-matter key `disclosure`: a flag on a section, a table on a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisclosureKey {
    /// `disclosure = true` (or `false`) on a section's `_index.md`.
    Section(bool),
    /// `[disclosure]` on a document.
    Document(Disclosure),
}

impl<'de> Deserialize<'de> for DisclosureKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = DisclosureKey;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("true/false (on a section's _index.md) or a [disclosure] table")
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Self::Value, E> {
                Ok(DisclosureKey::Section(value))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Disclosure::deserialize(MapAccessDeserializer::new(map)).map(DisclosureKey::Document)
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

/// The `[disclosure]` table as written. Every value is text (TOML dates read as `2024-05-10`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Disclosure {
    /// 索引号
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub index_no: Option<String>,
    /// 发文机关
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub issuer: Option<String>,
    /// 发文字号 (optional)
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub doc_no: Option<String>,
    /// 成文日期
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub written_at: Option<String>,
    /// 主题分类
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub topic: Option<String>,
    /// 有效性: `valid`, `amended` or `repealed`.
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub status: Option<String>,
    /// The page that repealed this one, by its path under `content/` (`policies/new.md`).
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub repealed_by: Option<String>,
    /// The page that amended this one (the amending decision or the revised text), by content path.
    #[serde(deserialize_with = "crate::front_matter::text")]
    pub amended_by: Option<String>,
}

/// The keys every document of a disclosure section carries (`doc_no` is optional).
pub const REQUIRED_KEYS: [&str; 5] = ["index_no", "issuer", "written_at", "topic", "status"];

/// 有效性.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Valid,
    Amended,
    Repealed,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Valid, Status::Amended, Status::Repealed];

    pub fn parse(text: &str) -> Option<Status> {
        match text.trim() {
            "valid" => Some(Status::Valid),
            "amended" => Some(Status::Amended),
            "repealed" => Some(Status::Repealed),
            _ => None,
        }
    }

    /// The value written in front matter.
    pub fn key(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Amended => "amended",
            Status::Repealed => "repealed",
        }
    }

    /// What the page shows.
    pub fn label(self) -> &'static str {
        match self {
            Status::Valid => "有效",
            Status::Amended => "已修订",
            Status::Repealed => "已废止",
        }
    }
}

/// A value, trimmed, when it is not blank.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty())
}

impl Disclosure {
    /// The value of a key by name (`index_no`, …), when given and not blank.
    pub fn value(&self, key: &str) -> Option<&str> {
        present(match key {
            "index_no" => &self.index_no,
            "issuer" => &self.issuer,
            "doc_no" => &self.doc_no,
            "written_at" => &self.written_at,
            "topic" => &self.topic,
            "status" => &self.status,
            "repealed_by" => &self.repealed_by,
            "amended_by" => &self.amended_by,
            _ => return None,
        })
    }

    /// The required keys that are missing or blank.
    pub fn missing_keys(&self) -> Vec<&'static str> {
        REQUIRED_KEYS.into_iter().filter(|key| self.value(key).is_none()).collect()
    }

    pub fn status(&self) -> Option<Status> {
        self.value("status").and_then(Status::parse)
    }

    pub fn written_at(&self) -> Option<Timestamp> {
        self.value("written_at").and_then(Timestamp::parse)
    }

    /// The page that replaced this one, as written, with the key that names it, for the notice the
    /// status calls for: `repealed_by` on a repealed document, `amended_by` on an amended one.
    pub fn replacement(&self) -> Option<(&'static str, &str)> {
        match self.status()? {
            Status::Repealed => self.value("repealed_by").map(|path| ("repealed_by", path)),
            Status::Amended => self.value("amended_by").map(|path| ("amended_by", path)),
            Status::Valid => None,
        }
    }
}

/// How a 发文字号 writes its year (GB/T 9704-2012 7.2.4: 年份应标全称，用六角括号“〔〕”括入).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocNoYear<'a> {
    /// No four-digit year at all (not every 发文字号 has one).
    None,
    /// `〔2024〕`.
    Hexagonal(u16),
    /// The year in other brackets or none: `wrong` is what encloses it (`[2024]`, `2024`), starting at
    /// byte `offset` of the 发文字号.
    Wrong { year: u16, wrong: &'a str, offset: usize },
}

/// Brackets that are mistaken for 六角括号, opening and closing.
const LOOKALIKE_BRACKETS: [(char, char); 12] = [
    ('[', ']'),
    ('(', ')'),
    ('（', '）'),
    ('【', '】'),
    ('［', '］'),
    ('〖', '〗'),
    ('{', '}'),
    ('｛', '｝'),
    ('〈', '〉'),
    ('《', '》'),
    ('「', '」'),
    ('〘', '〙'),
];

/// Finds the year of a 发文字号: the first run of exactly four digits reading 1900–2099.
pub fn doc_no_year(doc_no: &str) -> DocNoYear<'_> {
    let chars: Vec<(usize, char)> = doc_no.char_indices().collect();
    let digit = |c: char| c.to_digit(10).or_else(|| fullwidth_digit(c));
    let mut index = 0;
    while index < chars.len() {
        if digit(chars[index].1).is_none() {
            index += 1;
            continue;
        }
        let start = index;
        while index < chars.len() && digit(chars[index].1).is_some() {
            index += 1;
        }
        if index - start != 4 {
            continue;
        }
        let year = chars[start..index].iter().fold(0u16, |year, &(_, c)| year * 10 + digit(c).unwrap_or(0) as u16);
        if !(1900..=2099).contains(&year) {
            continue;
        }
        let before = start.checked_sub(1).map(|at| chars[at]);
        let after = chars.get(index).copied();
        let end_of = |at: usize| chars.get(at + 1).map_or(doc_no.len(), |&(offset, _)| offset);
        return match (before, after) {
            (Some((_, '〔')), Some((_, '〕'))) => DocNoYear::Hexagonal(year),
            (Some((open_at, open)), Some((_, close))) if is_bracket(open) || is_bracket(close) => {
                DocNoYear::Wrong { year, wrong: &doc_no[open_at..end_of(index)], offset: open_at }
            }
            (Some((open_at, open)), _) if is_bracket(open) => {
                DocNoYear::Wrong { year, wrong: &doc_no[open_at..end_of(index - 1)], offset: open_at }
            }
            (_, Some((_, close))) if is_bracket(close) => {
                let offset = chars[start].0;
                DocNoYear::Wrong { year, wrong: &doc_no[offset..end_of(index)], offset }
            }
            _ => {
                let offset = chars[start].0;
                DocNoYear::Wrong { year, wrong: &doc_no[offset..end_of(index - 1)], offset }
            }
        };
    }
    DocNoYear::None
}

fn is_bracket(c: char) -> bool {
    c == '〔' || c == '〕' || LOOKALIKE_BRACKETS.iter().any(|&(open, close)| c == open || c == close)
}

fn fullwidth_digit(c: char) -> Option<u32> {
    ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrong(doc_no: &str) -> Option<&str> {
        match doc_no_year(doc_no) {
            DocNoYear::Wrong { wrong, .. } => Some(wrong),
            _ => None,
        }
    }

    #[test]
    fn the_year_belongs_in_hexagonal_brackets() {
        assert_eq!(doc_no_year("青政发〔2024〕15号"), DocNoYear::Hexagonal(2024));
        assert_eq!(doc_no_year("国办发〔２０２４〕３号"), DocNoYear::Hexagonal(2024));
        assert_eq!(wrong("青政发[2024]15号"), Some("[2024]"));
        assert_eq!(wrong("青政发(2024)15号"), Some("(2024)"));
        assert_eq!(wrong("青政发（2024）15号"), Some("（2024）"));
        assert_eq!(wrong("青政发【2024】15号"), Some("【2024】"));
        assert_eq!(wrong("青政发〔2024]15号"), Some("〔2024]"));
        assert_eq!(wrong("青政发2024年15号"), Some("2024"));
        assert_eq!(
            doc_no_year("青政发[2024]15号"),
            DocNoYear::Wrong { year: 2024, wrong: "[2024]", offset: "青政发".len() }
        );
    }

    #[test]
    fn numbers_that_are_not_years_are_left_alone() {
        assert_eq!(doc_no_year("青政令第15号"), DocNoYear::None);
        assert_eq!(doc_no_year("青政函〔24〕15号"), DocNoYear::None);
        assert_eq!(doc_no_year("青政发第12024号"), DocNoYear::None);
        assert_eq!(doc_no_year("青政令第3000号"), DocNoYear::None);
        assert_eq!(doc_no_year(""), DocNoYear::None);
    }

    #[test]
    fn statuses_and_replacements() {
        let disclosure = Disclosure {
            status: Some("repealed".into()),
            repealed_by: Some("policies/new.md".into()),
            amended_by: Some("policies/other.md".into()),
            ..Disclosure::default()
        };
        assert_eq!(disclosure.status(), Some(Status::Repealed));
        assert_eq!(disclosure.replacement(), Some(("repealed_by", "policies/new.md")));
        assert_eq!(disclosure.missing_keys(), ["index_no", "issuer", "written_at", "topic"]);
        assert_eq!(Status::parse("有效"), None);
        assert_eq!(Status::ALL.map(Status::label), ["有效", "已修订", "已废止"]);
    }
}
