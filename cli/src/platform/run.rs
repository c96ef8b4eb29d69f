//! `check --platform` and `build --platform`: every site on the core pipeline, in parallel, into one
//! report whose `file`s are relative to the platform root (SPEC §10).

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use govpress::history::HistoryEntry;
use govpress::platform::PlatformSite;
use govpress::{Lang, Report};
use rayon::prelude::*;

use super::Platform;
use crate::build::{build_site, BuildOptions};
use crate::clock::site_now;
use crate::output::Sources;
use crate::review_trust::TrustArgs;
use crate::site::Site;

/// The platform's one report, and what happened to each site.
#[derive(Debug, Default)]
pub struct PlatformReport {
    pub report: Report,
    pub sources: Sources,
    pub sites: Vec<SiteOutcome>,
}

/// What one site gave: its report, the texts the report quotes, and its end.
type SitePart = (Report, Sources, SiteState);

/// One site's end of a platform run.
#[derive(Debug)]
pub struct SiteOutcome {
    pub dir: String,
    pub state: SiteState,
}

#[derive(Debug)]
pub enum SiteState {
    /// Checked (`check`) or built and swapped in (`build`); the text is the build's summary.
    Passed(String),
    /// Rule errors: nothing of this site was written (its previous output stands).
    Failed,
    /// The site could not be read or written: a config or I/O error, as the error says.
    Broken(String),
}

impl PlatformReport {
    /// The exit code: 2 when a site could not be read or written, else 1 when any site has rule errors
    /// (or warnings, with `deny_warnings`), else 0.
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if self.sites.iter().any(|site| matches!(site.state, SiteState::Broken(_))) {
            crate::exit_code::EXIT_FAILURE
        } else if self.report.fails(deny_warnings)
            || self.sites.iter().any(|site| matches!(site.state, SiteState::Failed))
        {
            crate::exit_code::EXIT_FINDINGS
        } else {
            crate::exit_code::EXIT_OK
        }
    }

    fn add(&mut self, site: &PlatformSite, mut report: Report, sources: Sources) {
        let prefix = format!("{}/", site.dir);
        for diagnostic in &mut report.diagnostics {
            diagnostic.file = platform_path(&prefix, &diagnostic.file);
        }
        self.report.merge(report);
        self.sources.absorb(sources, &prefix);
    }

    fn collect(results: Vec<(&PlatformSite, anyhow::Result<SitePart>)>, lang: Lang) -> Self {
        let mut platform = PlatformReport::default();
        for (site, result) in results {
            let state = match result {
                Ok((report, sources, state)) => {
                    platform.add(site, report, sources);
                    state
                }
                Err(error) => SiteState::Broken(crate::user_error::describe(&error, lang)),
            };
            platform.sites.push(SiteOutcome { dir: site.dir.clone(), state });
        }
        platform
    }

    /// One line per site on standard error: what was published, what kept its previous output.
    pub fn print_summary(&self, lang: Lang, quiet: bool) {
        for site in &self.sites {
            match (&site.state, lang) {
                (SiteState::Passed(text), _) if !quiet => eprintln!("{}: {text}", site.dir),
                (SiteState::Passed(_), _) => {}
                (SiteState::Failed, Lang::Zh) => eprintln!("{}：未通过检查，未写入任何文件，原输出保持原样", site.dir),
                (SiteState::Failed, Lang::En) => {
                    eprintln!(
                        "{}: failed its checks; nothing was written and its previous output is unchanged",
                        site.dir
                    )
                }
                (SiteState::Broken(error), Lang::Zh) => eprintln!("{}：错误：{error}", site.dir),
                (SiteState::Broken(error), Lang::En) => eprintln!("{}: error: {error}", site.dir),
            }
        }
    }
}

/// `sites/portal/` + `content/a.md`; a file outside the site (`../../theme/static/x.csv`) is named from the
/// platform root (`theme/static/x.csv`).
pub fn platform_path(prefix: &str, file: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in prefix.split('/').chain(file.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// What a platform command was asked.
pub struct PlatformArgs<'a> {
    pub now: Option<DateTime<FixedOffset>>,
    /// `check --record`: each site's check is appended to its history (build always appends).
    pub record: bool,
    pub trust: &'a TrustArgs,
    pub lang: Lang,
    pub quiet: bool,
}

/// `check --platform`: every selected site checked as `govpress check DIR` does.
pub fn check(platform: &Platform, sites: &[&PlatformSite], args: &PlatformArgs<'_>) -> PlatformReport {
    let bar = crate::pipeline::progress_bar(!args.quiet, sites.len(), "检查站点");
    let results = sites
        .par_iter()
        .map(|site| {
            let result = platform.open_site(site).and_then(|opened: Site| {
                let mut sources = Sources::new();
                let now = site_now(args.now, &opened.config);
                let run = crate::history::Run::start(args.now);
                let report = crate::pipeline::check_site(&opened, now, args.trust, &mut sources)?;
                if args.record {
                    let entry =
                        HistoryEntry::from_report("check", run.time, run.elapsed_ms(), report.files_checked, &report);
                    crate::history::record(&opened, &entry, args.lang);
                }
                let state = if report.errors() > 0 { SiteState::Failed } else { SiteState::Passed(String::new()) };
                Ok((report, sources, state))
            });
            bar.inc(1);
            (*site, result)
        })
        .collect();
    bar.finish_and_clear();
    PlatformReport::collect(results, args.lang)
}

/// `build --platform`: every selected site built into `out/<name>/`, each swapped in on its own.
pub fn build(
    platform: &Platform,
    sites: &[&PlatformSite],
    out: &std::path::Path,
    publisher_key: Option<&govpress::review::PrivateKey>,
    args: &PlatformArgs<'_>,
) -> PlatformReport {
    let bar = crate::pipeline::progress_bar(!args.quiet, sites.len(), "构建站点");
    let results = sites
        .par_iter()
        .map(|site| {
            let result = platform.open_site(site).and_then(|opened: Site| {
                let options = BuildOptions {
                    out: Some(out.join(&site.name)),
                    now: site_now(args.now, &opened.config),
                    progress: false,
                    trust: args.trust.clone(),
                    publisher_key: publisher_key.cloned(),
                    cache: crate::build::CachePlace::Site,
                };
                let run = crate::history::Run::start(args.now);
                let built = build_site(&opened, &options)?;
                crate::history::record_build(&opened, &run, &built.report, built.written, args.lang);
                let state = if built.written {
                    SiteState::Passed(summary(&built.out, built.pages, built.files, args.lang))
                } else {
                    SiteState::Failed
                };
                Ok((built.report, built.sources, state))
            });
            bar.inc(1);
            (*site, result)
        })
        .collect();
    bar.finish_and_clear();
    PlatformReport::collect(results, args.lang)
}

fn summary(out: &std::path::Path, pages: usize, files: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已生成 {}：{pages} 个页面，{files} 个文件", out.display()),
        Lang::En => format!("built {}: {pages} pages, {files} files", out.display()),
    }
}

/// The output root of `build --platform`: `--out`, else `public/` in the platform root.
pub fn output_root(platform: &Platform, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| platform.root.join(crate::build::DEFAULT_OUT))
}

#[cfg(test)]
mod tests {
    use super::platform_path;

    #[test]
    fn files_are_named_from_the_platform_root() {
        assert_eq!(platform_path("sites/portal/", "content/a.md"), "sites/portal/content/a.md");
        assert_eq!(platform_path("sites/portal/", "../../theme/static/a.csv"), "theme/static/a.csv");
        assert_eq!(platform_path("portal/", "govpress.toml"), "portal/govpress.toml");
    }
}
