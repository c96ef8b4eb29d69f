//! The site's `static/` directory and the theme's assets, copied into the output.

use std::path::Path;

use anyhow::Context as _;
use govpress::audit::DocumentKind;

use super::pages::{Pipeline, Written};
use super::templates::THEME_ASSETS;

/// The site's `static/` as is (HTML files rewritten and audited too), then the theme's assets it does not override.
pub fn copy_static(pipeline: &Pipeline<'_>, directory: &Path) -> anyhow::Result<Vec<Written>> {
    let mut written = Vec::new();
    if directory.is_dir() {
        for entry in walkdir::WalkDir::new(directory).follow_links(false).sort_by_file_name() {
            let entry = entry.with_context(|| format!("无法读取目录 {}", directory.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = crate::site::relative_path(directory, entry.path());
            let bytes = std::fs::read(entry.path()).with_context(|| format!("无法读取 {}", entry.path().display()))?;
            let is_html = relative.ends_with(".html") || relative.ends_with(".htm");
            match (is_html, String::from_utf8(bytes)) {
                (true, Ok(html)) => {
                    let url = format!("/{relative}");
                    written.push(pipeline.finish(relative, url, &html, DocumentKind::Static, None)?);
                }
                (_, Ok(text)) => {
                    let svg = relative.to_ascii_lowercase().ends_with(".svg");
                    let file = format!("{}/{relative}", pipeline.out_label);
                    let diagnostics = if svg { govpress::audit::judge_svg(&file, &text) } else { Vec::new() };
                    // Carried as a written file only for its diagnostics (an SVG has no ids to link to).
                    if !diagnostics.is_empty() {
                        let audit = govpress::audit::DocumentAudit { diagnostics, ..Default::default() };
                        let url = format!("/{relative}");
                        written.push(Written { path: relative.clone(), url, source: None, audit, targets: Vec::new() });
                    }
                    pipeline.staging.write(&relative, text.as_bytes())?
                }
                (_, Err(error)) => pipeline.staging.write(&relative, error.as_bytes())?,
            }
        }
    }
    for (path, bytes) in THEME_ASSETS {
        if !pipeline.staging.contains(path) {
            pipeline.staging.write(path, bytes)?;
        }
    }
    Ok(written)
}
