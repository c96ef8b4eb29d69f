//! The core's site pipeline (`govpress::site`) on threads, shared by `check`, `build` and `serve`:
//! read the files, read every front matter once (the model), process each page once in parallel
//! (the caller decides what else happens to it: the build writes it), then the site-wide checks
//! and the sign-off.

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset};
use govpress::render::Renderer;
use govpress::site::{PageJob, PageResult, SiteRun, SourceText};
use govpress::{Checker, Diagnostic, Report};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::output::Sources;
use crate::review_trust::TrustArgs;
use crate::site::{self, Site, SourceFile};

/// The sources as the core takes them.
pub fn source_texts(files: &[SourceFile]) -> Vec<SourceText<'_>> {
    files
        .iter()
        .map(|file| SourceText {
            path: &file.relative,
            text: file.text.as_ref().map(String::as_str).map_err(|error| &**error),
        })
        .collect()
}

/// Step 2 on every page, in parallel. `texts` are the jobs' page texts, in the jobs' order (`&str`, or
/// the texts themselves for a caller that drops each as soon as its page is done); `paths` are the
/// sources' site-relative paths by source index. `each` takes every result and the text and returns
/// what is kept of the page (the build takes the body and writes the page, and keeps a small record),
/// so that no rendered page, and nothing the caller does not keep, is held.
pub fn process_pages<S: AsRef<str> + Send, T: Send>(
    run: &SiteRun<'_>,
    (jobs, texts): (Vec<PageJob>, Vec<S>),
    paths: &[&str],
    now: DateTime<FixedOffset>,
    renderer: &Renderer<'_>,
    bar: &ProgressBar,
    each: impl Fn(PageResult, S) -> anyhow::Result<T> + Sync,
) -> anyhow::Result<Vec<T>> {
    anyhow::ensure!(jobs.len() == texts.len(), "every page job needs its text");
    jobs.into_par_iter()
        .zip(texts)
        .map(|(job, text)| {
            let path = paths.get(job.source_index).context("page without a source")?;
            let result = run.page(job, path, text.as_ref(), now, renderer);
            let kept = each(result, text)?;
            bar.inc(1);
            Ok(kept)
        })
        .collect()
}

/// The readable texts of the jobs of [`SiteRun::start`], in the jobs' order.
pub fn job_texts<'s>(jobs: &[PageJob], sources: &[SourceText<'s>]) -> anyhow::Result<Vec<&'s str>> {
    jobs.iter()
        .map(|job| {
            let source = sources.get(job.source_index).context("page without a source")?;
            source.text.map_err(|_| anyhow::anyhow!("{}: unreadable page has no job", source.path))
        })
        .collect()
}

/// The sources' site-relative paths, by source index.
pub fn source_paths<'s>(sources: &[SourceText<'s>]) -> Vec<&'s str> {
    sources.iter().map(|source| source.path).collect()
}

/// What step 2 left, for step 3.
pub struct Processed<'r, 's> {
    /// The files as read (the sign-off reads the review files beside them).
    pub files: &'r [SourceFile],
    pub results: &'r [&'r PageResult],
    pub sources: &'r [SourceText<'s>],
    /// Output files that are not pages (static files, theme assets).
    pub other_files: &'r [&'r str],
}

/// Step 3 and the sign-off: every finding of the site with severity overrides applied, the config's
/// first. `page_findings` are anything else the caller found (the build's audit); `check_links`
/// judges the Markdown links (the build judges its HTML output instead).
pub fn finish(
    site: &Site,
    run: &SiteRun<'_>,
    processed: &Processed<'_, '_>,
    now: DateTime<FixedOffset>,
    check_links: bool,
    trust: &TrustArgs,
    page_findings: Vec<Diagnostic>,
) -> anyhow::Result<Vec<Diagnostic>> {
    // The sign-off with the review files' trust root and base (`crate::review_files`); the core decides.
    let (review_findings, _) = crate::review_files::check_reviews(site, processed.files, trust)?;
    Ok(findings(run, processed, now, check_links, page_findings, review_findings))
}

/// Every finding of the site from the pages' results, the site-wide checks, the sign-off's findings and
/// `page_findings` (anything else the caller found), severity overrides applied, the config's first.
pub fn findings(
    run: &SiteRun<'_>,
    processed: &Processed<'_, '_>,
    now: DateTime<FixedOffset>,
    check_links: bool,
    mut page_findings: Vec<Diagnostic>,
    review_findings: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let Processed { files: _, results, sources, other_files } = *processed;
    for source in sources {
        if let Err(diagnostic) = source.text {
            page_findings.push(diagnostic.clone());
        }
    }
    page_findings.extend(results.iter().flat_map(|result| result.diagnostics.iter().cloned()));
    let theme: &[&str] = &crate::build::THEME_ASSET_PATHS;
    page_findings.extend(run.site_diagnostics(results, theme, other_files, now, check_links));
    page_findings.extend(review_findings);
    let mut all = run.checker.check_config(site::CONFIG_FILE);
    all.extend(run.checker.apply_overrides(page_findings));
    all
}

/// Checks a whole site as `govpress check DIR` does; the texts of the files the findings name go
/// into `sources` for the report's renderers.
pub fn check_site(
    site: &Site,
    now: DateTime<FixedOffset>,
    trust: &TrustArgs,
    sources: &mut Sources,
) -> anyhow::Result<Report> {
    let files = site.content_files()?;
    let texts = source_texts(&files);
    let checker = Checker::new(site.config.clone());
    let renderer = Renderer::new(checker.hosts());
    let (run, jobs) = SiteRun::start(&checker, &texts, now);
    let job_texts = job_texts(&jobs, &texts)?;
    let paths = source_paths(&texts);
    let jobs = (jobs, job_texts);
    let results = process_pages(&run, jobs, &paths, now, &renderer, &ProgressBar::hidden(), |mut result, _| {
        result.body = None;
        Ok(result)
    })?;
    let results: Vec<&PageResult> = results.iter().collect();
    let other_files = other_files(site)?;
    let other: Vec<&str> = other_files.iter().map(String::as_str).collect();
    let processed = Processed { files: &files, results: &results, sources: &texts, other_files: &other };
    let diagnostics = finish(site, &run, &processed, now, true, trust, Vec::new())?;
    tracing::debug!(files = files.len(), "site checked");
    drop(texts);
    let checked = files.len();
    keep_sources(site, files, &diagnostics, sources);
    Ok(Report::new(checked, diagnostics))
}

/// Files of the output that are not pages: the site's static files and the theme's assets.
pub fn other_files(site: &Site) -> anyhow::Result<Vec<String>> {
    let mut files: Vec<String> = crate::build::THEME_ASSET_PATHS.iter().map(|path| path.to_string()).collect();
    let theme = site.platform.as_ref().and_then(|shared| shared.theme_static(&site.root));
    for directory in std::iter::once(site.root.join(crate::build::STATIC_DIR)).chain(theme.map(|(theme, _)| theme)) {
        if !directory.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&directory).follow_links(false) {
            let entry =
                entry.with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", directory.display()))?;
            if entry.file_type().is_file() {
                files.push(site::relative_path(&directory, entry.path()));
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Keeps for the report the texts of the files its findings name (and the config), not every page.
pub fn keep_sources(site: &Site, files: Vec<SourceFile>, diagnostics: &[Diagnostic], sources: &mut Sources) {
    let named: std::collections::HashSet<&str> =
        diagnostics.iter().map(|diagnostic| diagnostic.file.as_str()).collect();
    let config_path = site.root.join(site::CONFIG_FILE);
    if named.contains(site::CONFIG_FILE) {
        sources.insert(site::CONFIG_FILE, std::fs::read_to_string(&config_path).ok(), &config_path);
    } else {
        sources.insert_read(site::CONFIG_FILE, &config_path);
    }
    for file in files {
        let on_disk = site.root.join(&file.relative);
        match file.text {
            Ok(text) if named.contains(file.relative.as_str()) => sources.insert(&file.relative, Some(text), &on_disk),
            Ok(_) => sources.insert_read(&file.relative, &on_disk),
            Err(_) => sources.insert(&file.relative, None, &on_disk),
        }
    }
    // Files only diagnostics name (sections, the review files) are located in the site too.
    for diagnostic in diagnostics {
        if sources.path(&diagnostic.file) == diagnostic.file {
            sources.insert(&diagnostic.file, None, &site.root.join(&diagnostic.file));
        }
    }
}

/// A progress bar on a terminal only.
pub fn progress_bar(enabled: bool, length: usize, prefix: &'static str) -> ProgressBar {
    if !(enabled && std::io::IsTerminal::is_terminal(&std::io::stderr())) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(length as u64);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(prefix);
    bar
}
