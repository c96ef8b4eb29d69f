//! `govpress build` as a library function: one path from the files to the output.
//!
//! 1. read the files; the sign-off (the review log against the sources); the core reads every front
//!    matter once into the site model (URLs, sections);
//! 2. each page once, in parallel: the core parses, checks and renders its body, then the page is
//!    templated, goes through `Pipeline::finish` (the one HTML pass) and is written to a temporary
//!    directory beside the output; section lists, the home page, 404, static files, leave pages, feeds;
//! 3. site findings: sections, output paths, broken internal links and anchors (located at their
//!    Markdown source);
//! 4. any error → the temporary directory is dropped and the previous output stays; else manifest + swap.

mod disclosure;
mod feeds;
mod links;
pub mod live;
mod names;
mod pages;
pub mod render_cache;
pub mod search;
mod static_files;
mod templates;
pub mod writer;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use govpress::audit::Auditor;
use govpress::config::LinkMode;
use govpress::leave_site::LeaveSite;
use govpress::render::Renderer;
use govpress::site::{PageResult, SiteRun};
use govpress::{Checker, Report};
use rayon::prelude::*;

use crate::output::Sources;
use crate::pipeline;
use crate::review_trust::TrustArgs;
use crate::site::{Site, SourceFile};
use pages::{Pipeline, SourceLinks, Written};
use render_cache::RenderCache;
use templates::{NavItem, SiteVars, Templates, THEME_ASSETS};
use writer::Staging;

pub use templates::parse_theme;

/// The directory of template overrides in a site (and in a platform's theme).
pub fn templates_dir() -> &'static str {
    templates::TEMPLATES_DIR
}

/// Output paths of the theme's assets (the site's `static/` may override them).
pub const THEME_ASSET_PATHS: [&str; THEME_ASSETS.len()] = {
    let mut paths = [""; THEME_ASSETS.len()];
    let mut index = 0;
    while index < THEME_ASSETS.len() {
        paths[index] = THEME_ASSETS[index].0;
        index += 1;
    }
    paths
};

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
    /// The review's trust root and base (flags, else the environment).
    pub trust: TrustArgs,
    /// The unit's publisher key: signs the manifest. `None`: the manifest is written unsigned.
    pub publisher_key: Option<govpress::review::PrivateKey>,
    /// Write the nginx includes into the site's `.govpress/nginx/` (`govpress build`); not for a preview
    /// or an archive, which must leave the site as it is.
    pub nginx_includes: bool,
    /// Where the render cache lives (`render_cache.rs`).
    pub cache: CachePlace,
}

/// Where a build keeps its render cache.
#[derive(Debug, Clone)]
pub enum CachePlace {
    /// No cache (a one-off build into a temporary directory).
    Off,
    /// The site's `.govpress/render-cache/`, one index per output directory.
    Site,
    /// This file (`serve`: beside its temporary output).
    At(PathBuf),
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
    /// Pages left out because their `publish_at` is still ahead: (site-relative path, when).
    pub scheduled: Vec<(String, String)>,
}

/// What phase 2 kept of a page for the rest of the build.
enum Kept {
    Nothing,
    Article(Written),
    /// A section's or the home page's body: its list pages are rendered once the phase is done (boxed:
    /// few pages are sections, and every page's record is as large as its largest kind).
    Index(Box<(String, SourceLinks)>),
}

/// What the build holds of a processed page until the site-wide checks: small, as a large site holds
/// one per page.
struct PageRecord {
    source_index: usize,
    /// The core's result, kept for a page with findings only (or every page, for `serve`'s edits):
    /// the findings of the others are nothing, and their links and ids were taken.
    result: Option<Box<PageResult>>,
    kept: Kept,
    /// The page's text, kept when its findings may quote it.
    text: Option<String>,
    /// Its search text, spilled.
    spilled: Option<search::Spilled>,
}

/// Builds `site` into its output directory, or leaves the previous output untouched on any error.
pub fn build_site(site: &Site, options: &BuildOptions) -> anyhow::Result<BuildReport> {
    build_site_then(site, options, None::<fn(&BuildReport, &mut live::Live<'_>)>)
}

/// [`build_site`]; after a successful build, `then` (`serve`) gets the build kept in memory, to apply
/// edits to until one needs the whole site processed again.
pub fn build_site_then(
    site: &Site,
    options: &BuildOptions,
    then: Option<impl FnOnce(&BuildReport, &mut live::Live<'_>)>,
) -> anyhow::Result<BuildReport> {
    let started = std::time::Instant::now();
    let out = output_dir(site, options.out.as_deref())?;
    let mut files = site.content_files()?;
    // The sign-off with the review files' trust root and base (`crate::review_files`); the core decides.
    // First: it needs only the sources, and what it reads (the log, its records) is gone before the
    // pages' results and records pile up.
    // Alongside it, on the other cores: the staging directory (taking in the previous output's
    // directories) and the render cache's index, neither of which depends on the pages.
    let cache_file = cache_file(site, &out, &options.cache);
    let (reviews, (staging, previous_index)) = rayon::join(
        || crate::review_files::check_reviews(site, &files, &options.trust),
        || {
            rayon::join(
                || Staging::new(&out),
                || cache_file.as_deref().filter(|_| writer::is_previous_output(&out)).map(render_cache::read_index),
            )
        },
    );
    let (review_findings, log_head) = reviews?;
    let staging = staging?;
    crate::memory::release();
    let checker = Checker::new(site.config.clone());
    let (mut run, jobs) = SiteRun::start(&checker, &pipeline::source_texts(&files), options.now);
    run.collect_text = true;
    // Each page's text moves into its job and is dropped once the page is processed (`keep_text`).
    let jobs = take_texts(jobs, &mut files);
    let sources = pipeline::source_texts(&files);
    let source_paths = pipeline::source_paths(&sources);
    let model = &run.model;
    let other_files = pipeline::other_files(site)?;
    let other: Vec<&str> = other_files.iter().map(String::as_str).collect();
    // Two owners of one output path: the build fails anyway, so nothing is rendered or written.
    let conflicted = !govpress::site::paths::conflicts(model, &THEME_ASSET_PATHS).is_empty();
    tracing::debug!(elapsed = ?started.elapsed(), pages = model.pages.len(), "model ready");

    let leave = LeaveSite::new(checker.config(), checker.hosts());
    let auditor = Auditor::new(checker.config(), &leave);
    let renderer = Renderer::new(checker.hosts());
    let site_vars = SiteVars::new(checker.config(), &leave);
    let nav: Vec<NavItem> = model
        .top_sections()
        .map(|section| {
            let page = &model.pages[section.index_page];
            NavItem { key: section.key.clone(), title: page.title().to_string(), url: run.href(&page.url) }
        })
        .collect();
    let security = security_headers(site)?;
    let shared = site.platform.as_deref();
    let theme = shared.and_then(|shared| shared.theme.as_ref()).map(|theme| theme.join(templates::TEMPLATES_DIR));
    let base = shared.map(|shared| &shared.templates);
    let templates = Templates::load(&site.root, (base, theme.as_deref()), &site_vars, &nav)?;
    let out_label = crate::site::relative_path(&site.root, &out);
    let cache = open_cache(cache_file, previous_index, &templates, &checker, &out_label);
    let names = names::Names::default();
    let pipeline = Pipeline {
        names: &names,
        model,
        templates: &templates,
        leave: &leave,
        auditor: &auditor,
        staging: &staging,
        cache: &cache,
        out_label: &out_label,
        base_path: run.base_path(),
    };
    tracing::debug!(elapsed = ?started.elapsed(), "templates ready");

    let bar = pipeline::progress_bar(options.progress, jobs.0.len(), "生成页面");
    // The search texts go to a temporary file as the pages are done, not held to the end.
    let spill = search::Spill::new(staging.directory())?;
    let keep_results = then.is_some();
    let processed =
        pipeline::process_pages(&run, jobs, &source_paths, options.now, &renderer, &bar, |mut result, text| {
            let kept = if conflicted { Kept::Nothing } else { keep_page(&pipeline, &mut result)? };
            let spilled = result.text.take().map(|text| spill.put(&text)).transpose()?;
            let text = keep_text(&result, text);
            result.body = None;
            let source_index = result.source_index;
            let result = (keep_results || !result.diagnostics.is_empty()).then(|| Box::new(result));
            Ok(PageRecord { source_index, result, kept, text, spilled })
        })?;
    spill.finish()?;
    bar.finish_and_clear();
    tracing::debug!(elapsed = ?started.elapsed(), "pages checked and written");
    let mut results = Vec::new();
    let mut written = Vec::with_capacity(processed.len());
    let mut bodies = std::collections::HashMap::new();
    let mut texts = Vec::new();
    let mut kept_texts = Vec::new();
    for PageRecord { source_index, result, kept, text, spilled } in processed {
        kept_texts.extend(text.map(|text| (source_index, text)));
        texts.extend(spilled.map(|spilled| (source_index, spilled)));
        match kept {
            Kept::Nothing => {}
            Kept::Article(file) => written.push(file),
            Kept::Index(body) => {
                bodies.insert(source_index, *body);
            }
        }
        results.extend(result.map(|result| *result));
    }
    // The pages' texts and their parse are gone: their room goes back before the lists and the index.
    crate::memory::release();
    let live_bodies = then.as_ref().map(|_| bodies.clone());
    let live_texts = match then {
        Some(_) => Some(read_back(&texts)?),
        None => None,
    };

    let mut leave_pages = 0;
    let mut refused = Vec::new();
    if !conflicted {
        // The search index (built on one thread) alongside the list pages (every core); the collisions
        // between them read the same whichever comes first (`writer::claims`).
        let (lists, search) = rayon::join(
            || -> anyhow::Result<Vec<Written>> {
                let mut lists = render_lists(&pipeline, &mut bodies)?;
                lists.push(pipeline.not_found()?);
                Ok(lists)
            },
            || search::write_search(&pipeline, govpress::search::site_documents(&run, texts)),
        );
        written.extend(lists?);
        written.push(search?);
        crate::memory::release();
        let theme = shared.and_then(|shared| shared.theme_static(&site.root));
        let theme = theme.as_ref().map(|(directory, label)| (directory.as_path(), label.as_str()));
        let limits = attachments::Limits::new(site.config.limits.max_file_bytes());
        let copied = static_files::copy_static(&pipeline, &site.root, theme, limits)?;
        written.extend(copied.written);
        leave_pages = write_leave_pages(&pipeline, &mut written)?;
        write_feeds(&pipeline, &site_vars)?;
        staging.write(govpress::headers::HEADERS_FILE, security.headers_file().as_bytes())?;
        tracing::debug!(elapsed = ?started.elapsed(), "lists, leave pages, static files and feeds written");
        refused = copied.refused;
    }
    let (audit, broken) = audit_findings(&written, &staging, &site_vars, &leave, (&out_label, &names));
    let output = output_findings(&audit, &broken, &refused, &staging);
    let result_refs: Vec<&PageResult> = results.iter().collect();
    let processed =
        pipeline::Processed { files: &files, results: &result_refs, sources: &sources, other_files: &other };
    let diagnostics = pipeline::findings(&run, &processed, options.now, false, output, review_findings.clone());
    drop(result_refs);
    let report = Report::new(sources.len(), diagnostics);
    let pages = run.model.pages.len();
    let paths: Vec<String> = files.iter().map(|file| file.relative.clone()).collect();
    drop(source_paths);
    drop(sources);
    // The texts the report quotes are put back last, once the output is in place and its records are
    // gone (`report_sources`).
    let mut result = BuildReport {
        report,
        sources: Sources::new(),
        written: false,
        out,
        pages,
        files: staging.file_count(),
        leave_pages,
        scheduled: run.model.scheduled.iter().map(|(path, at)| (path.clone(), at.display())).collect(),
    };
    if result.report.errors() > 0 {
        report_sources(site, files, kept_texts, &mut result);
        return Ok(result);
    }
    let log_head = log_head.map(Into::into);
    let staging = match then {
        Some(_) => Some(staging.commit_live(log_head, options.publisher_key.as_ref())?),
        None => {
            staging.commit(log_head, options.publisher_key.as_ref())?;
            None
        }
    };
    cache.save(&written, &names);
    result.written = true;
    if options.nginx_includes {
        write_nginx_includes(site, &security)?;
    }
    // Only `serve` goes on with the records.
    let written = if then.is_some() { written } else { Vec::new() };
    report_sources(site, files, kept_texts, &mut result);
    tracing::info!(pages = result.pages, files = result.files, out = %result.out.display(), elapsed = ?started.elapsed(), "site built");
    if let (Some(then), Some(staging)) = (then, staging) {
        let mut live = live::Live {
            site,
            options,
            run,
            renderer: &renderer,
            templates: &templates,
            leave: &leave,
            auditor: &auditor,
            site_vars: &site_vars,
            staging,
            out_label,
            paths,
            results,
            texts: live_texts.unwrap_or_default(),
            bodies: live_bodies.unwrap_or_default(),
            places: links::places(&written),
            names: &names,
            written,
            broken,
            review_findings,
            review: crate::review_files::keep_review(site, &options.trust)?,
            refused,
            other_files,
        };
        then(&result, &mut live);
    }
    Ok(result)
}

/// The jobs of [`SiteRun::start`] and their pages' texts, in the same order, taken out of `files`
/// (left empty there).
fn take_texts(
    jobs: Vec<govpress::site::PageJob>,
    files: &mut [SourceFile],
) -> (Vec<govpress::site::PageJob>, Vec<String>) {
    let texts = jobs
        .iter()
        .map(|job| files.get_mut(job.source_index).and_then(|file| file.text.as_mut().ok()).map(std::mem::take))
        .map(Option::unwrap_or_default)
        .collect();
    (jobs, texts)
}

/// The spilled search texts as `serve` keeps them (it changes them edit by edit).
fn read_back(texts: &[(usize, search::Spilled)]) -> anyhow::Result<Vec<(usize, String)>> {
    use govpress::search::Body;
    texts.iter().map(|(index, text)| Ok((*index, text.text()?.into_owned()))).collect()
}

/// A processed page's text, kept only when its findings may quote it; the others are dropped here, so
/// that the build does not hold every source to the end.
fn keep_text(result: &PageResult, text: String) -> Option<String> {
    (!result.diagnostics.is_empty()).then_some(text)
}

/// The sources of the report: the kept texts, and those of the other pages its findings name.
fn report_sources(site: &Site, mut files: Vec<SourceFile>, kept_texts: Vec<(usize, String)>, result: &mut BuildReport) {
    restore_texts(site, &mut files, kept_texts, &result.report.diagnostics);
    pipeline::keep_sources(site, files, &result.report.diagnostics, &mut result.sources);
}

/// Puts the kept texts back into `files` for the report's excerpts; a page whose text was dropped and
/// that a later finding names (a broken link at its Markdown line) is read again.
fn restore_texts(
    site: &Site,
    files: &mut [SourceFile],
    kept: Vec<(usize, String)>,
    diagnostics: &[govpress::Diagnostic],
) {
    let mut kept: std::collections::HashMap<usize, String> = kept.into_iter().collect();
    let named: std::collections::HashSet<&str> =
        diagnostics.iter().map(|diagnostic| diagnostic.file.as_str()).collect();
    let limit = site.config.limits.max_file_bytes();
    for (index, file) in files.iter_mut().enumerate() {
        let Ok(text) = &mut file.text else { continue };
        if let Some(kept) = kept.remove(&index) {
            *text = kept;
        } else if named.contains(file.relative.as_str()) {
            file.text = crate::site::read_source(file.relative.clone(), &file.absolute, limit).text;
        }
    }
}

/// One leave page per destination found in any file written so far; how many.
fn write_leave_pages(pipeline: &Pipeline<'_>, written: &mut Vec<Written>) -> anyhow::Result<usize> {
    let targets: BTreeSet<_> = match pipeline.leave.mode() {
        LinkMode::Interstitial => written.iter().flat_map(|file| file.targets.iter().cloned()).collect(),
        LinkMode::Confirm => BTreeSet::new(),
    };
    let shared = if targets.is_empty() { None } else { pipeline.leave_template()? };
    tracing::debug!(shared = shared.is_some(), "leave pages: one pass shared by all");
    let leave_written: Vec<Written> =
        targets.par_iter().map(|target| pipeline.leave_page(target, shared.as_ref())).collect::<anyhow::Result<_>>()?;
    let count = leave_written.len();
    written.reserve_exact(count);
    written.extend(leave_written);
    Ok(count)
}

/// What the HTML pass found in the written files, broken internal links and anchors among them (one
/// list per written file, so that `serve` can judge one file again), the refused static files and the
/// output paths two owners wanted.
fn audit_findings(
    written: &[Written],
    staging: &Staging,
    site_vars: &SiteVars,
    leave: &LeaveSite<'_>,
    (out_label, names): (&str, &names::Names),
) -> (Vec<govpress::Diagnostic>, Vec<Vec<govpress::Diagnostic>>) {
    let findings: Vec<_> = written.iter().flat_map(|file| file.diagnostics.iter().cloned()).collect();
    let broken = match url::Url::parse(&format!("{}/", site_vars.base_url)) {
        Ok(base_url) => {
            let site = links::Site { base_url: &base_url, base_path: leave.base_path(), out_label, names };
            links::broken_links(written, &links::places(written), 0..written.len(), staging, &site)
        }
        Err(_) => vec![Vec::new(); written.len()],
    };
    (findings, broken)
}

/// The findings of the output: the HTML pass's, broken links, refused static files, collisions.
fn output_findings(
    audit: &[govpress::Diagnostic],
    broken: &[Vec<govpress::Diagnostic>],
    refused: &[govpress::Diagnostic],
    staging: &Staging,
) -> Vec<govpress::Diagnostic> {
    let mut findings = audit.to_vec();
    findings.extend(broken.iter().flatten().cloned());
    findings.extend(refused.iter().cloned());
    findings.extend(staging.collisions());
    findings
}

/// Where the render cache's index is (`None`: the cache is off).
fn cache_file(site: &Site, out: &Path, place: &CachePlace) -> Option<PathBuf> {
    match place {
        CachePlace::Off => None,
        CachePlace::Site => Some(render_cache::index_file(&site.root, out)),
        CachePlace::At(file) => Some(file.clone()),
    }
}

/// The render cache at `file` with the `previous` build's index (read only when there is a previous
/// output to reuse files from), kept if it was made with this build's templates, config and output
/// label; each file's own inputs complete its key.
fn open_cache(
    file: Option<PathBuf>,
    previous: Option<render_cache::PreviousIndex>,
    templates: &Templates,
    checker: &Checker,
    out_label: &str,
) -> RenderCache {
    let Some(file) = file else { return RenderCache::off() };
    let config = format!("{:?}", checker.config());
    let salt = render_cache::Salt { templates: &templates.digest_input, config: &config, out_label };
    RenderCache::open(file, &salt, previous)
}

/// A published page right after the core processed it: articles are templated and written now,
/// section and home bodies are kept for their list pages.
fn keep_page(pipeline: &Pipeline<'_>, result: &mut PageResult) -> anyhow::Result<Kept> {
    // The page's links and ids are taken, not copied: the build judges links and anchors in the HTML it
    // writes (`links.rs`), never from the results (`pipeline::findings` with `check_links` false).
    result.ids = Vec::new();
    let (Some(body), Some(links)) = (result.body.take(), result.links.take()) else { return Ok(Kept::Nothing) };
    let Some(page) = pipeline.model.page_at(&links.url).filter(|page| page.source_index == result.source_index) else {
        return Ok(Kept::Nothing);
    };
    // A `path`/`slug` that leaves the output is `paths.outside-site` (the build fails on it): not written,
    // so the report names the page instead of the writer refusing the path.
    if govpress::rules::paths::escape(page.url.trim_start_matches('/')).is_some() {
        return Ok(Kept::Nothing);
    }
    let links = SourceLinks::of(page, links);
    if page.is_section_index {
        return Ok(Kept::Index(Box::new((body.html, links))));
    }
    Ok(Kept::Article(pipeline.article(page, body.html, links)?))
}

/// Section list pages and the home page, in parallel, from the bodies kept in phase 2.
fn render_lists(
    pipeline: &Pipeline<'_>,
    bodies: &mut std::collections::HashMap<usize, (String, SourceLinks)>,
) -> anyhow::Result<Vec<Written>> {
    let model = pipeline.model;
    let mut body_of = |section_index: usize| {
        let page = &model.pages[model.sections[section_index].index_page];
        bodies.remove(&page.source_index)
    };
    let jobs: Vec<(usize, Option<(String, SourceLinks)>)> = (0..model.sections.len())
        .filter(|&index| !model.sections[index].key.is_empty())
        .map(|index| (index, body_of(index)))
        .collect();
    let home = model.sections.iter().position(|section| section.key.is_empty()).and_then(&mut body_of);
    let lists: Vec<Vec<Written>> = jobs
        .into_par_iter()
        .map(|(index, body)| {
            let (content, links) = body.unwrap_or_default();
            pipeline.section_pages(index, &content, Some(links))
        })
        .collect::<anyhow::Result<_>>()?;
    let mut written: Vec<Written> = lists.into_iter().flatten().collect();
    written.push(match home {
        Some((content, links)) => pipeline.home(&content, Some(links))?,
        None => pipeline.home("", None)?,
    });
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

/// The security headers of the config (docs/deploy.md); a value that cannot go into a header is an
/// error at its line of `govpress.toml`, before anything is written.
fn security_headers(site: &Site) -> anyhow::Result<govpress::headers::SecurityHeaders> {
    govpress::headers::SecurityHeaders::from_config(&site.config).map_err(|error| {
        let position = site.config.position_of(&error.key);
        let at = format!("{}:{}:{}", crate::site::CONFIG_FILE, position.line, position.column);
        crate::user_error::bilingual(
            format!("{at}: {}：{}", error.key, error.message.zh),
            format!("{at}: {}: {}", error.key, error.message.en),
        )
    })
}

/// The nginx includes (headers for the HTTPS server, the redirect for the HTTP one) in the site's
/// `.govpress/nginx/`, each replaced atomically.
fn write_nginx_includes(site: &Site, security: &govpress::headers::SecurityHeaders) -> anyhow::Result<()> {
    use std::io::Write;
    let directory = site.root.join(govpress::headers::NGINX_DIR);
    std::fs::create_dir_all(&directory).with_context(|| format!("无法创建目录 {}", directory.display()))?;
    for (name, text) in [
        (govpress::headers::NGINX_HEADERS, security.nginx_include()),
        (govpress::headers::NGINX_REDIRECT, security.nginx_redirect()),
    ] {
        let mut file = tempfile::NamedTempFile::new_in(&directory)
            .with_context(|| format!("无法在 {} 创建临时文件", directory.display()))?;
        file.write_all(text.as_bytes()).with_context(|| format!("无法写入 {}", directory.join(name).display()))?;
        file.persist(directory.join(name)).with_context(|| format!("无法写入 {}", directory.join(name).display()))?;
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
