//! Atomic output: everything is written into a sibling temporary directory (`.public.tmp-XXXX`
//! beside the output), digested with SM3 as it is written, and swapped into place by rename only
//! when the whole build passed. A failed build drops the temporary directory and leaves the previous
//! output exactly as it was.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context};
use govpress::audit::manifest::{sm3_hex, Manifest, MANIFEST_FILE};

pub struct Staging {
    out: PathBuf,
    directory: tempfile::TempDir,
    digests: Mutex<BTreeMap<String, String>>,
}

impl Staging {
    /// Prepares a temporary directory beside `out`; refuses to replace a directory govpress did not write.
    pub fn new(out: &Path) -> anyhow::Result<Staging> {
        check_replaceable(out)?;
        let parent = out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).with_context(|| format!("无法创建目录 {}", parent.display()))?;
        let name = out.file_name().map_or("public".into(), |name| name.to_string_lossy().into_owned());
        let directory =
            tempfile::Builder::new().prefix(&format!(".{name}.tmp-")).tempdir_in(parent).with_context(|| {
                format!("无法在 {} 创建临时目录 / cannot create a temporary directory", parent.display())
            })?;
        Ok(Staging { out: out.to_path_buf(), directory, digests: Mutex::new(BTreeMap::new()) })
    }

    /// Writes one output file (`/`-separated path relative to the output root) and records its digest.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path_of(relative)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("无法创建目录 {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        let digest = sm3_hex(bytes);
        self.digests.lock().map_err(|_| anyhow::anyhow!("digest table poisoned"))?.insert(relative.to_string(), digest);
        Ok(())
    }

    pub fn contains(&self, relative: &str) -> bool {
        self.digests.lock().is_ok_and(|digests| digests.contains_key(relative))
    }

    pub fn file_count(&self) -> usize {
        self.digests.lock().map_or(0, |digests| digests.len())
    }

    fn path_of(&self, relative: &str) -> anyhow::Result<PathBuf> {
        let path = Path::new(relative);
        let safe = !relative.is_empty() && path.components().all(|component| matches!(component, Component::Normal(_)));
        if !safe || relative == MANIFEST_FILE {
            bail!("输出路径 {relative} 无效（不得含 .. 或绝对路径）/ invalid output path");
        }
        Ok(self.directory.path().join(path))
    }

    /// Writes the manifest and swaps the new output into place.
    pub fn commit(self) -> anyhow::Result<()> {
        let mut manifest = Manifest::new(format!("govpress {}", env!("CARGO_PKG_VERSION")));
        manifest.files = self.digests.into_inner().map_err(|_| anyhow::anyhow!("digest table poisoned"))?;
        let staged = self.directory.keep();
        std::fs::write(staged.join(MANIFEST_FILE), manifest.to_json())
            .with_context(|| format!("无法写入 {}", staged.join(MANIFEST_FILE).display()))?;
        swap_into_place(&staged, &self.out).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&staged);
        })
    }
}

/// Replaces `out` by `staged`: the previous output is moved aside first and removed only once the new
/// one is in place; if the second rename fails the previous output is put back.
fn swap_into_place(staged: &Path, out: &Path) -> anyhow::Result<()> {
    if !out.exists() {
        return std::fs::rename(staged, out).with_context(|| format!("无法把输出移到 {}", out.display()));
    }
    let previous = staged.with_file_name(
        staged
            .file_name()
            .map_or_else(|| ".public.old".into(), |name| name.to_string_lossy().replace(".tmp-", ".old-")),
    );
    std::fs::rename(out, &previous).with_context(|| format!("无法移开旧的输出 {}", out.display()))?;
    if let Err(error) = std::fs::rename(staged, out) {
        let _ = std::fs::rename(&previous, out);
        return Err(error).with_context(|| format!("无法把输出移到 {}", out.display()));
    }
    if let Err(error) = std::fs::remove_dir_all(&previous) {
        tracing::warn!(path = %previous.display(), %error, "could not remove the previous output");
    }
    Ok(())
}

/// An existing output may be replaced only when it is empty or was written by govpress (has a manifest).
fn check_replaceable(out: &Path) -> anyhow::Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        bail!("{} 已存在且不是目录 / exists and is not a directory", out.display());
    }
    let empty = std::fs::read_dir(out).with_context(|| format!("无法读取 {}", out.display()))?.next().is_none();
    if !empty && !out.join(MANIFEST_FILE).is_file() {
        bail!(
            "{} 不是 govpress 的构建输出（没有 {MANIFEST_FILE}），为防误删拒绝覆盖；请换一个 --out 目录 / \
             is not a govpress output (no {MANIFEST_FILE}); refusing to replace it, choose another --out",
            out.display()
        );
    }
    Ok(())
}

/// SM3 digests of every file under `root` (except the manifest), keyed by `/`-separated relative path.
pub fn digest_tree(root: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut found = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let entry = entry.with_context(|| format!("无法读取目录 {}", root.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = crate::site::relative_path(root, entry.path());
        if relative == MANIFEST_FILE {
            continue;
        }
        let bytes = if entry.file_type().is_symlink() {
            // A symlink is content too: digest where it points, never follow it out of the tree.
            std::fs::read_link(entry.path())?.to_string_lossy().into_owned().into_bytes()
        } else {
            std::fs::read(entry.path()).with_context(|| format!("无法读取 {}", entry.path().display()))?
        };
        found.insert(relative, sm3_hex(&bytes));
    }
    Ok(found)
}
