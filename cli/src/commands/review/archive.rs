//! Appending to the archive: an exclusive lock, the log re-read under it, one line written, fsync.
//! The log is never rewritten, so concurrent reviewers neither corrupt nor fork the chain.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{bail, Context};
use govpress::review::Record;

/// Appends the record `make` builds from the log's current text, under an exclusive lock held until it
/// is on disk. `make` sees the whole log as it is under the lock, so it can verify what it chains on.
pub fn append(path: &Path, make: impl FnOnce(&str) -> anyhow::Result<Record>) -> anyhow::Result<Record> {
    let directory = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory)
        .with_context(|| format!("无法创建目录 {0} / cannot create directory {0}", directory.display()))?;
    let existed = path.exists();
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("无法打开审核记录档案 {0} / cannot open the review log {0}", path.display()))?;
    file.lock().with_context(|| format!("无法锁定 {0} / cannot lock {0}", path.display()))?;
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.read_to_string(&mut text))
        .with_context(|| format!("无法读取审核记录档案 {}（须为 UTF-8）/ cannot read the archive", path.display()))?;
    if !text.is_empty() && !text.ends_with('\n') {
        bail!(
            "档案最后一行不完整（可能写入中断），拒绝追加：运行 govpress review verify 并从版本库恢复 / the last line is incomplete; refusing to append"
        );
    }
    let record = make(&text)?;
    let mut line = record.to_line();
    line.push('\n');
    file.write_all(line.as_bytes()).with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    file.sync_all().with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    if !existed {
        // The new directory entry must survive a crash too.
        if let Ok(directory) = File::open(directory) {
            let _ = directory.sync_all();
        }
    }
    file.unlock()?;
    Ok(record)
}
