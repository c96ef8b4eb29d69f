//! The run history on disk (SPEC §11): `build`, `links` and `check --record` append one line to the
//! site's history file under a lock, then rotate it as the core decides (`govpress::history`). A
//! history that cannot be written is a warning: the run's own result stands.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, FixedOffset};
use govpress::history::{self, History, HistoryEntry};
use govpress::Lang;

use crate::locked_append::{directory_of, sync_directory, Locked};
use crate::site::Site;

/// The history file of a site.
pub fn path(site: &Site) -> PathBuf {
    site.root.join(site.config.history.path())
}

/// A run being timed: when it started (the clock, or `--now` when given, for reproducible runs).
pub struct Run {
    pub time: DateTime<FixedOffset>,
    started: Instant,
}

impl Run {
    pub fn start(now_flag: Option<DateTime<FixedOffset>>) -> Run {
        Run { time: now_flag.unwrap_or_else(crate::clock::now_in_china), started: Instant::now() }
    }

    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// Records a `build` run (a site on its own, or one site of a platform build).
pub fn record_build(site: &Site, run: &Run, report: &govpress::Report, published: bool, lang: Lang) {
    let mut entry = HistoryEntry::from_report("build", run.time, run.elapsed_ms(), report.files_checked, report);
    entry.published = Some(published);
    record(site, &entry, lang);
}

/// Appends `entry` to the site's history and rotates it when due; a failure is printed as a warning.
pub fn record(site: &Site, entry: &HistoryEntry, lang: Lang) {
    let file = path(site);
    if let Err(error) = append(&file, entry, site) {
        match lang {
            Lang::Zh => eprintln!("警告：无法写入运行记录 {}：{error:#}", file.display()),
            Lang::En => eprintln!("warning: cannot write the run history {}: {error:#}", file.display()),
        }
    }
}

fn append(file: &Path, entry: &HistoryEntry, site: &Site) -> anyhow::Result<()> {
    let mut locked = Locked::open(file, "运行记录")?;
    let mut line = entry.to_line();
    if !locked.text().is_empty() && !locked.text().ends_with('\n') {
        // A line cut by a crash stays on its own line (the reader skips it); the new entry is whole.
        line.insert(0, '\n');
    }
    locked.append(&line)?;
    tracing::debug!(file = %file.display(), bytes = locked.len(), "history entry appended");
    let Some(current) = file.file_name().and_then(|name| name.to_str()) else { return Ok(()) };
    let directory = directory_of(file);
    let names = file_names(directory)?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let now = entry.time().unwrap_or_else(crate::clock::now_in_china);
    let plan = history::plan_rotation(current, locked.len(), &names, now, site.config.history.policy());
    if let Some(segment) = &plan.rotate_to {
        // Renamed while still locked: a writer waiting for the lock sees the path moved and opens the new file.
        std::fs::rename(file, directory.join(segment))?;
        sync_directory(directory);
        tracing::info!(segment, "history rotated");
    }
    for name in &plan.delete {
        std::fs::remove_file(directory.join(name))?;
        tracing::info!(segment = name, "history segment older than the retention removed");
    }
    drop(locked);
    Ok(())
}

fn file_names(directory: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(directory)? {
        if let Some(name) = entry?.file_name().to_str() {
            names.push(name.to_string());
        }
    }
    Ok(names)
}

/// The whole history of a site: the current file and its rotated segments, sorted by time.
pub fn read(site: &Site) -> anyhow::Result<History> {
    let file = path(site);
    let mut all = History::default();
    let directory = directory_of(&file);
    let Some(current) = file.file_name().and_then(|name| name.to_str()) else { return Ok(all) };
    if !directory.is_dir() {
        return Ok(all);
    }
    let names = file_names(directory)?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut files: Vec<&str> = history::segments(current, &names).into_iter().map(|(name, _)| name).collect();
    files.push(current);
    for name in files {
        match std::fs::read_to_string(directory.join(name)) {
            Ok(text) => all.extend(History::parse(&text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => anyhow::bail!("无法读取 {0}：{error} / cannot read {0}", directory.join(name).display()),
        }
    }
    Ok(all)
}
