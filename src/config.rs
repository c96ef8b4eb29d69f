//! `govpress.toml`: the site configuration (SPEC §2). Parsing only; the rules judge the values.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Position, Severity, Text};
use crate::source::LineIndex;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SiteConfig {
    pub site: SiteSection,
    pub identity: IdentitySection,
    pub links: LinksSection,
    pub review: ReviewSection,
    pub checks: ChecksSection,
    /// `[headers]`: what the security headers allow besides the site itself (`crate::headers`).
    pub headers: HeadersSection,
    /// `[limits]`: input sizes refused before they are read (第三条).
    pub limits: LimitsSection,
    /// `[terms]`: built-in or site terms (SPEC §12) turned off by id.
    pub terms: TermsSection,
    /// `[history]`: where build and links runs are recorded and how long (SPEC §11, `crate::history`).
    pub history: HistorySection,
    /// The site's `terms.toml`, attached by whoever read it ([`SiteConfig::attach_terms`]).
    #[serde(skip)]
    pub site_terms: Vec<crate::terms::Term>,
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
    /// `govpress links` (第十五条 定期检查): URLs matching these regular expressions are not checked.
    pub exclude: Vec<String>,
    /// Status codes accepted as working besides 2xx: `403`, or ranges `"400..=403"`.
    pub accept: Vec<StatusCodes>,
    /// Limit of one request (connect, headers and body): seconds, or `"500ms"`, `"20s"`, `"2m"`.
    pub timeout: Option<ConfigDuration>,
    pub max_concurrency: Option<usize>,
    pub per_host_concurrency: Option<usize>,
    pub per_host_interval_ms: Option<u64>,
    pub retries: Option<u32>,
    /// How long a working link's result is reused before it is checked again (`"1d"`).
    pub cache_max_age: Option<ConfigDuration>,
    /// Bound of a whole `govpress links` run (`"30m"`).
    pub max_time: Option<ConfigDuration>,
    /// Check `#fragment`s against the target page's ids.
    pub check_fragments: Option<bool>,
    /// Overrides per host (`[links.hosts."example.com"]`), applying to its subdomains too.
    pub hosts: BTreeMap<String, LinkHostOverride>,
}

/// `[links.hosts."example.com"]`: what differs for one host.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkHostOverride {
    pub timeout: Option<ConfigDuration>,
    pub per_host_concurrency: Option<usize>,
    pub per_host_interval_ms: Option<u64>,
    pub retries: Option<u32>,
    pub accept: Vec<StatusCodes>,
}

/// A duration written as whole seconds (`20`) or with a unit: `ms`, `s`, `m`, `h`, `d`, `w` (`"1d"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigDuration(pub std::time::Duration);

impl ConfigDuration {
    pub fn parse(text: &str) -> Option<ConfigDuration> {
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: u64 = number.parse().ok()?;
        let seconds = match unit.trim() {
            "ms" => return Some(ConfigDuration(std::time::Duration::from_millis(number))),
            "" | "s" => 1,
            "m" | "min" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return None,
        };
        Some(ConfigDuration(std::time::Duration::from_secs(number.checked_mul(seconds)?)))
    }
}

impl<'de> Deserialize<'de> for ConfigDuration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Seconds(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Seconds(seconds) => Ok(ConfigDuration(std::time::Duration::from_secs(seconds))),
            Raw::Text(text) => ConfigDuration::parse(&text).ok_or_else(|| {
                serde::de::Error::custom(format!("invalid duration \"{text}\" (e.g. 30, \"500ms\", \"20s\", \"1d\")"))
            }),
        }
    }
}

/// HTTP status codes: one (`403`) or an inclusive range (`"400..=403"`, `"400-403"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCodes {
    pub first: u16,
    pub last: u16,
}

impl StatusCodes {
    pub fn parse(text: &str) -> Option<StatusCodes> {
        let text = text.trim();
        let (first, last) = text.split_once("..=").or_else(|| text.split_once('-')).unwrap_or((text, text));
        let codes = StatusCodes { first: first.trim().parse().ok()?, last: last.trim().parse().ok()? };
        (100 <= codes.first && codes.first <= codes.last && codes.last <= 999).then_some(codes)
    }

    pub fn contains(&self, status: u16) -> bool {
        (self.first..=self.last).contains(&status)
    }
}

impl<'de> Deserialize<'de> for StatusCodes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Code(u16),
            Text(String),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Code(code) => code.to_string(),
            Raw::Text(text) => text,
        };
        StatusCodes::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid status code or range \"{text}\" (e.g. 403, \"400..=403\")"))
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ReviewSection {
    pub stages: Vec<String>,
    pub roster: String,
    pub log: String,
    /// How many days a page's `date` may lie from its 终审 time (default 30; 0 turns the check off).
    pub date_tolerance_days: Option<u32>,
}

impl Default for ReviewSection {
    fn default() -> Self {
        ReviewSection {
            stages: vec!["初审".into(), "复审".into(), "终审".into()],
            roster: "reviewers.toml".into(),
            log: "reviews/log.jsonl".into(),
            date_tolerance_days: None,
        }
    }
}

/// `[limits]`: a content file larger than `max_file_bytes` is refused by its size, before it is read
/// (default [`crate::files::DEFAULT_MAX_FILE_BYTES`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSection {
    pub max_file_bytes: Option<u64>,
}

impl LimitsSection {
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes.unwrap_or(crate::files::DEFAULT_MAX_FILE_BYTES)
    }
}

/// `[headers]` (docs/deploy.md): origins the Content-Security-Policy allows and HSTS settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HeadersSection {
    /// Hosts whose pages the site embeds in `<iframe>` (CSP `frame-src`).
    pub frame_hosts: Vec<String>,
    /// Hosts images, audio and video load from besides the site (`img-src`, `media-src`).
    pub media_hosts: Vec<String>,
    /// Hosts that may embed the site's pages (`frame-ancestors`); empty: none.
    pub frame_ancestors: Vec<String>,
    /// HSTS `max-age` in seconds (default one year).
    pub hsts_max_age: Option<u64>,
    pub hsts_include_subdomains: bool,
    pub hsts_preload: bool,
    /// Per path prefix, sources added to CSP directives: `[headers.paths."/search/"]`
    /// `script-src = ["'wasm-unsafe-eval'"]`.
    pub paths: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChecksSection {
    /// Per-rule severity overrides: `"personal-data.mobile" = "warning"`, or `"off"`.
    pub severity: BTreeMap<String, SeverityOverride>,
    /// Freshness in days per section path (`"news" = 7`), overriding the defaults.
    pub freshness: BTreeMap<String, u32>,
    /// A fixed "now" (RFC 3339) the CLI checks and builds with when `--now` is not given: for demo and
    /// archived sites, which must read the same on any day. A live site leaves it out.
    pub now: Option<String>,
}

/// `[terms]` in `govpress.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TermsSection {
    /// Ids of terms not to report: built-in ones (`govpress rules --terms` lists them) or the site's own.
    pub disable: Vec<String>,
}

/// `[history]` in `govpress.toml` (SPEC §11): the run history the compliance report reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HistorySection {
    /// The history file relative to the site root (default `.govpress/history.jsonl`, which git
    /// ignores: CI keeps it in a cache, or the site sets a committed path such as `reports/history.jsonl`).
    pub path: Option<String>,
    /// Size in bytes after which the file is rotated to a dated segment (default 8 MiB).
    pub max_bytes: Option<u64>,
    /// Months of history kept at least (default and minimum 12: 第二十条 不少于1年).
    pub keep_months: Option<u32>,
}

impl HistorySection {
    pub fn path(&self) -> &str {
        self.path.as_deref().unwrap_or(crate::history::DEFAULT_PATH)
    }

    pub fn policy(&self) -> crate::history::RotationPolicy {
        crate::history::RotationPolicy {
            max_bytes: self.max_bytes.unwrap_or(crate::history::DEFAULT_MAX_BYTES),
            keep_months: self.keep_months.unwrap_or(crate::history::MIN_KEEP_MONTHS),
        }
    }
}

/// A problem with the terms: in `terms.toml` itself, or a `[terms] disable` id in `govpress.toml` that
/// names no term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermsError {
    TermsFile(ConfigError),
    Config(ConfigError),
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
#[error("{position_line}:{position_column}: {message}", position_line = position.line, position_column = position.column, message = message.en)]
pub struct ConfigError {
    pub position: Position,
    /// TOML's own messages exist in English only; they are given in both fields.
    pub message: Text,
}

impl SiteConfig {
    pub fn parse(text: &str) -> Result<SiteConfig, ConfigError> {
        let mut config: SiteConfig = toml::from_str(text).map_err(|error| {
            let index = LineIndex::new(text);
            let position = error.span().map_or(Position::START, |span| index.position(text, span.start));
            let message = error.message().trim();
            ConfigError { position, message: Text::new(message, message) }
        })?;
        config.key_positions = key_positions(text);
        config.check_rule_ids()?;
        if let Some(now) = config.checks.now.as_deref().filter(|now| chrono::DateTime::parse_from_rfc3339(now).is_err())
        {
            return Err(ConfigError {
                position: config.position_of("checks.now"),
                message: Text::new(
                    format!("[checks] now = \"{now}\" 不是 RFC 3339 时间（例如 \"2026-11-25T12:00:00+08:00\"）"),
                    format!("[checks] now = \"{now}\" is not an RFC 3339 time (e.g. \"2026-11-25T12:00:00+08:00\")"),
                ),
            });
        }
        config.check_history()?;
        Ok(config)
    }

    /// `[history]`: at least a year kept (第二十条), a path inside the site, a non-zero size.
    fn check_history(&self) -> Result<(), ConfigError> {
        let history = &self.history;
        if let Some(months) = history.keep_months.filter(|months| *months < crate::history::MIN_KEEP_MONTHS) {
            return Err(ConfigError {
                position: self.position_of("history.keep_months"),
                message: Text::new(
                    format!("[history] keep_months = {months} 少于 12：日志与记录须保存不少于1年（第二十条）"),
                    format!(
                        "[history] keep_months = {months} is below 12: records are kept at least a year (article 20)"
                    ),
                ),
            });
        }
        if history.max_bytes == Some(0) {
            return Err(ConfigError {
                position: self.position_of("history.max_bytes"),
                message: Text::new("[history] max_bytes 不能为 0", "[history] max_bytes must not be 0"),
            });
        }
        if let Some(path) = history.path.as_deref() {
            let escapes = path.trim().is_empty()
                || path.starts_with('/')
                || path.contains('\\')
                || path.split('/').any(|part| part == "..")
                || path.ends_with('/');
            if escapes {
                return Err(ConfigError {
                    position: self.position_of("history.path"),
                    message: Text::new(
                        format!("[history] path = \"{path}\" 须是站点目录内的相对文件路径（如 \"reports/history.jsonl\"）"),
                        format!("[history] path = \"{path}\" must be a file path relative to the site (e.g. \"reports/history.jsonl\")"),
                    ),
                });
            }
        }
        Ok(())
    }

    /// `[checks] now`: the fixed "now" of a demo or archived site.
    pub fn pinned_now(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.checks.now.as_deref().and_then(|now| chrono::DateTime::parse_from_rfc3339(now).ok())
    }

    /// `[checks.severity]` may name only rules that exist: a misspelt id would silently change nothing.
    fn check_rule_ids(&self) -> Result<(), ConfigError> {
        let known: Vec<&str> = crate::rules::all_rules().iter().map(|rule| rule.id).collect();
        let Some(unknown) = self.checks.severity.keys().find(|id| !known.contains(&id.as_str())) else {
            return Ok(());
        };
        let nearest = known.iter().min_by_key(|id| strsim::levenshtein(unknown, id)).copied().unwrap_or_default();
        let position = ["checks.severity.", "checks.severity", "checks"]
            .iter()
            .find_map(|prefix| {
                let key = if prefix.ends_with('.') { format!("{prefix}{unknown}") } else { (*prefix).to_string() };
                self.key_positions.get(&key).copied()
            })
            .unwrap_or(Position::START);
        Err(ConfigError {
            position,
            message: Text::new(
                format!("[checks.severity] 中的规则 \"{unknown}\" 不存在；是否指 \"{nearest}\"？（govpress rules 列出全部规则）"),
                format!("[checks.severity] names no rule \"{unknown}\"; did you mean \"{nearest}\"? (govpress rules lists them all)"),
            ),
        })
    }

    /// Attaches the site's `terms.toml` (None: the site has none) and checks that every `[terms] disable`
    /// id names a built-in or site term, so a misspelt id is not silently ignored.
    pub fn attach_terms(&mut self, terms_toml: Option<&str>) -> Result<(), TermsError> {
        self.attach_shared_terms(&[], terms_toml)
    }

    /// Like [`SiteConfig::attach_terms`], after a platform's shared terms (SPEC §10): the site's own
    /// `terms.toml` is added to them, and its entry replaces a shared one of the same id.
    pub fn attach_shared_terms(
        &mut self,
        shared: &[crate::terms::Term],
        terms_toml: Option<&str>,
    ) -> Result<(), TermsError> {
        let own = match terms_toml {
            Some(text) => crate::terms::parse_terms_toml(text).map_err(TermsError::TermsFile)?,
            None => Vec::new(),
        };
        let mut site_terms: Vec<crate::terms::Term> =
            shared.iter().filter(|term| !own.iter().any(|mine| mine.id == term.id)).cloned().collect();
        site_terms.extend(own);
        let known = crate::terms::known_ids(&site_terms);
        if let Some(unknown) = self.terms.disable.iter().find(|id| !known.contains(id)) {
            let nearest = known.iter().min_by_key(|id| strsim::levenshtein(unknown, id)).cloned().unwrap_or_default();
            return Err(TermsError::Config(ConfigError {
                position: self.position_of("terms.disable"),
                message: Text::new(
                    format!("[terms] disable 中的 \"{unknown}\" 不是任何规范表述条目的 id；是否指 \"{nearest}\"？"),
                    format!("[terms] disable names no term \"{unknown}\"; did you mean \"{nearest}\"?"),
                ),
            }));
        }
        self.site_terms = site_terms;
        Ok(())
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
    fn links_section_reads_durations_status_codes_and_host_overrides() {
        let text = "[links]\nexclude = [\"^https://intranet\\\\.\"]\naccept = [403, \"500..=503\"]\ntimeout = 15\ncache_max_age = \"1d\"\nmax_time = \"30m\"\nretries = 3\n[links.hosts.\"example.com\"]\ntimeout = \"90s\"\nper_host_interval_ms = 1000\n";
        let links = SiteConfig::parse(text).unwrap().links;
        assert_eq!(links.exclude, ["^https://intranet\\."]);
        assert!(links.accept[0].contains(403) && !links.accept[0].contains(404));
        assert!(links.accept[1].contains(502) && !links.accept[1].contains(504));
        assert_eq!(links.timeout.unwrap().0.as_secs(), 15);
        assert_eq!(links.cache_max_age.unwrap().0.as_secs(), 86_400);
        assert_eq!(links.max_time.unwrap().0.as_secs(), 1800);
        assert_eq!(links.retries, Some(3));
        let host = &links.hosts["example.com"];
        assert_eq!(host.timeout.unwrap().0.as_secs(), 90);
        assert_eq!(host.per_host_interval_ms, Some(1000));
    }

    #[test]
    fn bad_link_settings_are_errors_with_a_line() {
        let error = SiteConfig::parse("[links]\ntimeout = \"soon\"\n").unwrap_err();
        assert_eq!(error.position.line, 2);
        assert!(error.message.en.contains("soon"), "{}", error.message.en);
        let error = SiteConfig::parse("[links]\n\naccept = [\"404..=400\"]\n").unwrap_err();
        assert_eq!(error.position.line, 3);
        assert_eq!(ConfigDuration::parse("250ms").unwrap().0.as_millis(), 250);
        assert_eq!(ConfigDuration::parse("2w").unwrap().0.as_secs(), 14 * 86_400);
        assert!(ConfigDuration::parse("1y").is_none());
    }

    #[test]
    fn an_unknown_rule_id_is_an_error_at_its_line_that_suggests_the_nearest() {
        let text = "[site]\nname = \"x\"\n\n[checks.severity]\n\"personal-data.mobile\" = \"warning\"\n\"links.brokn\" = \"off\"\n";
        let error = SiteConfig::parse(text).unwrap_err();
        assert_eq!(error.position.line, 6);
        assert!(
            error.message.en.contains("\"links.brokn\"") && error.message.en.contains("\"links.broken\""),
            "{}",
            error.message.en
        );
        assert!(error.message.zh.contains("是否指 \"links.broken\""), "{}", error.message.zh);
        let inline = SiteConfig::parse("[checks]\nseverity = { \"front-matter.sintax\" = \"off\" }\n").unwrap_err();
        assert_eq!(inline.position.line, 2);
        assert!(inline.message.en.contains("front-matter.syntax"), "{}", inline.message.en);
        assert!(SiteConfig::parse("[checks.severity]\n\"links.broken\" = \"off\"\n").is_ok());
    }

    #[test]
    fn wrong_org_kind_is_an_error_not_a_default() {
        let error = SiteConfig::parse("[site]\norg_kind = \"company\"\n").unwrap_err();
        assert_eq!(error.position.line, 2);
    }

    #[test]
    fn shared_terms_come_first_and_a_site_term_of_the_same_id_replaces_one() {
        let shared = crate::terms::parse_terms_toml(
            "[[term]]\nid = \"city\"\nwrong = \"青和市\"\nright = \"青禾市\"\n[[term]]\nwrong = \"甲\"\nright = \"乙\"\n",
        )
        .unwrap();
        let mut config = SiteConfig::parse("[terms]\ndisable = [\"甲\"]\n").unwrap();
        config
            .attach_shared_terms(&shared, Some("[[term]]\nid = \"city\"\nwrong = \"青河市\"\nright = \"青禾市\"\n"))
            .unwrap();
        let terms: Vec<(&str, &str)> =
            config.site_terms.iter().map(|term| (term.id.as_str(), term.wrong.as_str())).collect();
        assert_eq!(terms, [("甲", "甲"), ("city", "青河市")]);
        let mut config = SiteConfig::parse("[terms]\ndisable = [\"丙\"]\n").unwrap();
        assert!(matches!(config.attach_shared_terms(&shared, None), Err(TermsError::Config(_))));
    }
}
