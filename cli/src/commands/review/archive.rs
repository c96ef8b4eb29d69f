//! Appending to the archive: an exclusive lock, the log re-read under it, one line written, fsync
//! (`crate::locked_append`). The log is never rewritten, so concurrent reviewers neither corrupt nor fork the chain.

use std::path::Path;

use anyhow::bail;
use govpress::review::Record;

use crate::locked_append::Locked;

/// Appends the record `make` builds from the log's current text, under an exclusive lock held until it
/// is on disk. `make` sees the whole log as it is under the lock, so it can verify what it chains on.
pub fn append(path: &Path, make: impl FnOnce(&str) -> anyhow::Result<Record>) -> anyhow::Result<Record> {
    let mut log = Locked::open(path, "审核记录档案")?;
    if !log.text().is_empty() && !log.text().ends_with('\n') {
        bail!(
            "档案最后一行不完整（可能写入中断），拒绝追加：运行 govpress review verify 并从版本库恢复 / the last line is incomplete; refusing to append"
        );
    }
    let record = make(log.text())?;
    log.append(&record.to_line())?;
    Ok(record)
}
