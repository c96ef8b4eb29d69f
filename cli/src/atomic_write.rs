//! Whole files written beside their target and renamed over it, so a reader never sees half a file
//! (certificates, the compliance report).

use std::path::Path;

use anyhow::Context;

pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let directory = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(directory)
        .with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    std::io::Write::write_all(&mut temp, bytes)
        .with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    temp.as_file().sync_all().with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    temp.persist(path)
        .map_err(|error| anyhow::anyhow!("无法写入 {0}: {1} / cannot write {0}: {1}", path.display(), error.error))?;
    Ok(())
}
