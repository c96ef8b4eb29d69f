//! Putting the staged output in place and getting rid of the previous one.
//!
//! The swap is one atomic exchange where the OS has one (`renameat2(RENAME_EXCHANGE)` on Linux,
//! `renameatx_np(RENAME_SWAP)` on macOS): the output path names a complete tree at every instant, and
//! the previous tree ends up under the staging directory's name. Elsewhere (or on a file system that
//! refuses the exchange) it falls back to two renames, putting the previous output back if the
//! second fails.
//!
//! The previous tree's files are removed in the background so that they never hold up the command,
//! and its directories kept for the next build ([`super::recycle`]); where that is not possible the
//! whole tree is removed in the background. A removal cut short (the process exited, was killed) is
//! finished by the next build's sweep, which removes every staging directory that no live build holds
//! a lock on.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Swaps `staged` into `out`. Returns where the previous output now is (to be removed), if there was one.
pub fn swap_into_place(staged: &Path, out: &Path) -> anyhow::Result<Option<PathBuf>> {
    if std::fs::symlink_metadata(out).is_err() {
        std::fs::rename(staged, out)
            .with_context(|| format!("无法把输出移到 {0} / cannot move the output to {0}", out.display()))?;
        return Ok(None);
    }
    match exchange(staged, out) {
        Ok(()) => return Ok(Some(staged.to_path_buf())),
        Err(error) => tracing::debug!(%error, "atomic exchange unavailable, falling back to two renames"),
    }
    let previous = staged.with_file_name(
        staged
            .file_name()
            .map_or_else(|| ".public.old".into(), |name| name.to_string_lossy().replace(".tmp-", ".old-")),
    );
    std::fs::rename(out, &previous)
        .with_context(|| format!("无法移开旧的输出 {0} / cannot move the old output aside {0}", out.display()))?;
    if let Err(error) = std::fs::rename(staged, out) {
        let _ = std::fs::rename(&previous, out);
        return Err(error)
            .with_context(|| format!("无法把输出移到 {0} / cannot move the output to {0}", out.display()));
    }
    Ok(Some(previous))
}

#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(staged: &Path, out: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, staged, CWD, out, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_staged: &Path, _out: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no atomic exchange on this OS"))
}

/// Holds an exclusive advisory lock on a staging directory for as long as it lives, so that a
/// concurrent build's sweep leaves the directory alone.
pub struct StagingLock {
    _file: Option<File>,
}

impl StagingLock {
    pub fn acquire(directory: &Path) -> StagingLock {
        let file = File::open(directory).ok().filter(try_lock);
        if file.is_none() {
            tracing::debug!(path = %directory.display(), "could not lock the staging directory");
        }
        StagingLock { _file: file }
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> bool {
    rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok()
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> bool {
    false
}

/// Removes, in the background, the leftovers of earlier builds beside `out`: staging directories of
/// builds that were killed, previous outputs whose removal was cut short. A directory some live
/// build holds locked is left alone; where locks are not available, nothing is swept.
pub fn sweep_leftovers(parent: &Path, name: &str) {
    if !cfg!(unix) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let is_ours = prefixes.iter().any(|prefix| file_name.starts_with(prefix.as_str()));
        if !is_ours || !entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        let path = entry.path();
        // Taking the lock proves no live build is using it; the removal holds it to the end.
        if let Some(file) = File::open(&path).ok().filter(try_lock) {
            tracing::debug!(path = %path.display(), "removing a leftover of an earlier build");
            remove_in_background(path, Some(file));
        }
    }
}

/// Removes `path` without making the command wait: a detached `rm -rf` on Unix (it outlives this
/// process if need be), else a thread. Whatever is left over is swept by the next build.
pub fn remove_in_background(path: PathBuf, lock: Option<File>) {
    #[cfg(unix)]
    let lock = {
        let mut rm = std::process::Command::new("rm");
        rm.arg("-rf").arg("--").arg(&path);
        match spawn_detached(rm, lock) {
            Ok(()) => return,
            Err((error, lock)) => {
                tracing::debug!(%error, "cannot run rm, removing in a thread");
                lock
            }
        }
    };
    std::thread::spawn(move || {
        let _lock = lock;
        if let Err(error) = std::fs::remove_dir_all(&path) {
            tracing::warn!(path = %path.display(), %error, "could not remove the previous output");
        }
    });
}

/// Runs `command` without waiting for it and with no input or output; a thread reaps it (so that a
/// long-lived process, `serve`, collects no zombies), holding `held` until it ends. On failure, the
/// error and `held` back.
pub fn spawn_detached<T: Send + 'static>(
    mut command: std::process::Command,
    held: T,
) -> Result<(), (std::io::Error, T)> {
    use std::process::Stdio;
    match command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _held = held;
                let _ = child.wait();
            });
            Ok(())
        }
        Err(error) => Err((error, held)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use super::*;

    fn tree(root: &Path, marker: &str) {
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/marker"), marker).unwrap();
    }

    #[test]
    fn the_output_exists_at_every_instant_of_the_swap() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staged = dir.path().join(".public.tmp-x");
        tree(&out, "0");
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (out, stop) = (out.clone(), stop.clone());
            // Two renames leave a gap in which `out` is missing; an exchange never does.
            std::thread::spawn(move || {
                let mut gaps = 0;
                while !stop.load(Ordering::Relaxed) {
                    gaps += usize::from(std::fs::symlink_metadata(&out).is_err());
                }
                gaps
            })
        };
        for round in 1..=500 {
            tree(&staged, &round.to_string());
            let previous = swap_into_place(&staged, &out).unwrap().unwrap();
            assert_eq!(std::fs::read_to_string(out.join("sub/marker")).unwrap(), round.to_string());
            if cfg!(target_os = "linux") {
                // The exchange leaves the previous tree exactly where the staged one was.
                assert_eq!(previous, staged);
                assert_eq!(std::fs::read_to_string(previous.join("sub/marker")).unwrap(), (round - 1).to_string());
            }
            std::fs::remove_dir_all(&previous).unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        if cfg!(target_os = "linux") {
            assert_eq!(watcher.join().unwrap(), 0, "the output directory went missing during a swap");
        }
    }

    #[test]
    fn the_first_build_renames_and_leftovers_are_swept_unless_locked() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staged = dir.path().join(".public.tmp-a");
        tree(&staged, "new");
        assert_eq!(swap_into_place(&staged, &out).unwrap(), None);
        assert!(out.join("sub/marker").is_file() && !staged.exists());

        let killed = dir.path().join(".public.tmp-killed");
        let live = dir.path().join(".public.tmp-live");
        let unrelated = dir.path().join(".other.tmp-x");
        for leftover in [&killed, &live, &unrelated] {
            tree(leftover, "x");
        }
        let _held = StagingLock::acquire(&live);
        sweep_leftovers(dir.path(), "public");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while killed.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(!killed.exists(), "a leftover of a killed build stays");
        assert!(live.exists() && unrelated.exists() && out.exists());
    }
}
