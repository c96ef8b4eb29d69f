//! `govpress serve [DIR] [--port N] [--open]`: builds the site into a temporary directory, serves it
//! on 127.0.0.1, rebuilds when files change and reloads the browser; a failed build shows its
//! diagnostics in the terminal and as an overlay over the last good build.

mod embedded;
mod http;
mod platform;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::Args;
use govpress::config::SeverityOverride;
use notify::Watcher;

use crate::build::live::Live;
use crate::build::{build_site, build_site_then, BuildOptions, BuildReport, CachePlace};
use crate::clock::{parse_now, site_now};
use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::output::{self, Format, RenderOptions};
use crate::review_trust::TrustArgs;
use crate::site::{self, Site};
use http::{Roots, Shared};

const DEFAULT_PORT: u16 = 1313;
/// Changes closer together than this make one rebuild (editors write several events per save, within
/// a millisecond or two; a larger window would add its whole length to every edit's latency).
const DEBOUNCE: Duration = Duration::from_millis(10);
/// How long edits must pause before the search index is brought up to date.
const SEARCH_AFTER: Duration = Duration::from_millis(1000);

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 站点目录（默认：当前目录；当前目录不是站点时预览内置的演示门户）
    dir: Option<PathBuf>,
    /// 端口（默认 1313，被占用时顺延；0 表示任选空闲端口）
    #[arg(long)]
    port: Option<u16>,
    /// 启动后在浏览器中打开
    #[arg(long)]
    open: bool,
    /// 以此时刻为“现在”（RFC 3339），便于复现检查结果
    #[arg(long, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
    #[command(flatten)]
    platform: crate::platform::PlatformFlags,
}

enum Message {
    Changed(notify::Result<notify::Event>),
    Stop,
}

pub fn run(args: ServeArgs, globals: Globals) -> anyhow::Result<u8> {
    if args.platform.platform.is_some() {
        return platform::run(&args.platform, &args, globals);
    }
    // The demo portal's temporary copy lives as long as the server.
    let (root, demo_copy) = site_root(args.dir.as_deref(), globals)?;
    let site = Site::open(&root)?;
    let output_parent = tempfile::Builder::new()
        .prefix("govpress-serve-")
        .tempdir()
        .context("无法创建临时目录 / cannot create a temporary directory")?;
    let output = output_parent.path().join("public");
    let shared = Arc::new(Shared::default());

    let server = bind(args.port)?;
    let address = server.local_addr().context("无法读取服务器地址 / cannot read the server address")?;
    let url = format!("http://{address}/");
    let roots = Arc::new(Roots { site: output.clone(), checker: find_checker() });
    let (sender, receiver) = mpsc::channel();
    let stop_sender = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stop_sender.send(Message::Stop);
    })
    .context("无法设置 Ctrl-C 处理 / cannot set the Ctrl-C handler")?;
    // The demo copy is not watched: edits there would be lost with it.
    let _watcher = match demo_copy {
        None => Some(watch(&site.root, sender, globals)?),
        Some(_) => None,
    };
    let mut session = Session {
        root: site.root.clone(),
        output,
        cache: output_parent.path().join("render-cache.json"),
        now: args.now,
        globals,
        shared,
        receiver,
        server: Some((server, roots, url, args.open)),
    };
    session.run();
    drop(output_parent);
    drop(demo_copy);
    Ok(EXIT_OK)
}

/// The serving loop: a whole build, then edits applied to it in memory ([`crate::build::live`]) until
/// one needs the whole site again. After a failed build, the next change builds the whole site again.
struct Session {
    root: PathBuf,
    output: PathBuf,
    /// The render cache of this server's builds (beside its temporary output).
    cache: PathBuf,
    now: Option<DateTime<FixedOffset>>,
    globals: Globals,
    shared: Arc<Shared>,
    receiver: Receiver<Message>,
    /// The server, started once the first build is done.
    server: Option<(std::net::TcpListener, Arc<Roots>, String, bool)>,
}

enum Outcome {
    /// These changes need the whole site built again.
    Rebuild(Vec<PathBuf>),
    /// The build failed (its report as text); the last good output stays.
    Failed(String),
    Stop,
}

impl Session {
    fn run(&mut self) {
        let mut changed: Vec<PathBuf> = Vec::new();
        loop {
            match self.full_build(changed.len()) {
                Outcome::Stop => return,
                Outcome::Rebuild(files) => changed = files,
                Outcome::Failed(error) => {
                    self.shared.publish(Some(error.clone()));
                    self.start_server();
                    say(
                        self.globals,
                        "构建失败，浏览器中显示上一次成功的结果",
                        "build failed; the browser shows the last good build",
                    );
                    match self.wait_for_source_change(&error) {
                        Some(files) => changed = files,
                        None => return,
                    }
                }
            }
        }
    }

    /// Builds the whole site; on success, applies edits in memory until one needs another whole build.
    fn full_build(&mut self, changed: usize) -> Outcome {
        let started = Instant::now();
        let site = match Site::open(&self.root) {
            Ok(site) => preview_site(&site),
            Err(error) => {
                eprintln!("{}: {error:#}", output::error_label(self.globals.lang));
                return Outcome::Failed(format!("{error:#}"));
            }
        };
        let options = BuildOptions {
            out: Some(self.output.clone()),
            now: site_now(self.now, &site.config),
            progress: false,
            trust: TrustArgs::from_env(),
            publisher_key: None,
            nginx_includes: false,
            cache: CachePlace::At(self.cache.clone()),
        };
        let mut outcome = Outcome::Stop;
        let then = |built: &BuildReport, live: &mut Live<'_>| {
            self.print(&built.report, &built.sources, true);
            self.shared.publish(None);
            let took = started.elapsed().as_millis();
            match changed {
                0 => say(self.globals, format!("首次构建用时 {took} ms"), format!("first build took {took} ms")),
                count => say(
                    self.globals,
                    format!("已重新构建整个站点（{count} 个文件变化，用时 {took} ms）"),
                    format!("rebuilt the whole site ({count} changed files, {took} ms)"),
                ),
            }
            self.start_server();
            outcome = self.edits(live);
        };
        match build_site_then(&site, &options, Some(then)) {
            Ok(built) if built.written => outcome,
            Ok(built) => {
                self.print(&built.report, &built.sources, false);
                let plain = RenderOptions { lang: self.globals.lang, colour: false, deny_warnings: false };
                Outcome::Failed(output::render(&built.report, Format::Human, &built.sources, plain))
            }
            Err(error) => {
                eprintln!("{}: {error:#}", output::error_label(self.globals.lang));
                Outcome::Failed(format!("{error:#}"))
            }
        }
    }

    /// Edits applied to the build in memory; returns what the loop must do next.
    fn edits(&self, live: &mut Live<'_>) -> Outcome {
        let mut search_stale = false;
        loop {
            // The search index follows the pages once edits pause, so a burst of saves is not held up by it.
            let idle = search_stale.then_some(SEARCH_AFTER);
            let changed = match wait_for_changes(&self.receiver, &self.root, idle) {
                Wait::Stop => return Outcome::Stop,
                Wait::Idle => {
                    if let Err(error) = live.refresh_search() {
                        eprintln!("{}: {error:#}", output::error_label(self.globals.lang));
                    }
                    search_stale = false;
                    continue;
                }
                Wait::Changed(changed) => changed,
            };
            if let Some(files) = static_only(&self.root, &changed) {
                match copy_static(&self.root, &self.output, &files) {
                    Ok(()) => self.shared.publish(None),
                    Err(error) => eprintln!("{}: {error:#}", output::error_label(self.globals.lang)),
                }
                continue;
            }
            let relative: Vec<String> = changed.iter().map(|path| site::relative_path(&self.root, path)).collect();
            let pages = relative.iter().all(|path| path.starts_with("content/") && path.ends_with(".md"));
            let edited = match pages.then(|| live.edit(&relative)) {
                Some(Ok(Some(edited))) => edited,
                Some(Err(error)) => {
                    eprintln!("{}: {error:#}", output::error_label(self.globals.lang));
                    return Outcome::Rebuild(changed);
                }
                _ => return Outcome::Rebuild(changed),
            };
            self.print(&edited.shown(), &edited.sources, edited.written);
            let took = edited.took.as_millis();
            if edited.written {
                self.shared.publish(None);
                say(
                    self.globals,
                    format!("已更新 {}（{} 个文件，用时 {took} ms）", relative.join(", "), edited.files),
                    format!("updated {} ({} files, {took} ms)", relative.join(", "), edited.files),
                );
                search_stale = true;
            } else {
                let plain = RenderOptions { lang: self.globals.lang, colour: false, deny_warnings: false };
                self.shared.publish(Some(output::render(&edited.shown(), Format::Human, &edited.sources, plain)));
                say(
                    self.globals,
                    "检查未通过，浏览器中显示上一次成功的结果",
                    "the edit failed its checks; the browser shows the last good build",
                );
            }
        }
    }

    /// After a failed build: `static/` changes are copied (the failure stands); any other change builds again.
    fn wait_for_source_change(&self, error: &str) -> Option<Vec<PathBuf>> {
        loop {
            let changed = next_changes(&self.receiver, &self.root)?;
            let Some(files) = static_only(&self.root, &changed) else { return Some(changed) };
            if let Err(error) = copy_static(&self.root, &self.output, &files) {
                eprintln!("{}: {error:#}", output::error_label(self.globals.lang));
            }
            self.shared.publish(Some(error.to_string()));
        }
    }

    /// Prints a report's findings: always when the build failed, else unless `--quiet`.
    fn print(&self, report: &govpress::Report, sources: &output::Sources, passed: bool) {
        if !report.diagnostics.is_empty() && (!passed || !self.globals.quiet) {
            let _ = output::print(report, Format::Human, sources, self.globals.lang, false);
        }
    }

    /// Starts serving (once): the address is printed even with --quiet, scripts read it.
    fn start_server(&mut self) {
        let Some((server, roots, url, open)) = self.server.take() else { return };
        println!("{} {url}", if self.globals.lang == govpress::Lang::Zh { "正在预览" } else { "Serving" });
        if let Some(checker) = &roots.checker {
            let checker = checker.display();
            say(
                self.globals,
                format!("浏览器检查器 {url}_check/（{checker}）"),
                format!("Browser checker {url}_check/ ({checker})"),
            );
        }
        let shared = Arc::clone(&self.shared);
        std::thread::spawn(move || http::serve_forever(server, roots, shared));
        if open {
            open_in_browser(&url);
        }
    }
}

/// The site to serve: DIR, else the site around the current directory, else a copy of the demo portal.
fn site_root(dir: Option<&Path>, globals: Globals) -> anyhow::Result<(PathBuf, Option<tempfile::TempDir>)> {
    let (root, demo_copy) = match dir.map(Path::to_path_buf).or_else(|| site::find_site_root(Path::new("."))) {
        Some(root) => (root, None),
        None => {
            let copy = tempfile::Builder::new()
                .prefix("govpress-demo-")
                .tempdir()
                .context("无法创建临时目录 / cannot create a temporary directory")?;
            embedded::extract_demo_portal(copy.path())?;
            say(
                globals,
                "当前目录不是站点，预览内置的演示门户（青岚市人民政府）。用 govpress init 新建自己的站点。",
                "The current directory is not a site: serving the embedded demo portal. Create your own with govpress init.",
            );
            (copy.path().to_path_buf(), Some(copy))
        }
    };
    let root = root.canonicalize().with_context(|| format!("{}: 目录不存在 / no such directory", root.display()))?;
    Ok((root, demo_copy))
}

fn watch(root: &Path, sender: mpsc::Sender<Message>, globals: Globals) -> anyhow::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = sender.send(Message::Changed(event));
    })
    .context("无法监视文件变化 / cannot watch for file changes")?;
    watcher
        .watch(root, notify::RecursiveMode::Recursive)
        .context("无法监视文件变化 / cannot watch for file changes")?;
    say(globals, "正在监视文件变化，按 Ctrl-C 退出", "Watching for changes, Ctrl-C to stop");
    Ok(watcher)
}

/// Builds into `output` with the library function `govpress build` uses, prints the diagnostics,
/// and returns them as text when the build failed (the previous output then stays in place).
fn build_and_report(
    site: &Site,
    output: &Path,
    now: Option<DateTime<FixedOffset>>,
    globals: Globals,
) -> Option<String> {
    let options = BuildOptions {
        out: Some(output.to_path_buf()),
        now: site_now(now, &site.config),
        progress: false,
        trust: TrustArgs::from_env(),
        publisher_key: None,
        nginx_includes: false,
        cache: crate::build::CachePlace::Off,
    };
    match build_site(&preview_site(site), &options) {
        Ok(built) => {
            let report = &built.report;
            if !report.diagnostics.is_empty() && (!built.written || !globals.quiet) {
                let _ = output::print(report, Format::Human, &built.sources, globals.lang, false);
            }
            let plain = RenderOptions { lang: globals.lang, colour: false, deny_warnings: false };
            (!built.written).then(|| output::render(report, Format::Human, &built.sources, plain))
        }
        Err(error) => {
            eprintln!("{}: {error:#}", output::error_label(globals.lang));
            Some(format!("{error:#}"))
        }
    }
}

/// The site as previewed: a draft not yet signed off is shown (its sign-off findings become warnings),
/// since previewing is how reviewers see it before signing. A broken roster or archive, a rolled-back
/// log and an uncertified roster still fail (`review::INTEGRITY_RULES`), and `govpress build` stays strict.
fn preview_site(site: &Site) -> Site {
    let mut config = site.config.clone();
    let rules = govpress::rules::all_rules().into_iter().chain(govpress::review::RULES);
    for rule in rules.filter(|rule| rule.article == 13 && rule.severity == govpress::Severity::Error) {
        if !govpress::review::INTEGRITY_RULES.contains(&rule.id) {
            config.checks.severity.entry(rule.id.to_string()).or_insert(SeverityOverride::Warning);
        }
    }
    Site { root: site.root.clone(), config, platform: site.platform.clone() }
}

/// Waits for a change, then collects changes until `DEBOUNCE` passes quietly. `None` when stopping.
fn next_changes(receiver: &Receiver<Message>, root: &Path) -> Option<Vec<PathBuf>> {
    match wait_for_changes(receiver, root, None) {
        Wait::Changed(changed) => Some(changed),
        Wait::Idle | Wait::Stop => None,
    }
}

enum Wait {
    Changed(Vec<PathBuf>),
    /// Nothing changed within the idle time.
    Idle,
    Stop,
}

/// [`next_changes`], giving up after `idle` without any change.
fn wait_for_changes(receiver: &Receiver<Message>, root: &Path, idle: Option<Duration>) -> Wait {
    let mut changed: Vec<PathBuf> = Vec::new();
    loop {
        let received = match (changed.is_empty(), idle) {
            (true, None) => receiver.recv().map_err(|_| RecvTimeoutError::Disconnected),
            (true, Some(idle)) => receiver.recv_timeout(idle),
            (false, _) => receiver.recv_timeout(DEBOUNCE),
        };
        let message = match received {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) if changed.is_empty() => return Wait::Idle,
            Err(RecvTimeoutError::Timeout) => return Wait::Changed(changed),
            Err(RecvTimeoutError::Disconnected) => return Wait::Stop,
        };
        match message {
            Message::Stop => return Wait::Stop,
            Message::Changed(Ok(event)) if !event.kind.is_access() => {
                for path in event.paths {
                    if relevant(root, &path) && !changed.contains(&path) {
                        changed.push(path);
                    }
                }
            }
            Message::Changed(Ok(_)) => {}
            Message::Changed(Err(error)) => tracing::warn!(%error, "file watcher error"),
        }
    }
}

/// Whether a changed path can affect the build: not build output, VCS data, hidden or backup files.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else { return false };
    let mut components = relative.components().map(|component| component.as_os_str().to_string_lossy());
    let Some(first) = components.next() else { return false };
    if matches!(first.as_ref(), "public" | "target" | "node_modules") {
        return false;
    }
    let name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let hidden = std::iter::once(first).chain(components).any(|part| part.starts_with('.'));
    !(hidden || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp"))
}

/// The changed files when all of them are under `static/` (copied as is, no rebuild needed).
fn static_only(root: &Path, changed: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let static_dir = root.join("static");
    changed.iter().all(|path| path.starts_with(&static_dir)).then(|| changed.to_vec())
}

/// Mirrors changed `static/` files into the output: copies what exists, removes what was deleted.
fn copy_static(root: &Path, output: &Path, files: &[PathBuf]) -> anyhow::Result<()> {
    let static_dir = root.join("static");
    for file in files {
        let Ok(relative) = file.strip_prefix(&static_dir) else { continue };
        let target = output.join(relative);
        if file.is_file() {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("无法创建 {0} / cannot create {0}", parent.display()))?;
            }
            std::fs::copy(file, &target).with_context(|| format!("无法复制 {0} / cannot copy {0}", file.display()))?;
        } else if !file.exists() && target.is_file() {
            std::fs::remove_file(&target)
                .with_context(|| format!("无法删除 {0} / cannot delete {0}", target.display()))?;
        }
    }
    Ok(())
}

/// Listens on 127.0.0.1 only. Without `--port`, the default port moves up when taken.
fn bind(port: Option<u16>) -> anyhow::Result<std::net::TcpListener> {
    let candidates: Vec<u16> = match port {
        Some(port) => vec![port],
        None => (DEFAULT_PORT..DEFAULT_PORT + 20).collect(),
    };
    http::bind(&candidates)
}

/// `www/` with a built `pkg/`: `GOVPRESS_WWW`, else beside the current directory or the executable.
fn find_checker() -> Option<PathBuf> {
    let is_checker = |path: &Path| path.join("index.html").is_file() && path.join("pkg").is_dir();
    if let Some(path) = std::env::var_os("GOVPRESS_WWW").map(PathBuf::from) {
        return is_checker(&path).then_some(path);
    }
    let mut starts = vec![std::env::current_dir().ok()?];
    if let Ok(executable) = std::env::current_exe() {
        starts.extend(executable.parent().map(Path::to_path_buf));
    }
    starts.iter().flat_map(|start| start.ancestors()).map(|ancestor| ancestor.join("www")).find(|www| is_checker(www))
}

fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let opened = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok();
    if !opened {
        println!("请在浏览器中打开 / open in your browser: {url}");
    }
}

fn say(globals: Globals, zh: impl AsRef<str>, en: impl AsRef<str>) {
    if !globals.quiet {
        eprintln!("{}", if globals.lang == govpress::Lang::Zh { zh.as_ref() } else { en.as_ref() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_output_hidden_and_backup_files_do_not_trigger_rebuilds() {
        let root = Path::new("/site");
        assert!(relevant(root, Path::new("/site/content/news/a.md")));
        assert!(relevant(root, Path::new("/site/govpress.toml")));
        assert!(!relevant(root, Path::new("/site/public/index.html")));
        assert!(!relevant(root, Path::new("/site/.git/index")));
        assert!(!relevant(root, Path::new("/site/content/.a.md.swp")));
        assert!(!relevant(root, Path::new("/site/content/a.md~")));
        assert!(!relevant(root, Path::new("/elsewhere/a.md")));
    }

    #[test]
    fn previews_show_unsigned_drafts_but_not_a_broken_archive() {
        let site = Site { root: PathBuf::from("/site"), config: govpress::SiteConfig::default(), platform: None };
        let severity = preview_site(&site).config.checks.severity;
        assert_eq!(severity.get("review.unsigned"), Some(&SeverityOverride::Warning));
        assert_eq!(severity.get("review.stale"), Some(&SeverityOverride::Warning));
        assert_eq!(severity.get("review.log-invalid"), None);
        assert_eq!(severity.get("review.log-rollback"), None);
        assert_eq!(severity.get("review.roster-uncertified"), None);
        assert_eq!(severity.get("identity.missing"), None);
    }

    #[test]
    fn only_static_changes_skip_the_rebuild() {
        let root = Path::new("/site");
        let images = vec![PathBuf::from("/site/static/a.png")];
        assert_eq!(static_only(root, &images), Some(images.clone()));
        let mixed = vec![PathBuf::from("/site/static/a.png"), PathBuf::from("/site/content/a.md")];
        assert_eq!(static_only(root, &mixed), None);
    }

    #[test]
    fn copies_and_removes_static_files() {
        let site = tempfile::tempdir().unwrap();
        let output = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("static/img")).unwrap();
        std::fs::write(site.path().join("static/img/a.svg"), "<svg/>").unwrap();
        std::fs::write(output.path().join("gone.css"), "x").unwrap();
        let changed = [site.path().join("static/img/a.svg"), site.path().join("static/gone.css")];
        copy_static(site.path(), output.path(), &changed).unwrap();
        assert_eq!(std::fs::read_to_string(output.path().join("img/a.svg")).unwrap(), "<svg/>");
        assert!(!output.path().join("gone.css").exists());
    }
}
