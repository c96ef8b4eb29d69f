//! Appending to the archive: an exclusive lock, the tail re-read under it, one line written, fsync.
//! The log is never rewritten, so concurrent reviewers neither corrupt nor fork the chain.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{bail, Context};
use govpress::review::{ChainTip, Record};

/// Appends the record `make` builds on the current tip, under an exclusive lock held until it is on disk.
pub fn append(path: &Path, make: impl FnOnce(&ChainTip) -> Record) -> anyhow::Result<Record> {
    let directory = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory).with_context(|| format!("无法创建目录 {}", directory.display()))?;
    let existed = path.exists();
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("无法打开审核记录档案 {}", path.display()))?;
    file.lock().with_context(|| format!("无法锁定 {}", path.display()))?;
    let tip = read_tip(&mut file).with_context(|| format!("{}", path.display()))?;
    let record = make(&tip);
    let mut line = record.to_line();
    line.push('\n');
    file.write_all(line.as_bytes()).with_context(|| format!("无法写入 {}", path.display()))?;
    file.sync_all().with_context(|| format!("无法写入 {}", path.display()))?;
    if !existed {
        // The new directory entry must survive a crash too.
        if let Ok(directory) = File::open(directory) {
            let _ = directory.sync_all();
        }
    }
    file.unlock()?;
    Ok(record)
}

/// The last record's sequence number and hash, read from the end of the file.
fn read_tip(file: &mut File) -> anyhow::Result<ChainTip> {
    let length = file.seek(SeekFrom::End(0))?;
    if length == 0 {
        return Ok(ChainTip::GENESIS);
    }
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(length - 1))?;
    file.read_exact(&mut last)?;
    if last[0] != b'\n' {
        bail!(
            "档案最后一行不完整（可能写入中断），拒绝追加：运行 govpress review verify 并从版本库恢复 / the last line is incomplete; refusing to append"
        );
    }
    let line = last_line(file, length - 1)?;
    let record = Record::parse_line(&line)
        .map_err(|reason| anyhow::anyhow!("最后一条记录无效 / the last record is invalid: {}", reason.zh))?;
    if record.computed_hash() != record.hash {
        bail!("最后一条记录的哈希不符，档案可能被改动，拒绝追加：运行 govpress review verify / the last record's hash does not match; refusing to append");
    }
    Ok(ChainTip { seq: record.seq, hash: record.hash })
}

/// The text between the last newline before `end` and `end`, reading backwards in chunks.
fn last_line(file: &mut File, end: u64) -> anyhow::Result<String> {
    const CHUNK: u64 = 64 * 1024;
    let mut start = end;
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let from = start.saturating_sub(CHUNK);
        let mut chunk = vec![0u8; (start - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        if let Some(newline) = tail[..(start - from) as usize].iter().rposition(|&byte| byte == b'\n') {
            tail.drain(..=newline);
            break;
        }
        start = from;
        if start == 0 {
            break;
        }
    }
    String::from_utf8(tail).context("最后一行不是 UTF-8 / the last line is not UTF-8")
}
