//! `govpress build` as a library function: check, render in parallel, rewrite every HTML file for
//! leave-site warnings, audit every output file, then swap the output into place atomically.
//!
//! The pipeline in one screen:
//! 1. `check_site` — any error and nothing is written;
//! 2. model (URLs, sections) → pages rendered in parallel into a temporary directory beside the output;
//! 3. leave pages for every destination found, static files, feeds, sitemap, robots.txt, 404;
//! 4. broken internal links and anchors, located at their Markdown source;
//! 5. any error found by the audit → the temporary directory is dropped; else manifest + rename.

mod feeds;
mod links;
mod model;
mod pages;
mod static_files;
mod templates;
pub mod writer;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use govpress::audit::Auditor;
use govpress::config::LinkMode;
use govpress::leave_site::LeaveSite;
use govpress::render::Renderer;
use govpress::{Checker, Diagnostic, Report};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::output::Sources;
use crate::site::Site;
use model::SiteModel;
use pages::{Pipeline, Written};
use templates::{NavItem, SiteVars, Templates};
use writer::Staging;

pub const DEFAULT_OUT: &str = "public";
pub const STATIC_DIR: &str = "static";

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Output directory; `<site>/public` when `None`.
    pub out: Option<PathBuf>,
    /// "Now" for the checks (the core reads no clock).
    pub now: DateTime<FixedOffset>,
    /// Show a progress bar (on a terminal only).
    pub progress: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    /// Every finding: the check's, then the audit's. Errors mean nothing was written.
    pub report: Report,
    /// The texts of the sources, for rendering the report.
    pub sources: Sources,
    /// True when the new output is in place.
    pub written: bool,
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub leave_pages: usize,
}

/// Builds `site` into its output directory, or leaves the previous output untouched on any error.
pub fn build_site(site: &Site, options: &BuildOptions) -> anyhow::Result<BuildReport> {
    let started = std::time::Instant::now();
    let out = output_dir(site, options.out.as_deref())?;
    let mut sources = Sources::new();
    let checked = crate::commands::check::check_site_with_sources(site, options.now, &mut sources)?;
    tracing::debug!(elapsed = ?started.elapsed(), "checked");
    let mut result = BuildReport { report: checked, sources, written: false, out, pages: 0, files: 0, leave_pages: 0 };
    if result.report.errors() > 0 {
        return Ok(result);
    }
    let model = SiteModel::new(result.sources.files().filter_map(|file| Some((file, result.sources.text(file)?))));
    let checker = Checker::new(site.config.clone());
    let leave = LeaveSite::new(checker.config(), checker.hosts());
    let auditor = Auditor::new(checker.config(), &leave);
    let renderer = Renderer::new(checker.hosts());
    let site_vars = SiteVars::new(checker.config(), &leave);
    let nav: Vec<NavItem> = model
        .top_sections()
        .map(|section| {
            let page = &model.pages[section.index_page];
            NavItem {
                key: section.key.clone(),
                title: page.title().to_string(),
                url: format!("{}{}", leave.base_path().trim_end_matches('/'), page.url),
            }
        })
        .collect();
    let templates = Templates::load(&site.root, &site_vars, &nav)?;
    let staging = Staging::new(&result.out)?;
    let out_label = crate::site::relative_path(&site.root, &result.out);
    let pipeline = Pipeline {
        model: &model,
        templates: &templates,
        renderer: &renderer,
        leave: &leave,
        auditor: &auditor,
        staging: &staging,
        out_label: &out_label,
    };

    tracing::debug!(elapsed = ?started.elapsed(), "model and templates ready");
    let mut written = render_all(&pipeline, options.progress)?;
    tracing::debug!(elapsed = ?started.elapsed(), "pages written");
    written.push(pipeline.not_found()?);
    let copied = static_files::copy_static(&pipeline, &site.root)?;
    written.extend(copied.written);
    // One leave page per destination found in any file written above.
    let targets: BTreeSet<_> = match leave.mode() {
        LinkMode::Interstitial => written.iter().flat_map(|file| file.targets.iter().cloned()).collect(),
        LinkMode::Confirm => BTreeSet::new(),
    };
    let leave_pages: Vec<Written> =
        targets.par_iter().map(|target| pipeline.leave_page(target)).collect::<anyhow::Result<_>>()?;
    result.leave_pages = leave_pages.len();
    written.extend(leave_pages);
    write_feeds(&pipeline, &site_vars)?;
    tracing::debug!(elapsed = ?started.elapsed(), "leave pages, static files and feeds written");

    let mut diagnostics: Vec<Diagnostic> =
        written.iter_mut().flat_map(|file| std::mem::take(&mut file.audit.diagnostics)).collect();
    if let Ok(base_url) = url::Url::parse(&format!("{}/", site_vars.base_url)) {
        let exists = |path: &str| staging.contains(path);
        diagnostics.extend(links::broken_links(&written, &exists, &base_url, leave.base_path(), &out_label));
    }
    diagnostics.extend(copied.refused);
    diagnostics.extend(staging.collisions());
    let diagnostics = checker.apply_overrides(diagnostics);
    result.pages = model.pages.len();
    result.files = staging.file_count();
    result.report.merge(Report::new(0, diagnostics));
    if result.report.errors() > 0 {
        return Ok(result);
    }
    tracing::debug!(elapsed = ?started.elapsed(), "links checked");
    staging.commit()?;
    result.written = true;
    tracing::info!(pages = result.pages, files = result.files, out = %result.out.display(), elapsed = ?started.elapsed(), "site built");
    Ok(result)
}

/// Article pages, section pages and the home page, in parallel, with a progress bar.
fn render_all(pipeline: &Pipeline<'_>, progress: bool) -> anyhow::Result<Vec<Written>> {
    let model = pipeline.model;
    let articles: Vec<usize> = (0..model.pages.len()).filter(|&index| !model.pages[index].is_section_index).collect();
    let sections: Vec<usize> =
        (0..model.sections.len()).filter(|&index| !model.sections[index].key.is_empty()).collect();
    let bar = if progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = ProgressBar::new((articles.len() + sections.len() + 1) as u64);
        if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {elapsed}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("生成页面");
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut written: Vec<Written> = articles
        .par_iter()
        .map(|&index| {
            let result = pipeline.article(&model.pages[index]);
            bar.inc(1);
            result
        })
        .collect::<anyhow::Result<_>>()?;
    let section_pages: Vec<Vec<Written>> = sections
        .par_iter()
        .map(|&index| {
            let result = pipeline.section_pages(index);
            bar.inc(1);
            result
        })
        .collect::<anyhow::Result<_>>()?;
    written.extend(section_pages.into_iter().flatten());
    written.push(pipeline.home()?);
    bar.finish_and_clear();
    Ok(written)
}

fn write_feeds(pipeline: &Pipeline<'_>, site: &SiteVars) -> anyhow::Result<()> {
    let model = pipeline.model;
    pipeline.staging.write("sitemap.xml", feeds::sitemap(model, &site.base_url).as_bytes())?;
    pipeline.staging.write("robots.txt", feeds::robots(&site.base_url, &site.base_path).as_bytes())?;
    for (index, section) in model.sections.iter().enumerate().filter(|(_, section)| !section.key.is_empty()) {
        let path = format!("{}atom.xml", model.pages[section.index_page].url.trim_start_matches('/'));
        pipeline.staging.write(&path, feeds::atom(model, index, &site.name, &site.base_url).as_bytes())?;
    }
    Ok(())
}

/// The output directory, refusing places where replacing it would destroy the site itself.
fn output_dir(site: &Site, out: Option<&Path>) -> anyhow::Result<PathBuf> {
    let out = out.map_or_else(|| site.root.join(DEFAULT_OUT), Path::to_path_buf);
    let absolute = |path: &Path| -> anyhow::Result<PathBuf> {
        let path = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) };
        Ok(normalise(&path))
    };
    let root = absolute(&site.root.canonicalize().unwrap_or_else(|_| site.root.clone()))?;
    let target = absolute(&out)?;
    let target = match (target.parent().and_then(|parent| parent.canonicalize().ok()), target.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => target,
    };
    let protected = ["content", STATIC_DIR, templates::TEMPLATES_DIR, "reviews"];
    if root.starts_with(&target) || protected.iter().any(|name| target.starts_with(root.join(name))) {
        anyhow::bail!(
            "输出目录 {} 会覆盖站点本身或其源文件，请换一个 --out / the output would overwrite the site or its sources",
            out.display()
        );
    }
    Ok(out)
}

fn normalise(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}
