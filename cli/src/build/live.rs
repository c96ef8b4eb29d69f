//! `serve` after a successful build: the build kept in memory, so that an edited page costs what it
//! affects instead of a whole build.
//!
//! What one edited content page recomputes (docs/serve.md):
//! - **the page**: read, parsed once and checked by the core pipeline (`SiteRun::page`, every page rule),
//!   its body rendered, templated and through the HTML pass; leave pages for destinations it adds;
//! - **its front matter changed** (title, date, description…) while every page keeps its URL and section
//!   (`SiteModel::with_front_matter`): the model, then the page's section list pages, the home page,
//!   every feed, the sitemap and `robots.txt`;
//! - **site-level rules, from the model and the kept results of every other page**: blank and stale
//!   sections, output paths with two owners, broken internal links and anchors over every written file
//!   (the edited page's ids may break links elsewhere, its links may break), and the page's sign-off
//!   (the review files read again; only the records that decide this page are verified);
//! - **after the page is served**: the search index ([`Live::refresh_search`]).
//!
//! Anything else processes the whole site again (the render cache spares its templating): a page added,
//! removed or renamed, one whose URL, section or publication changes, a section's own front matter,
//! 政府信息公开 metadata (other pages read it), the config, templates, terms or review files, several
//! files at once. An edit that fails the checks is not put in place; what it rendered waits with the
//! next edit's files, so the output always matches one state of the sources that passed.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use govpress::leave_site::LeaveSite;
use govpress::render::Renderer;
use govpress::site::{PageJob, PageResult, SiteRun};
use govpress::{Diagnostic, Report};

use super::pages::{Pipeline, SourceLinks, Written};
use super::render_cache::RenderCache;
use super::templates::{SiteVars, Templates};
use super::writer::Staging;
use super::{keep_page, BuildOptions, Kept};
use crate::output::Sources;
use crate::site::Site;

/// A build kept in memory (see the module's documentation).
pub struct Live<'b> {
    pub(super) site: &'b Site,
    pub(super) options: &'b BuildOptions,
    pub(super) run: SiteRun<'b>,
    pub(super) renderer: &'b Renderer<'b>,
    pub(super) templates: &'b Templates,
    pub(super) leave: &'b LeaveSite<'b>,
    pub(super) auditor: &'b govpress::audit::Auditor<'b>,
    pub(super) site_vars: &'b SiteVars,
    /// The output in live mode.
    pub(super) staging: Staging,
    pub(super) out_label: String,
    /// Site-relative path of every source, by source index.
    pub(super) paths: Vec<String>,
    pub(super) results: Vec<PageResult>,
    /// Visible text of every published page, for the search index.
    pub(super) texts: Vec<(usize, String)>,
    /// Rendered bodies of the sections' and the home page's `_index.md`, by source index.
    pub(super) bodies: HashMap<usize, (String, SourceLinks)>,
    pub(super) written: Vec<Written>,
    /// Where each file is in `written`, by output path.
    pub(super) places: HashMap<String, usize>,
    /// The strings of `written`.
    pub(super) names: &'b super::names::Names,
    /// Broken internal links and anchors of each written file, in `written`'s order.
    pub(super) broken: Vec<Vec<Diagnostic>>,
    pub(super) review_findings: Vec<Diagnostic>,
    /// The roster and log read once, for one page's sign-off (`None`: read them again on each edit).
    pub(super) review: Option<govpress::review::KeptReview>,
    pub(super) refused: Vec<Diagnostic>,
    pub(super) other_files: Vec<String>,
}

/// What applying an edit gave.
pub struct Edited {
    pub report: Report,
    pub sources: Sources,
    /// True when the edit passed and its files are in place.
    pub written: bool,
    pub files: usize,
    pub took: Duration,
    /// The edited page.
    pub page: String,
}

impl Edited {
    /// What to print after an edit: the edited page's findings and every error (not every other page's
    /// warnings again).
    pub fn shown(&self) -> Report {
        let shown = self
            .report
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.file == self.page || diagnostic.severity == govpress::Severity::Error);
        Report::new(self.report.files_checked, shown.cloned().collect())
    }
}

impl<'b> Live<'b> {
    /// The build's pipeline over the kept state, with `cache` (edits render without the render cache).
    fn pipeline<'p>(&'p self, cache: &'p RenderCache) -> Pipeline<'p> {
        Pipeline {
            model: &self.run.model,
            templates: self.templates,
            leave: self.leave,
            auditor: self.auditor,
            staging: &self.staging,
            cache,
            out_label: &self.out_label,
            base_path: self.run.base_path(),
            names: self.names,
        }
    }

    /// Applies an edit of `changed` (site-relative paths). `Ok(None)`: the edit needs the whole site
    /// processed again (see the module's documentation).
    pub fn edit(&mut self, changed: &[String]) -> anyhow::Result<Option<Edited>> {
        let started = Instant::now();
        let [path] = changed else { return Ok(None) };
        let Some(source_index) = self.paths.iter().position(|known| known == path) else { return Ok(None) };
        let Some(position) = self.results.iter().position(|result| result.source_index == source_index) else {
            return Ok(None);
        };
        let Some(old) = self.run.model.page_from(path).filter(|page| page.source_index == source_index) else {
            return Ok(None); // a draft or a scheduled page: whether it is published now decides much
        };
        let was_index = old.is_section_index;
        let limit = self.site.config.limits.max_file_bytes();
        let file = crate::site::read_source(path.clone(), &self.site.root.join(path), limit);
        let Ok(text) = &file.text else { return Ok(None) };
        let job = PageJob::read(source_index, text);
        let front_matter_changed = format!("{:?}", job.front_matter()) != format!("{:?}", old.front_matter);
        if front_matter_changed {
            if was_index {
                return Ok(None);
            }
            let now = Some(self.options.now);
            let Some(model) = self.run.model.with_front_matter(source_index, job.front_matter(), now) else {
                return Ok(None);
            };
            self.run.model = model;
        }

        let off = RenderCache::off();
        let mut result = self.run.page(job, path, text, self.options.now, self.renderer);
        tracing::debug!(elapsed = ?started.elapsed(), "edit: page read, parsed and checked");
        let mut fresh = Vec::new();
        let section = self.run.model.page_from(path).and_then(|page| page.section.clone());
        match keep_page(&self.pipeline(&off), &mut result)? {
            Kept::Nothing => return Ok(None),
            Kept::Article(file) => fresh.push(file),
            Kept::Index(body) => {
                self.bodies.insert(source_index, *body);
            }
        }
        let pipeline = self.pipeline(&off);
        if front_matter_changed || was_index {
            fresh.extend(self.lists(&pipeline, section.as_deref().unwrap_or_default())?);
            super::write_feeds(&pipeline, self.site_vars)?;
        }
        // Leave pages for destinations no file led to before.
        if self.leave.mode() == govpress::config::LinkMode::Interstitial {
            let targets: std::collections::BTreeSet<_> = fresh
                .iter()
                .flat_map(|file| file.targets.iter())
                .filter(|target| {
                    !self.staging.contains(&format!("{}/{}.html", govpress::leave_site::LEAVE_DIR, target.hash))
                })
                .cloned()
                .collect();
            for target in &targets {
                fresh.push(pipeline.leave_page(target, None)?);
            }
        }
        tracing::debug!(elapsed = ?started.elapsed(), "edit: files rendered");
        let files = fresh.len();
        let mut ids_changed = false;
        let mut judge = Vec::with_capacity(files);
        for file in fresh {
            match self.places.get(&file.path) {
                Some(&index) => {
                    ids_changed |= self.written[index].ids != file.ids;
                    self.written[index] = file;
                    judge.push(index);
                }
                None => {
                    self.places.insert(file.path.clone(), self.written.len());
                    judge.push(self.written.len());
                    self.written.push(file);
                    self.broken.push(Vec::new());
                }
            }
        }
        // Links into a page whose ids changed may break anywhere: then every file is judged again.
        let judge = if ids_changed { (0..self.written.len()).collect() } else { judge };
        self.judge_links(judge);
        tracing::debug!(elapsed = ?started.elapsed(), ids_changed, "edit: links judged");
        if let Some(text) = result.text.take() {
            match self.texts.iter_mut().find(|(index, _)| *index == source_index) {
                Some(slot) => slot.1 = text,
                None => self.texts.push((source_index, text)),
            }
        }
        self.results[position] = result;

        // The page's sign-off, from the roster and log read once: its deciding records' signatures checked.
        let reviewed = match &mut self.review {
            Some(kept) => crate::review_files::page_review(kept, path, text),
            None => crate::review_files::check_reviews(self.site, std::slice::from_ref(&file), &self.options.trust)?.0,
        };
        self.review_findings.retain(|diagnostic| &diagnostic.file != path);
        self.review_findings.extend(reviewed.into_iter().filter(|diagnostic| &diagnostic.file == path));

        tracing::debug!(elapsed = ?started.elapsed(), "edit: sign-off read");
        let report = self.report();
        tracing::debug!(elapsed = ?started.elapsed(), "edit: site findings");
        let written = report.errors() == 0;
        if written {
            self.staging.apply()?;
        }
        let took = started.elapsed();
        tracing::info!(?took, files, passed = written, page = %path, "edit applied");
        let sources = self.sources(&report, path, text);
        Ok(Some(Edited { report, sources, written, files, took, page: path.clone() }))
    }

    /// The search index again, from every page's kept text (after the edited page was served).
    pub fn refresh_search(&mut self) -> anyhow::Result<()> {
        let started = Instant::now();
        let off = RenderCache::off();
        let pipeline = self.pipeline(&off);
        let documents = govpress::search::site_documents(&self.run, self.texts.clone());
        super::search::write_search(&pipeline, documents)?;
        if self.report().errors() == 0 {
            self.staging.apply()?;
        }
        tracing::info!(took = ?started.elapsed(), "search index refreshed");
        Ok(())
    }

    /// Broken internal links and anchors of the written files `judge` (indices), again.
    fn judge_links(&mut self, judge: Vec<usize>) {
        let Ok(base_url) = url::Url::parse(&format!("{}/", self.site_vars.base_url)) else { return };
        let site = super::links::Site {
            base_url: &base_url,
            base_path: self.leave.base_path(),
            out_label: &self.out_label,
            names: self.names,
        };
        let found =
            super::links::broken_links(&self.written, &self.places, judge.iter().copied(), &self.staging, &site);
        for (index, found) in judge.into_iter().zip(found) {
            self.broken[index] = found;
        }
    }

    /// The list pages of `section` (or the home page's section ``) and the home page.
    fn lists(&self, pipeline: &Pipeline<'_>, section: &str) -> anyhow::Result<Vec<Written>> {
        let model = &self.run.model;
        let body = |key: &str| {
            let section = model.section(key)?;
            self.bodies.get(&model.pages[section.index_page].source_index).cloned()
        };
        let mut written = Vec::new();
        if let Some(index) = model.sections.iter().position(|candidate| candidate.key == section && !section.is_empty())
        {
            let (content, links) = body(section).unwrap_or_default();
            written.extend(pipeline.section_pages(index, &content, Some(links))?);
        }
        written.push(match body("") {
            Some((content, links)) => pipeline.home(&content, Some(links))?,
            None => pipeline.home("", None)?,
        });
        Ok(written)
    }

    /// Every finding of the site as it now stands (as `pipeline::findings` makes them for a build).
    fn report(&self) -> Report {
        let other: Vec<&str> = self.other_files.iter().map(String::as_str).collect();
        let results: Vec<&PageResult> = self.results.iter().collect();
        let processed = crate::pipeline::Processed { files: &[], results: &results, sources: &[], other_files: &other };
        let audit: Vec<Diagnostic> = self.written.iter().flat_map(|file| file.diagnostics.iter().cloned()).collect();
        let audit = super::output_findings(&audit, &self.broken, &self.refused, &self.staging);
        let diagnostics = crate::pipeline::findings(
            &self.run,
            &processed,
            self.options.now,
            false,
            audit,
            self.review_findings.clone(),
        );
        Report::new(self.paths.len(), diagnostics)
    }

    /// The texts the report's findings quote.
    fn sources(&self, report: &Report, edited: &str, text: &str) -> Sources {
        let mut sources = Sources::new();
        let config = self.site.root.join(crate::site::CONFIG_FILE);
        sources.insert_read(crate::site::CONFIG_FILE, &config);
        let shown = report
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.file == edited || diagnostic.severity == govpress::Severity::Error);
        let mut seen = std::collections::HashSet::new();
        for diagnostic in shown.filter(|diagnostic| seen.insert(diagnostic.file.as_str())) {
            let on_disk = self.site.root.join(&diagnostic.file);
            let text = match diagnostic.file == edited {
                true => Some(text.to_string()),
                false => std::fs::read_to_string(&on_disk).ok(),
            };
            sources.insert(&diagnostic.file, text, &on_disk);
        }
        sources
    }
}
