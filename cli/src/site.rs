//! A site on disk (SPEC §2): finding it, reading its config and its content files.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use govpress::{Diagnostic, SiteConfig, TermsError};

pub const CONFIG_FILE: &str = "govpress.toml";
pub const CONTENT_DIR: &str = "content";
/// The site's 规范表述 list (SPEC §12), beside `govpress.toml`.
pub const TERMS_FILE: &str = "terms.toml";

#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// What the site's platform shares with it (SPEC §10), `None` for a site on its own.
    pub platform: Option<std::sync::Arc<crate::platform::Shared>>,
}

/// A Markdown file and what reading it gave.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site root with `/` separators (or as given, without a site).
    pub relative: String,
    #[allow(dead_code)] // read by build and review
    pub absolute: PathBuf,
    /// Boxed: a build holds every file's record, and the rare finding is large.
    pub text: Result<String, Box<Diagnostic>>,
}

impl Site {
    /// Opens the site at `root`; a broken config is an error naming `govpress.toml:line:column`.
    /// A site listed in the `platform.toml` of an ancestor directory is opened as a site of that platform
    /// (its theme, roster and terms shared), however it is named: `govpress build sites/portal`,
    /// `govpress review sign` in it and `build --platform` read the same site.
    pub fn open(root: &Path) -> anyhow::Result<Site> {
        match crate::platform::open_member(root)? {
            Some(site) => Ok(site),
            None => Site::open_with_terms(root, &[]),
        }
    }

    /// Opens a site of a platform: its terms are the platform's `shared_terms` and its own (SPEC §10).
    pub fn open_with_terms(root: &Path, shared_terms: &[govpress::terms::Term]) -> anyhow::Result<Site> {
        let config_path = root.join(CONFIG_FILE);
        if !config_path.is_file() {
            bail!("{} 不是站点目录：缺少 {CONFIG_FILE} / not a site: no {CONFIG_FILE}", root.display());
        }
        let config = load_config_with_terms(&config_path, shared_terms)?;
        Ok(Site { root: root.to_path_buf(), config, platform: None })
    }

    /// Every `.md` file under `content/`, sorted, with symlinks leaving the site refused.
    pub fn content_files(&self) -> anyhow::Result<Vec<SourceFile>> {
        let content = self.root.join(CONTENT_DIR);
        if !content.is_dir() {
            return Ok(Vec::new());
        }
        let canonical_root = self
            .root
            .canonicalize()
            .with_context(|| format!("无法访问 {0} / cannot access {0}", self.root.display()))?;
        let mut files = Vec::new();
        let mut unread = Vec::new(); // per file: whether its text is still to be read
        for entry in walkdir::WalkDir::new(&content).follow_links(false).sort_by_file_name() {
            let entry =
                entry.with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", content.display()))?;
            let path = entry.path();
            if path.extension().and_then(|extension| extension.to_str()) != Some("md") {
                continue;
            }
            let relative = relative_path(&self.root, path);
            if entry.path_is_symlink() {
                match path.canonicalize() {
                    Ok(target) if target.starts_with(&canonical_root) => {}
                    Ok(target) => {
                        files.push(SourceFile {
                            relative: relative.clone(),
                            absolute: path.to_path_buf(),
                            text: Err(Box::new(govpress::files::outside_site(
                                &relative,
                                &target.display().to_string(),
                            ))),
                        });
                        continue;
                    }
                    Err(error) => {
                        files.push(SourceFile {
                            relative: relative.clone(),
                            absolute: path.to_path_buf(),
                            text: Err(Box::new(govpress::files::unreadable(&relative, &error.to_string()))),
                        });
                        continue;
                    }
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            files.push(SourceFile { relative, absolute: path.to_path_buf(), text: Ok(String::new()) });
            unread.resize(files.len() - 1, false);
            unread.push(true);
        }
        files.shrink_to_fit();
        unread.resize(files.len(), false);
        // The texts are read after every path, so that they lie side by side in memory, and by the
        // worker threads, into their own malloc arenas: a large build drops each text once its page is
        // processed, and the room it leaves is taken again by what the same workers allocate next (read
        // by the main thread, it sat in the main arena, out of the workers' reach, until the phase ended:
        // 100,000 pages peaked 100 MB higher), or given back whole (`crate::memory::release`).
        let limit = self.config.limits.max_file_bytes();
        files.par_iter_mut().zip(unread).filter(|(_, unread)| *unread).for_each(|(file, _)| {
            file.text = read_text(&file.relative, &file.absolute, limit);
        });
        Ok(files)
    }
}

pub fn load_config(path: &Path) -> anyhow::Result<SiteConfig> {
    load_config_with_terms(path, &[])
}

fn load_config_with_terms(path: &Path, shared_terms: &[govpress::terms::Term]) -> anyhow::Result<SiteConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?;
    let mut config = SiteConfig::parse(&text).map_err(|error| {
        let at = format!("{}:{}:{}", path.display(), error.position.line, error.position.column);
        crate::user_error::bilingual(
            format!("{at}: 配置错误：{}", error.message.zh),
            format!("{at}: config error: {}", error.message.en),
        )
    })?;
    attach_terms(&mut config, path, shared_terms)?;
    Ok(config)
}

/// The site's terms (SPEC §12): `terms.toml` beside the config, when there is one. A malformed file, or a
/// `[terms] disable` id that names no term, is a config error at its line.
fn attach_terms(
    config: &mut SiteConfig,
    config_path: &Path,
    shared_terms: &[govpress::terms::Term],
) -> anyhow::Result<()> {
    let terms_path = config_path.with_file_name(TERMS_FILE);
    let text = match std::fs::read_to_string(&terms_path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(crate::user_error::bilingual(
                format!("无法读取 {}：{error}", terms_path.display()),
                format!("cannot read {}: {error}", terms_path.display()),
            ))
        }
    };
    config.attach_shared_terms(shared_terms, text.as_deref()).map_err(|error| {
        let (path, error) = match error {
            TermsError::TermsFile(error) => (terms_path.as_path(), error),
            TermsError::Config(error) => (config_path, error),
        };
        let place = format!("{}:{}:{}", path.display(), error.position.line, error.position.column);
        crate::user_error::bilingual(
            format!("{place}: 配置错误：{}", error.message.zh),
            format!("{place}: config error: {}", error.message.en),
        )
    })
}

/// Reads one Markdown file; unreadable, non-UTF-8 and too large files become diagnostics, not errors.
/// The size is judged on the open file before a byte is read (a file that grows meanwhile is read only
/// up to the limit and then refused), so a huge file costs no memory.
pub fn read_source(relative: String, path: &Path, limit: u64) -> SourceFile {
    let text = read_text(&relative, path, limit);
    SourceFile { relative, absolute: path.to_path_buf(), text }
}

/// The text of [`read_source`].
fn read_text(relative: &str, path: &Path, limit: u64) -> Result<String, Box<Diagnostic>> {
    let text = match read_limited(path, limit) {
        Ok(Ok(bytes)) => govpress::files::decode(relative, bytes),
        Ok(Err(size)) => Err(govpress::files::too_large(relative, size, limit)),
        Err(error) => Err(govpress::files::unreadable(relative, &error.to_string())),
    };
    text.map_err(Box::new)
}

/// The file's bytes, or `Err(size)` when it holds more than `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read;
    // Not a FIFO or a device behind a symlink: opening one could block forever.
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("不是普通文件 / not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Err(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// The nearest ancestor directory (or the directory itself) holding `govpress.toml`.
pub fn find_site_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let mut directory = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
    while let Some(candidate) = directory {
        if candidate.join(CONFIG_FILE).is_file() {
            return Some(candidate.to_path_buf());
        }
        directory = candidate.parent();
    }
    None
}

/// `root`-relative path with `/` separators.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.components().map(|component| component.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
