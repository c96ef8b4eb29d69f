//! `platform.toml`: a 集约化 platform (第十条, SPEC §10) — one repository holding the sites of a city and
//! its departments. Parsing and validation only; the CLI reads the files and builds the sites.

use serde::Deserialize;
use toml::Spanned;

use crate::config::ConfigError;
use crate::diagnostic::{Position, Text};
use crate::source::LineIndex;

mod roster;
pub use roster::{merge_rosters, RosterMergeError};

/// The platform file's conventional name.
pub const PLATFORM_FILE: &str = "platform.toml";

/// A parsed and validated `platform.toml`. Paths are as written, relative to the platform root, with
/// `/` separators and no `.`/`..` components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformConfig {
    /// `[platform] name`: the platform's name (e.g. 青禾市政府网站集约化平台).
    pub name: String,
    /// `[platform] theme`: shared `templates/` and `static/`, each file overridable by a site.
    pub theme: Option<PlatformPath>,
    /// `[platform] roster`: the shared roster; a site's own roster is added to it.
    pub roster: Option<PlatformPath>,
    /// `[platform] terms`: the shared 规范表述 (SPEC §12); a site's own `terms.toml` is added to them.
    pub terms: Option<PlatformPath>,
    /// The sites, in the order written.
    pub sites: Vec<PlatformSite>,
}

/// A path the platform names, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformPath {
    pub path: String,
    pub position: Position,
}

/// One `[[site]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSite {
    /// The site directory relative to the platform root (`sites/portal`).
    pub dir: String,
    /// Its last component (`portal`): the site's output directory `OUT/<name>/` and its URL prefix
    /// `/<name>/` under `serve --platform`.
    pub name: String,
    /// Where `dir` was written.
    pub position: Position,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    platform: RawPlatformSection,
    #[serde(default)]
    site: Vec<RawSite>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatformSection {
    name: Spanned<String>,
    theme: Option<Spanned<String>>,
    roster: Option<Spanned<String>>,
    terms: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    dir: Spanned<String>,
}

/// What kind of entry a path must be on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    Directory,
    File,
}

impl PlatformConfig {
    /// Parses and validates `platform.toml`: the name is given, every path stays inside the platform,
    /// no directory is listed twice and no two sites share a directory name (they would share an output
    /// directory and a URL prefix).
    pub fn parse(text: &str) -> Result<PlatformConfig, ConfigError> {
        let index = LineIndex::new(text);
        let at = |offset: usize| index.position(text, offset);
        let raw: RawPlatform = toml::from_str(text).map_err(|error| {
            let message = error.message().trim();
            ConfigError {
                position: error.span().map_or(Position::START, |span| at(span.start)),
                message: Text::new(message, message),
            }
        })?;
        let fail =
            |offset: usize, zh: String, en: String| ConfigError { position: at(offset), message: Text::new(zh, en) };
        let name = raw.platform.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(fail(
                raw.platform.name.span().start,
                "[platform] name 不能为空：填写平台名称（如“青禾市政府网站集约化平台”）".into(),
                "[platform] name may not be empty".into(),
            ));
        }
        let path = |key: &str, value: Option<Spanned<String>>| -> Result<Option<PlatformPath>, ConfigError> {
            let Some(value) = value else { return Ok(None) };
            let position = at(value.span().start);
            let path = normal_path(value.get_ref()).map_err(|reason| ConfigError {
                position,
                message: Text::new(
                    format!("[platform] {key} = \"{}\"：{}", value.get_ref(), reason.zh),
                    format!("[platform] {key} = \"{}\": {}", value.get_ref(), reason.en),
                ),
            })?;
            Ok(Some(PlatformPath { path, position }))
        };
        let theme = path("theme", raw.platform.theme)?;
        let roster = path("roster", raw.platform.roster)?;
        let terms = path("terms", raw.platform.terms)?;
        if raw.site.is_empty() {
            return Err(ConfigError {
                position: Position::START,
                message: Text::new(
                    "平台没有任何站点：至少写一个 [[site]]（dir = \"sites/portal\"）",
                    "the platform has no site: add at least one [[site]] (dir = \"sites/portal\")",
                ),
            });
        }
        let mut sites: Vec<PlatformSite> = Vec::with_capacity(raw.site.len());
        for entry in raw.site {
            let written = entry.dir.get_ref();
            let offset = entry.dir.span().start;
            let dir = normal_path(written).map_err(|reason| {
                fail(
                    offset,
                    format!("[[site]] dir = \"{written}\"：{}", reason.zh),
                    format!("[[site]] dir = \"{written}\": {}", reason.en),
                )
            })?;
            let position = at(offset);
            if let Some(first) = sites.iter().find(|site| site.dir == dir) {
                return Err(fail(
                    offset,
                    format!("站点目录 \"{dir}\" 重复（第 {} 行已有）", first.position.line),
                    format!("duplicate site directory \"{dir}\" (already on line {})", first.position.line),
                ));
            }
            let name = dir.rsplit('/').next().unwrap_or(&dir).to_string();
            if let Some(first) = sites.iter().find(|site| site.name == name) {
                return Err(fail(
                    offset,
                    format!(
                        "站点目录 \"{dir}\" 与第 {} 行的 \"{}\" 同名（{name}）：两者会写入同一输出目录 {name}/，请改名其一",
                        first.position.line, first.dir
                    ),
                    format!(
                        "site directory \"{dir}\" has the same name ({name}) as \"{}\" on line {}: both would build into {name}/; rename one",
                        first.dir, first.position.line
                    ),
                ));
            }
            sites.push(PlatformSite { dir, name, position });
        }
        Ok(PlatformConfig { name, theme, roster, terms, sites })
    }

    /// Checks that every path names what it must on disk; `kind_of` answers for a platform-relative path
    /// (the caller reads the file system). The first missing one is the error, at its line.
    pub fn check_paths(&self, kind_of: impl Fn(&str) -> Option<PathKind>) -> Result<(), ConfigError> {
        let shared = [
            ("theme", &self.theme, PathKind::Directory),
            ("roster", &self.roster, PathKind::File),
            ("terms", &self.terms, PathKind::File),
        ];
        for (key, path, kind) in shared {
            let Some(path) = path else { continue };
            if kind_of(&path.path) != Some(kind) {
                let (zh, en) = match kind {
                    PathKind::Directory => ("目录", "directory"),
                    PathKind::File => ("文件", "file"),
                };
                return Err(ConfigError {
                    position: path.position,
                    message: Text::new(
                        format!("[platform] {key}：{zh} \"{}\" 不存在", path.path),
                        format!("[platform] {key}: no such {en} \"{}\"", path.path),
                    ),
                });
            }
        }
        for site in &self.sites {
            if kind_of(&site.dir) != Some(PathKind::Directory) {
                return Err(ConfigError {
                    position: site.position,
                    message: Text::new(
                        format!("[[site]] 站点目录 \"{}\" 不存在", site.dir),
                        format!("[[site]] no such site directory \"{}\"", site.dir),
                    ),
                });
            }
        }
        Ok(())
    }

    /// The site whose directory or name is `wanted` (`sites/portal` or `portal`).
    pub fn site(&self, wanted: &str) -> Option<&PlatformSite> {
        let wanted = wanted.trim_end_matches('/');
        self.sites.iter().find(|site| site.dir == wanted || site.name == wanted)
    }
}

/// `a/./b/` → `a/b`; refuses empty paths, absolute paths and paths that leave the platform root.
fn normal_path(written: &str) -> Result<String, Text> {
    let written = written.trim().replace('\\', "/");
    if written.starts_with('/') || written.as_bytes().get(1) == Some(&b':') {
        return Err(Text::new("须为相对于平台根目录的路径", "must be relative to the platform root"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in written.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(Text::new("不得越出平台根目录", "may not leave the platform root"));
                }
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err(Text::new("不能为空，也不能是平台根目录本身", "may not be empty or the platform root itself"));
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_EXAMPLE: &str = "[platform]\nname = \"青禾市政府网站集约化平台\"\ntheme = \"theme/\"\nroster = \"reviewers.toml\"\nterms = \"terms.toml\"\n\n[[site]]\ndir = \"sites/portal\"\n\n[[site]]\ndir = \"sites/fgw\"\n";

    #[test]
    fn parses_the_spec_example() {
        let platform = PlatformConfig::parse(SPEC_EXAMPLE).unwrap();
        assert_eq!(platform.name, "青禾市政府网站集约化平台");
        assert_eq!(platform.theme.as_ref().unwrap().path, "theme");
        assert_eq!(platform.roster.as_ref().unwrap().path, "reviewers.toml");
        let names: Vec<(&str, &str, usize)> =
            platform.sites.iter().map(|site| (site.dir.as_str(), site.name.as_str(), site.position.line)).collect();
        assert_eq!(names, [("sites/portal", "portal", 8), ("sites/fgw", "fgw", 11)]);
        assert_eq!(platform.site("fgw").unwrap().dir, "sites/fgw");
        assert_eq!(platform.site("sites/portal/").unwrap().name, "portal");
    }

    #[test]
    fn two_sites_with_one_directory_name_are_an_error_at_the_second() {
        let text = "[platform]\nname = \"p\"\n[[site]]\ndir = \"a/portal\"\n[[site]]\ndir = \"b/portal\"\n";
        let error = PlatformConfig::parse(text).unwrap_err();
        assert_eq!(error.position, Position { line: 6, column: 7 });
        assert!(error.message.zh.contains("同名") && error.message.zh.contains("第 4 行"), "{}", error.message.zh);
        assert!(error.message.en.contains("same name (portal)"), "{}", error.message.en);
    }

    #[test]
    fn a_directory_listed_twice_is_an_error() {
        let text = "[platform]\nname = \"p\"\n[[site]]\ndir = \"sites/a\"\n[[site]]\ndir = \"./sites//a/\"\n";
        let error = PlatformConfig::parse(text).unwrap_err();
        assert_eq!(error.position.line, 6);
        assert!(error.message.zh.contains("重复"), "{}", error.message.zh);
        assert!(error.message.en.contains("duplicate site directory \"sites/a\""), "{}", error.message.en);
    }

    #[test]
    fn paths_must_stay_inside_the_platform() {
        for dir in ["/srv/a", "../a", "sites/../..", "", "."] {
            let text = format!("[platform]\nname = \"p\"\n[[site]]\ndir = \"{dir}\"\n");
            let error = PlatformConfig::parse(&text).unwrap_err();
            assert_eq!(error.position.line, 4, "{dir}");
        }
        let error = PlatformConfig::parse("[platform]\nname = \"p\"\ntheme = \"../theme\"\n[[site]]\ndir = \"a\"\n")
            .unwrap_err();
        assert_eq!(error.position.line, 3);
        assert!(error.message.en.contains("[platform] theme"), "{}", error.message.en);
    }

    #[test]
    fn shape_errors_carry_a_position() {
        let error =
            PlatformConfig::parse("[platform]\nname = \"p\"\nthem = \"x\"\n[[site]]\ndir = \"a\"\n").unwrap_err();
        assert_eq!(error.position.line, 3);
        let error = PlatformConfig::parse("[[site]]\ndir = \"a\"\n").unwrap_err();
        assert!(error.message.en.contains("platform"), "{}", error.message.en);
        let error = PlatformConfig::parse("[platform]\nname = \" \"\n[[site]]\ndir = \"a\"\n").unwrap_err();
        assert_eq!(error.position.line, 2);
        let error = PlatformConfig::parse("[platform]\nname = \"p\"\n").unwrap_err();
        assert!(error.message.en.contains("no site"), "{}", error.message.en);
    }

    #[test]
    fn missing_paths_are_errors_at_their_line() {
        let platform = PlatformConfig::parse(SPEC_EXAMPLE).unwrap();
        let all = |path: &str| Some(if path.ends_with(".toml") { PathKind::File } else { PathKind::Directory });
        assert!(platform.check_paths(all).is_ok());
        let error = platform.check_paths(|path| if path == "sites/fgw" { None } else { all(path) }).unwrap_err();
        assert_eq!(error.position.line, 11);
        assert!(error.message.zh.contains("\"sites/fgw\" 不存在"), "{}", error.message.zh);
        let error =
            platform.check_paths(|path| if path == "theme" { Some(PathKind::File) } else { all(path) }).unwrap_err();
        assert_eq!(error.position.line, 3);
        assert!(error.message.en.contains("no such directory \"theme\""), "{}", error.message.en);
    }
}
