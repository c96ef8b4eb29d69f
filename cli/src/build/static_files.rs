//! The site's `static/` directory and the theme's assets, copied into the output.
//!
//! `static/` is a side door unless it is held to the same rules as everything else (第三条):
//! a symlink is followed only while it stays inside the site; secrets (`.git/`, `.env`, private keys
//! judged by content, editor backups) are refused; a static file never takes an output path a
//! rendered page or a generated file owns (the staging directory's claims decide); HTML goes through
//! the same HTML pass as rendered pages. The judgments live in the core (`govpress::static_files`).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use govpress::audit::DocumentKind;
use govpress::Diagnostic;

use super::pages::{Pipeline, Written};
use super::templates::THEME_ASSETS;
use super::writer::Owner;
use super::STATIC_DIR;

/// What copying `static/` gave: HTML files for the site-wide checks, and the files refused.
#[derive(Debug, Default)]
pub struct Copied {
    pub written: Vec<Written>,
    pub refused: Vec<Diagnostic>,
}

/// The site's `static/` (HTML files rewritten and audited too), then the theme's assets it does not override.
/// A platform's theme (`theme`: its `static/` and how the report names it from the site) comes between the
/// two: the site's files win over the theme's, the theme's over the built-in assets. `limits` bounds what
/// reading an attachment may cost (`[limits] max_file_bytes`).
pub fn copy_static(
    pipeline: &Pipeline<'_>,
    site_root: &Path,
    theme: Option<(&Path, &str)>,
    limits: attachments::Limits,
) -> anyhow::Result<Copied> {
    let mut copied = Copied::default();
    let directory = site_root.join(STATIC_DIR);
    if std::fs::symlink_metadata(&directory).is_ok() {
        let root =
            site_root.canonicalize().with_context(|| format!("无法读取 {0} / cannot read {0}", site_root.display()))?;
        copy_tree(pipeline, &root, (&directory, STATIC_DIR), false, limits, &mut copied)?;
    }
    if let Some((theme_static, label)) = theme.filter(|(theme_static, _)| theme_static.is_dir()) {
        let root = theme_static
            .canonicalize()
            .with_context(|| format!("无法读取 {0} / cannot read {0}", theme_static.display()))?;
        copy_tree(pipeline, &root, (theme_static, label), true, limits, &mut copied)?;
    }
    for (path, bytes) in THEME_ASSETS {
        if !pipeline.staging.contains(path) {
            pipeline.staging.write(path, bytes)?;
        }
    }
    Ok(copied)
}

/// Copies `directory` (named `label` in findings); `overridable`: a file whose output path is already
/// written (the site's own over the theme's) is skipped.
fn copy_tree(
    pipeline: &Pipeline<'_>,
    root: &Path,
    (directory, label_dir): (&Path, &str),
    overridable: bool,
    limits: attachments::Limits,
    copied: &mut Copied,
) -> anyhow::Result<()> {
    // Symlinks are followed (walkdir refuses loops), but a link whose target leaves the site is
    // pruned with a diagnostic before anything under it is read.
    let mut outside = Vec::new();
    let inside = |entry: &walkdir::DirEntry, outside: &mut Vec<Diagnostic>| {
        if !entry.path_is_symlink() {
            return true;
        }
        match real_path_inside(root, entry.path()) {
            Ok(_) => true,
            Err(target) => {
                let label = label_of(root, directory, label_dir, entry.path());
                outside.push(govpress::files::outside_site(&label, &target.display().to_string()));
                false
            }
        }
    };
    let walker = walkdir::WalkDir::new(directory).follow_links(true).sort_by_file_name();
    for entry in walker.into_iter().filter_entry(|entry| inside(entry, &mut outside)) {
        let entry =
            entry.with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", directory.display()))?;
        if !entry.file_type().is_file() {
            if !entry.file_type().is_dir() {
                tracing::warn!(path = %entry.path().display(), "not a regular file, not published");
            }
            continue;
        }
        let relative = crate::site::relative_path(directory, entry.path());
        if overridable && pipeline.staging.contains(&relative) {
            continue;
        }
        let label = format!("{label_dir}/{relative}");
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("无法读取 {0} / cannot read {0}", entry.path().display()))?;
        if let Some(refusal) = judge(root, &entry, &relative, &bytes, &label) {
            copied.refused.push(refusal);
            continue;
        }
        // Attachments (第二十二条): the text of CSV, spreadsheets, documents and PDFs judged by the page
        // text rules at its cell, page or paragraph; one that cannot be read is a warning.
        copied.refused.extend(attachments::check(&relative, &bytes, &label, limits));
        copy_file(pipeline, relative, label, bytes, copied)?;
    }
    copied.refused.append(&mut outside);
    Ok(())
}

/// The core's judgment on the file as named under `static/`, and — for a symlink — on the file it
/// points at (a link to the site's own `.git/config` is still `.git`).
fn judge(root: &Path, entry: &walkdir::DirEntry, relative: &str, bytes: &[u8], label: &str) -> Option<Diagnostic> {
    let refusal = govpress::static_files::judge(relative, bytes, label);
    if refusal.is_some() || !entry.path_is_symlink() {
        return refusal;
    }
    let target = real_path_inside(root, entry.path()).ok()?;
    let target = crate::site::relative_path(root, &target);
    govpress::static_files::judge(&target, bytes, label)
}

fn copy_file(
    pipeline: &Pipeline<'_>,
    relative: String,
    label: String,
    bytes: Vec<u8>,
    copied: &mut Copied,
) -> anyhow::Result<()> {
    let is_html = relative.ends_with(".html") || relative.ends_with(".htm");
    if !is_html {
        // An SVG opened directly is a document of the site: one carrying script is refused.
        if relative.to_ascii_lowercase().ends_with(".svg") {
            let refusals = govpress::audit::judge_svg(&label, &String::from_utf8_lossy(&bytes));
            if !refusals.is_empty() {
                copied.refused.extend(refusals);
                return Ok(());
            }
        }
        return pipeline.staging.write_as(&relative, &bytes, Owner::Source(label)).map(drop);
    }
    // HTML is published only through the HTML pass, so it must be text it can read.
    let html = match govpress::files::decode(&label, bytes) {
        Ok(html) => html,
        Err(refusal) => {
            copied.refused.push(refusal);
            return Ok(());
        }
    };
    if pipeline.staging.claim(&relative, Owner::Source(label.clone()))? {
        let url = format!("/{relative}");
        copied.written.push(pipeline.finish_as(&label, relative, url, &html, DocumentKind::Static, None)?);
    }
    Ok(())
}

/// The canonical target of `path` when it lies inside the site root `root` (itself canonical).
fn real_path_inside(root: &Path, path: &Path) -> Result<PathBuf, PathBuf> {
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) => Ok(real),
        Ok(real) => Err(real),
        Err(_) => Err(std::fs::read_link(path).unwrap_or_else(|_| path.to_path_buf())),
    }
}

fn label_of(root: &Path, directory: &Path, label_dir: &str, path: &Path) -> String {
    match path.strip_prefix(directory) {
        Ok(relative) if relative.as_os_str().is_empty() => label_dir.to_string(),
        Ok(_) => format!("{label_dir}/{}", crate::site::relative_path(directory, path)),
        Err(_) => crate::site::relative_path(root, path),
    }
}
