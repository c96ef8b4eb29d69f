//! Append-only files written line by line under an exclusive lock (the review log, the run history):
//! the file is re-read under the lock, one line is written and synced, and the lock is held until then,
//! so concurrent writers neither interleave nor lose lines. If another writer renamed the file away
//! (history rotation) while this one waited for the lock, the new file at the path is opened instead.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// An append-only file, locked exclusively until dropped.
pub struct Locked {
    file: File,
    path: PathBuf,
    existed: bool,
    text: String,
}

impl Locked {
    /// Opens (creating it and its directory) and locks `path`, then reads it whole. `what` names the
    /// file in errors (`审核记录档案 / the review log`).
    pub fn open(path: &Path, what: &str) -> anyhow::Result<Locked> {
        let directory = directory_of(path);
        std::fs::create_dir_all(directory)
            .with_context(|| format!("无法创建目录 {0} / cannot create directory {0}", directory.display()))?;
        loop {
            let existed = path.exists();
            let mut file = OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .open(path)
                .with_context(|| format!("无法打开{what} {0} / cannot open {0}", path.display()))?;
            file.lock().with_context(|| format!("无法锁定 {0} / cannot lock {0}", path.display()))?;
            if !same_file(&file, path) {
                // Rotated away while we waited: the lock is on a file no longer at `path`.
                continue;
            }
            let mut text = String::new();
            file.seek(SeekFrom::Start(0))
                .and_then(|_| file.read_to_string(&mut text))
                .with_context(|| format!("无法读取{what} {}（须为 UTF-8）/ cannot read it", path.display()))?;
            return Ok(Locked { file, path: path.to_path_buf(), existed, text });
        }
    }

    /// The whole file as it was when the lock was taken.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Appends `line` and a newline, and syncs the file (and, for a new file, its directory).
    pub fn append(&mut self, line: &str) -> anyhow::Result<()> {
        let mut bytes = String::with_capacity(line.len() + 1);
        bytes.push_str(line);
        bytes.push('\n');
        let path = &self.path;
        self.file
            .write_all(bytes.as_bytes())
            .with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
        self.file.sync_all().with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
        if !self.existed {
            // The new directory entry must survive a crash too.
            sync_directory(directory_of(path));
            self.existed = true;
        }
        self.text.push_str(&bytes);
        Ok(())
    }

    /// The file's length after the appends.
    pub fn len(&self) -> u64 {
        self.text.len() as u64
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

pub fn directory_of(path: &Path) -> &Path {
    path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

pub fn sync_directory(directory: &Path) {
    if let Ok(directory) = File::open(directory) {
        let _ = directory.sync_all();
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(at_path)) => open.dev() == at_path.dev() && open.ino() == at_path.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}
