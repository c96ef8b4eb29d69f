//! The previous output's directories, kept for the next build.
//!
//! A rebuild's new tree needs the same ~10,000 directories as the last one (a page is
//! `section/page/index.html`), and creating a directory costs an inode: on ext4 without a journal the
//! allocator even scans past every inode freed in the last seconds, which is exactly what removing
//! the previous tree had just done. So the previous tree is not removed after the swap: its files are
//! deleted in the background (a page taken down is gone from the disk as promptly as before) and its
//! directories are kept beside the output as `.NAME.recycle`. The next build takes them into its
//! private staging directory before it writes anything, and files are then linked or written into
//! directories that already exist.
//!
//! Nothing is taken on trust: the kept tree was the deployed output. Only plain directories owned by
//! this user and writable by nobody else are kept; anything else in it (a file the background removal
//! has not reached, a symlink, a foreign or world-writable directory) is removed first. The staging
//! directory is private (0700), so once the tree is inside it nobody else can reach it. A kept
//! directory that the new output does not need is removed before the swap.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// The name the kept directories go by beside the output `name`.
pub fn recycle_name(name: &str) -> String {
    format!(".{name}.recycle")
}

/// Keeps `previous` (the tree the swap just replaced) as `recycle` for the next build: renamed, then
/// its files deleted by a detached `find` so that the command does not wait. False when it could not
/// be kept (a kept tree is already there, or `find` cannot run): the caller removes `previous`.
#[cfg(unix)]
pub fn keep(previous: &Path, recycle: &Path) -> bool {
    if std::fs::symlink_metadata(recycle).is_ok() || std::fs::rename(previous, recycle).is_err() {
        return false;
    }
    let mut find = std::process::Command::new("find");
    find.arg(recycle).args(["-mindepth", "1", "!", "-type", "d", "-delete"]);
    match super::swap::spawn_detached(find, ()) {
        Ok(()) => true,
        Err((error, ())) => {
            tracing::debug!(%error, "cannot run find: the previous output is removed instead");
            // Back under the name the caller removes (a tree left here is stripped by the next build).
            let _ = std::fs::rename(recycle, previous);
            false
        }
    }
}

#[cfg(not(unix))]
pub fn keep(_previous: &Path, _recycle: &Path) -> bool {
    false
}

/// Takes the kept tree at `recycle` into the empty staging directory `staging`: moved inside it first
/// (one rename: a concurrent build cannot take it too), stripped to the directories that pass, and
/// its top-level directories moved into place. Returns the kept directories, relative to `staging`.
pub fn take(recycle: &Path, staging: &Path) -> Vec<PathBuf> {
    let inside = staging.join(".recycled");
    if std::fs::rename(recycle, &inside).is_err() {
        return Vec::new();
    }
    let mut kept = Vec::new();
    if let Some(owner) = owner_of(staging).filter(|&owner| plain_directory(&inside, owner)) {
        kept = strip(&inside, Path::new(""), owner);
        kept.retain(|relative| relative.components().count() > 1 || move_up(&inside, staging, relative));
    }
    if std::fs::remove_dir_all(&inside).is_err() {
        tracing::debug!(path = %inside.display(), "could not remove the rest of the kept tree");
    }
    tracing::debug!(directories = kept.len(), "previous output's directories kept");
    kept
}

fn move_up(inside: &Path, staging: &Path, relative: &Path) -> bool {
    std::fs::rename(inside.join(relative), staging.join(relative)).is_ok()
}

/// Removes from `root/relative` everything but plain directories of ours, depth first and in
/// parallel; returns the directories kept (relative to `root`).
fn strip(root: &Path, relative: &Path, owner: u32) -> Vec<PathBuf> {
    let directory = root.join(relative);
    let Ok(entries) = std::fs::read_dir(&directory) else { return Vec::new() };
    let entries: Vec<_> = entries.flatten().collect();
    entries
        .par_iter()
        .flat_map_iter(|entry| {
            let path = entry.path();
            let child = relative.join(entry.file_name());
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) && plain_directory(&path, owner) {
                let mut below = strip(root, &child, owner);
                below.push(child);
                below
            } else {
                let removed = match entry.file_type() {
                    Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path),
                    _ => std::fs::remove_file(&path),
                };
                if let Err(error) = removed {
                    tracing::debug!(path = %path.display(), %error, "could not remove from the kept tree");
                }
                Vec::new()
            }
        })
        .collect()
}

/// The user owning `directory` (the staging directory: this build's user).
#[cfg(unix)]
pub(super) fn owner_of(directory: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(directory).ok().map(|metadata| metadata.uid())
}

#[cfg(not(unix))]
pub(super) fn owner_of(_directory: &Path) -> Option<u32> {
    None
}

/// A directory (not a symlink to one) owned by `owner`, writable by nobody else, no special bits.
#[cfg(unix)]
fn plain_directory(path: &Path, owner: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .is_ok_and(|metadata| metadata.file_type().is_dir() && metadata.uid() == owner && metadata.mode() & 0o7022 == 0)
}

#[cfg(not(unix))]
fn plain_directory(_path: &Path, _owner: u32) -> bool {
    false
}

/// Removes the kept directories the new output does not need (no file of it lies below them), deepest
/// first, so that a page taken down does not leave an empty directory behind.
pub fn prune(staging: &Path, kept: &[PathBuf], files: impl Iterator<Item = impl AsRef<str>>) {
    let mut needed = std::collections::HashSet::new();
    for file in files {
        let mut path = Path::new(file.as_ref()).parent();
        while let Some(parent) = path.filter(|parent| !parent.as_os_str().is_empty()) {
            if !needed.insert(parent.to_path_buf()) {
                break;
            }
            path = parent.parent();
        }
    }
    let mut unneeded: Vec<&PathBuf> = kept.iter().filter(|directory| !needed.contains(*directory)).collect();
    unneeded.sort_by_key(|directory| std::cmp::Reverse(directory.components().count()));
    for directory in unneeded {
        let _ = std::fs::remove_dir_all(staging.join(directory));
    }
}
