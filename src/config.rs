//! `govpress.toml`: the site configuration (SPEC §2). Parsing only; the rules judge the values.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Position, Severity};
use crate::source::LineIndex;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SiteConfig {
    pub site: SiteSection,
    pub identity: IdentitySection,
    pub links: LinksSection,
    pub review: ReviewSection,
    pub checks: ChecksSection,
    /// Where each key was written, so config diagnostics point at `govpress.toml:line`.
    #[serde(skip)]
    pub key_positions: BTreeMap<String, Position>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgKind {
    /// 党政机关
    #[default]
    PartyGovernment,
    /// 事业单位
    PublicInstitution,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SiteSection {
    pub name: Option<String>,
    pub base_url: Option<String>,
    pub org_kind: OrgKind,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IdentitySection {
    pub conac_id: Option<String>,
    pub site_code: Option<String>,
    pub icp: Option<String>,
    pub psb: Option<String>,
    pub sponsor: Option<String>,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkMode {
    /// A static leave page per destination (no JavaScript needed).
    #[default]
    Interstitial,
    /// The link keeps its href; a same-origin script asks before leaving.
    Confirm,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LinksSection {
    pub mode: LinkMode,
    pub government_domains: Vec<String>,
    pub allow: Vec<String>,
    /// Hosts third-party scripts and styles may load from (第二十七条).
    pub script_hosts: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ReviewSection {
    pub stages: Vec<String>,
    pub roster: String,
    pub log: String,
}

impl Default for ReviewSection {
    fn default() -> Self {
        ReviewSection {
            stages: vec!["初审".into(), "复审".into(), "终审".into()],
            roster: "reviewers.toml".into(),
            log: "reviews/log.jsonl".into(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChecksSection {
    /// Per-rule severity overrides: `"personal-data.mobile" = "warning"`, or `"off"`.
    pub severity: BTreeMap<String, SeverityOverride>,
    /// Freshness in days per section path (`"news" = 7`), overriding the defaults.
    pub freshness: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityOverride {
    Error,
    Warning,
    Off,
}

impl SeverityOverride {
    pub fn severity(self) -> Option<Severity> {
        match self {
            SeverityOverride::Error => Some(Severity::Error),
            SeverityOverride::Warning => Some(Severity::Warning),
            SeverityOverride::Off => None,
        }
    }
}

/// A config file that cannot be read as TOML of the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position_line}:{position_column}: {message}", position_line = position.line, position_column = position.column)]
pub struct ConfigError {
    pub position: Position,
    pub message: String,
}

impl SiteConfig {
    pub fn parse(text: &str) -> Result<SiteConfig, ConfigError> {
        let mut config: SiteConfig = toml::from_str(text).map_err(|error| {
            let index = LineIndex::new(text);
            let position = error.span().map_or(Position::START, |span| index.position(text, span.start));
            ConfigError { position, message: error.message().trim().to_string() }
        })?;
        config.key_positions = key_positions(text);
        Ok(config)
    }

    /// The line a `table.key` was written on, or the table header, or the file start.
    pub fn position_of(&self, dotted_key: &str) -> Position {
        if let Some(position) = self.key_positions.get(dotted_key) {
            return *position;
        }
        let table = dotted_key.split('.').next().unwrap_or_default();
        self.key_positions.get(table).copied().unwrap_or(Position::START)
    }

    /// The host of `site.base_url`, lower-cased, if it parses.
    pub fn site_host(&self) -> Option<String> {
        let base = self.site.base_url.as_deref()?;
        let parsed = url::Url::parse(base).ok()?;
        parsed.host_str().map(str::to_ascii_lowercase)
    }
}

/// Positions of `[table]` headers and `key =` lines, keyed `table` and `table.key`.
fn key_positions(text: &str) -> BTreeMap<String, Position> {
    let mut positions = BTreeMap::new();
    let mut table = String::new();
    for (line_number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let column = line.chars().count() - trimmed.chars().count() + 1;
        let position = Position { line: line_number + 1, column };
        if let Some(header) = trimmed.strip_prefix('[') {
            table = header.trim_start_matches('[').split(']').next().unwrap_or_default().trim().to_string();
            positions.entry(table.clone()).or_insert(position);
        } else if let Some((key, _)) = trimmed.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty() && !key.starts_with('#') {
                let dotted = if table.is_empty() { key.to_string() } else { format!("{table}.{key}") };
                positions.entry(dotted).or_insert(position);
            }
        }
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec_example_and_remembers_lines() {
        let text = "[site]\nname = \"示例市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\norg_kind = \"party-government\"\n\n[identity]\nconac_id = \"x\"\n";
        let config = SiteConfig::parse(text).unwrap();
        assert_eq!(config.site.name.as_deref(), Some("示例市人民政府"));
        assert_eq!(config.site_host().as_deref(), Some("www.example.gov.cn"));
        assert_eq!(config.position_of("identity.conac_id").line, 7);
        assert_eq!(config.position_of("identity.icp").line, 6);
        assert_eq!(config.review.stages.len(), 3);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let error = SiteConfig::parse("[site]\nname = \"unterminated\n").unwrap_err();
        assert_eq!(error.position.line, 2);
    }

    #[test]
    fn wrong_org_kind_is_an_error_not_a_default() {
        let error = SiteConfig::parse("[site]\norg_kind = \"company\"\n").unwrap_err();
        assert_eq!(error.position.line, 2);
    }
}
