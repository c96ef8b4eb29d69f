//! A 集约化 platform on disk (第十条, SPEC §10): `platform.toml`, its shared theme, roster and terms, and
//! its sites. The core validates the file (`govpress::platform`); this module reads what it names.

mod roster;
pub mod run;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use govpress::config::ConfigError;
use govpress::platform::{PathKind, PlatformConfig, PlatformSite, PLATFORM_FILE};
use govpress::terms::Term;

pub use roster::{apply_shared_roster, site_roster_text};

use crate::site::Site;
use crate::user_error::bilingual;

/// A platform: where it is, its validated config and what it shares with every site.
#[derive(Debug)]
pub struct Platform {
    /// The directory holding `platform.toml`: every path of the platform is relative to it.
    pub root: PathBuf,
    pub config: PlatformConfig,
    pub shared: Arc<Shared>,
}

/// What a platform shares with each of its sites, read once.
pub struct Shared {
    /// The platform root, canonical.
    pub root: PathBuf,
    /// `[platform] theme`: a directory with `templates/` and `static/` like a site's.
    pub theme: Option<PathBuf>,
    /// The built-in templates with the theme's `templates/`, parsed once for every site.
    pub templates: tera::Tera,
    /// `[platform] terms`, parsed.
    pub terms: Vec<Term>,
    /// `[platform] roster`.
    pub roster: Option<SharedRoster>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Shared").field("root", &self.root).field("theme", &self.theme).finish_non_exhaustive()
    }
}

impl Shared {
    /// The theme's `static/` and its name as seen from `site_root` (`../../theme/static`), so findings
    /// in it read `theme/static/…` once the site's directory is put in front (SPEC §10).
    pub fn theme_static(&self, site_root: &Path) -> Option<(PathBuf, String)> {
        let theme = self.theme.as_ref()?;
        let site_root = site_root.canonicalize().unwrap_or_else(|_| site_root.to_path_buf());
        let depth = site_root.strip_prefix(&self.root).map_or(0, |relative| relative.components().count());
        let label = format!("{}{}/static", "../".repeat(depth), crate::site::relative_path(&self.root, theme));
        Some((theme.join(crate::build::STATIC_DIR), label))
    }
}

/// The shared roster's text, its certificate (`FILE.sig`) and its paths.
#[derive(Debug)]
pub struct SharedRoster {
    pub path: PathBuf,
    pub text: String,
    pub certificate: Option<String>,
}

impl Platform {
    /// Opens `platform.toml`, or the one in the directory `path`. Every error (syntax, a duplicate or
    /// missing site directory, two sites of one name, bad shared terms) names `file:line:column`.
    pub fn open(path: &Path) -> anyhow::Result<Platform> {
        let file = if path.is_dir() { path.join(PLATFORM_FILE) } else { path.to_path_buf() };
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("无法读取平台配置 {0} / cannot read the platform file {0}", file.display()))?;
        let root = file.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        let config = PlatformConfig::parse(&text).map_err(|error| config_error(&file, &error))?;
        config
            .check_paths(|relative| {
                let metadata = std::fs::metadata(root.join(relative)).ok()?;
                Some(if metadata.is_dir() { PathKind::Directory } else { PathKind::File })
            })
            .map_err(|error| config_error(&file, &error))?;
        let terms = match &config.terms {
            None => Vec::new(),
            Some(terms) => {
                let path = root.join(&terms.path);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?;
                govpress::terms::parse_terms_toml(&text).map_err(|error| config_error(&path, &error))?
            }
        };
        let roster = match &config.roster {
            None => None,
            Some(roster) => {
                let path = root.join(&roster.path);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?;
                let certificate = crate::review_files::read_optional(&crate::review_trust::certificate_path(&path))?;
                Some(SharedRoster { path, text, certificate })
            }
        };
        let canonical =
            root.canonicalize().with_context(|| format!("无法访问 {0} / cannot access {0}", root.display()))?;
        let theme = config.theme.as_ref().map(|theme| canonical.join(&theme.path));
        let theme_templates = theme.as_ref().map(|theme| theme.join(crate::build::templates_dir()));
        let templates = crate::build::parse_theme(&theme_templates.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
        let shared = Shared { root: canonical, theme, templates, terms, roster };
        Ok(Platform { root, config, shared: Arc::new(shared) })
    }

    pub fn site_root(&self, site: &PlatformSite) -> PathBuf {
        self.root.join(&site.dir)
    }

    /// Opens one site of the platform with the platform's terms and roster attached.
    pub fn open_site(&self, site: &PlatformSite) -> anyhow::Result<Site> {
        let mut opened = Site::open_with_terms(&self.site_root(site), &self.shared.terms)?;
        opened.platform = Some(Arc::clone(&self.shared));
        Ok(opened)
    }

    /// The sites a command works on: all, or those `only` names (by directory or name).
    pub fn select(&self, only: &[String]) -> anyhow::Result<Vec<&PlatformSite>> {
        if only.is_empty() {
            return Ok(self.config.sites.iter().collect());
        }
        only.iter()
            .map(|wanted| {
                self.config.site(wanted).ok_or_else(|| {
                    let known: Vec<&str> = self.config.sites.iter().map(|site| site.name.as_str()).collect();
                    bilingual(
                        format!("平台中没有站点 {wanted}（已有：{}）", known.join("、")),
                        format!("the platform has no site {wanted} (it has: {})", known.join(", ")),
                    )
                })
            })
            .collect()
    }
}

/// Opens `root` as a site of the platform in the nearest ancestor directory holding `platform.toml`, when
/// that platform lists it; `None` when there is no such platform or it does not list the site.
pub fn open_member(root: &Path) -> anyhow::Result<Option<Site>> {
    let Ok(canonical) = root.canonicalize() else { return Ok(None) };
    let Some(directory) = canonical.ancestors().skip(1).find(|directory| directory.join(PLATFORM_FILE).is_file())
    else {
        return Ok(None);
    };
    let file = directory.join(PLATFORM_FILE);
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("无法读取平台配置 {0} / cannot read the platform file {0}", file.display()))?;
    let config = PlatformConfig::parse(&text).map_err(|error| config_error(&file, &error))?;
    let relative = crate::site::relative_path(directory, &canonical);
    if !config.sites.iter().any(|site| site.dir == relative) {
        return Ok(None);
    }
    let platform = Platform::open(&file)?;
    let mut site = Site::open_with_terms(root, &platform.shared.terms)?;
    site.platform = Some(Arc::clone(&platform.shared));
    Ok(Some(site))
}

/// A config error at `file:line:column`, in both languages, as `govpress.toml` errors are.
pub fn config_error(file: &Path, error: &ConfigError) -> anyhow::Error {
    let at = format!("{}:{}:{}", file.display(), error.position.line, error.position.column);
    bilingual(format!("{at}: 配置错误：{}", error.message.zh), format!("{at}: config error: {}", error.message.en))
}

/// `--platform [PLATFORM.toml|DIR]` and `--site`, shared by `check`, `build` and `serve`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PlatformFlags {
    /// 集约化平台（第十条）：处理 platform.toml 中的全部站点（不给值时为当前目录的 platform.toml）
    #[arg(long, value_name = "PLATFORM.toml|DIR", num_args = 0..=1, default_missing_value = ".")]
    pub platform: Option<PathBuf>,
    /// 与 --platform 同用：只处理这些站点（目录或名称，可重复；CI 矩阵每个作业一个）
    #[arg(long = "site", value_name = "SITE", requires = "platform")]
    pub sites: Vec<String>,
}
