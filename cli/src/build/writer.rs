//! Atomic, incremental output: everything is written into a sibling temporary directory
//! (`.public.tmp-XXXX` beside the output), digested with SM3 as it is written, and swapped into place
//! in one atomic exchange only when the whole build passed. A failed build drops the temporary
//! directory and leaves the previous output exactly as it was.
//!
//! Incremental: a file whose bytes did not change is hard-linked from the previous output instead of
//! written again. The previous output is deployed and may have been tampered with, and its manifest
//! is unsigned, so nothing is reused on the manifest's word: the linked file is read back through the
//! staging directory (private to this build) and its bytes compared with the new bytes; any
//! difference, any file that is not a plain file of ours, and it is written afresh. Once compared,
//! the inode can only change by a write to it, which is tampering with the new output itself, caught
//! by `govpress verify` exactly as it would be after a full write.

mod claims;
mod recycle;
mod swap;

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Context};
use govpress::audit::manifest::{sm3_hex, LogHead, Manifest, MANIFEST_FILE};
use govpress::review::PrivateKey;
use govpress::Diagnostic;
use sha2::{Digest, Sha256};

use claims::Claims;
pub use claims::Owner;

pub struct Staging {
    out: PathBuf,
    /// Where files are written: the temporary directory, or the output itself in live mode.
    root: PathBuf,
    directory: Option<tempfile::TempDir>,
    _lock: Option<swap::StagingLock>,
    /// Live mode (`serve` after a build, [`Staging::commit_live`]): files written are held here until
    /// [`Staging::apply`] puts each in place atomically, or [`Staging::discard`] drops them.
    pending: Option<Mutex<Vec<Pending>>>,
    /// The previous output, when there is one govpress wrote: files are reused from it.
    previous: Option<PathBuf>,
    claims: Mutex<Claims>,
    reused: AtomicUsize,
    /// The previous output's directories taken into the staging directory ([`recycle`]), relative.
    recycled: Vec<PathBuf>,
    /// Directories known to exist in `root` (created or kept): 21,000 files need only ~10,000, and
    /// asking the kernel again for each file's is two system calls wasted.
    directories: Mutex<HashSet<PathBuf>>,
    /// The user owning the staging directory (this build's), whom every reused file must belong to.
    owner: Option<u32>,
}

/// A file written in live mode, not yet in place: its output path and bytes.
type Pending = (String, Vec<u8>);

/// What the render cache recorded of a file [`Staging::reuse_verified`] may reuse: its SM3 digest (the
/// manifest's) and length, and for a page the SHA-256 of its bytes, which the re-hash then checks
/// instead of SM3 (the same assurance against a changed file, several times faster: x86 and Arm have
/// SHA-256 instructions, and 10,000 pages are ~100 MB to re-hash on every rebuild).
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    pub digest: &'a str,
    pub len: u64,
    pub sha256: Option<[u8; 32]>,
}

/// What [`Staging::reuse_verified`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reuse {
    /// The previous file, re-hashed, is in place.
    Reused,
    /// Another owner holds the path (recorded as a collision): nothing to write.
    Collision,
    /// Not reused: render and write the file.
    No,
}

impl Staging {
    /// Prepares a temporary directory beside `out`; refuses to replace a directory govpress did not write.
    pub fn new(out: &Path) -> anyhow::Result<Staging> {
        let previous = check_replaceable(out)?.then(|| out.to_path_buf());
        let (parent, name) = beside(out);
        let parent = parent.as_path();
        std::fs::create_dir_all(parent)
            .with_context(|| format!("无法创建目录 {0} / cannot create directory {0}", parent.display()))?;
        swap::sweep_leftovers(parent, &name);
        let directory =
            tempfile::Builder::new().prefix(&format!(".{name}.tmp-")).tempdir_in(parent).with_context(|| {
                format!("无法在 {} 创建临时目录 / cannot create a temporary directory", parent.display())
            })?;
        let lock = swap::StagingLock::acquire(directory.path());
        let kept = recycle_path(out);
        let recycled = match previous {
            Some(_) => recycle::take(&kept, directory.path()),
            None => {
                if std::fs::symlink_metadata(&kept).is_ok() {
                    swap::remove_in_background(kept, None);
                }
                Vec::new()
            }
        };
        let root = directory.path().to_path_buf();
        let directories = recycled.iter().map(|relative| root.join(relative)).collect();
        Ok(Staging {
            owner: recycle::owner_of(&root),
            out: out.to_path_buf(),
            root,
            directory: Some(directory),
            _lock: Some(lock),
            pending: None,
            previous,
            claims: Mutex::new(Claims::default()),
            reused: AtomicUsize::new(0),
            recycled,
            directories: Mutex::new(directories),
        })
    }

    /// Writes one generated output file (`/`-separated path relative to the output root) and records its
    /// digest (SM3, hex), which it returns.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> anyhow::Result<String> {
        self.write_as(relative, bytes, Owner::Generated)
    }

    /// Reuses the previous output's file at `relative` for a generated file the render cache `recorded`.
    /// The file is hard-linked into the staging directory (private to this build) and re-hashed there,
    /// so nothing is taken on the word of the deployed manifest: a file changed, replaced or removed in
    /// the deployed output is not reused, and the caller renders it.
    pub fn reuse_verified(&self, relative: &str, recorded: Recorded<'_>) -> anyhow::Result<Reuse> {
        let Recorded { digest, len, sha256 } = recorded;
        let Some(previous) = self.previous.as_deref() else { return Ok(Reuse::No) };
        let path = self.path_of(relative)?;
        // Claimed first, so that nothing else writes the path while the link is judged; released when
        // the file is not reused, for the caller's own write.
        if !self.lock_claims()?.take(relative, Owner::Generated) {
            return Ok(Reuse::Collision);
        }
        self.ensure_parent(&path)?;
        let old = previous.join(relative);
        // No `lstat` first: the render cache recorded the length, so the file nearly always matches, and
        // what is linked is judged on the open inode (a directory cannot be linked, a symlink not opened).
        let mut linked = std::fs::hard_link(&old, &path);
        if linked.is_err() && self.clear_kept_directory(&path) {
            linked = std::fs::hard_link(&old, &path);
        }
        let same = linked.is_ok()
            && ours_with(&path, self.owner, len, |bytes| match sha256 {
                Some(expected) => Sha256::digest(bytes)[..] == expected,
                None => sm3_hex(bytes) == digest,
            })
            .unwrap_or(false);
        if !same {
            if linked.is_ok() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("无法删除 {0} / cannot remove {0}", path.display()))?;
            }
            self.lock_claims()?.release(relative);
            return Ok(Reuse::No);
        }
        self.lock_claims()?.set_digest(relative, digest.to_string());
        self.reused.fetch_add(1, Ordering::Relaxed);
        Ok(Reuse::Reused)
    }

    /// Writes one output file for `owner`. A path another owner holds is not written: the collision
    /// becomes a diagnostic (see [`Staging::collisions`]) and the build fails before anything is published.
    pub fn write_as(&self, relative: &str, bytes: &[u8], owner: Owner) -> anyhow::Result<String> {
        let path = self.path_of(relative)?;
        let digest = sm3_hex(bytes);
        if let Some(pending) = &self.pending {
            self.lock_claims()?.replace(relative, digest.clone());
            pending
                .lock()
                .map_err(|_| anyhow::anyhow!("pending writes poisoned"))?
                .push((relative.to_string(), bytes.to_vec()));
            return Ok(digest);
        }
        if !self.lock_claims()?.take(relative, owner) {
            return Ok(digest);
        }
        self.ensure_parent(&path)?;
        let reused = match self.previous.as_deref() {
            Some(previous) => reuse(&previous.join(relative), &path, self.owner, bytes)
                .with_context(|| format!("无法删除 {0} / cannot remove {0}", path.display()))?,
            None => false,
        };
        if reused {
            self.reused.fetch_add(1, Ordering::Relaxed);
        } else {
            let mut written = std::fs::write(&path, bytes);
            if written.is_err() && self.clear_kept_directory(&path) {
                written = std::fs::write(&path, bytes);
            }
            written.with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
        }
        self.lock_claims()?.set_digest(relative, digest.clone());
        Ok(digest)
    }

    /// Reserves an output path for `owner` before its content is ready (a static HTML file, which goes
    /// through the HTML pass and is then written with [`Staging::write`]). False when it is taken.
    pub fn claim(&self, relative: &str, owner: Owner) -> anyhow::Result<bool> {
        self.path_of(relative)?;
        Ok(self.lock_claims()?.reserve(relative, owner))
    }

    /// Where files are written (the private staging directory; the output itself in live mode).
    pub fn directory(&self) -> &Path {
        &self.root
    }

    pub fn contains(&self, relative: &str) -> bool {
        self.claims.lock().is_ok_and(|claims| claims.contains(relative))
    }

    pub fn file_count(&self) -> usize {
        self.claims.lock().map_or(0, |claims| claims.written())
    }

    /// Output paths two sources wanted (`output.collision`); the build must fail on any.
    pub fn collisions(&self) -> Vec<Diagnostic> {
        self.claims.lock().map_or_else(|_| Vec::new(), |claims| claims.collisions().to_vec())
    }

    /// Removes a directory kept from the previous output ([`recycle`]) where this build puts a file
    /// (a page that became a file of that name); true when there was one.
    fn clear_kept_directory(&self, path: &Path) -> bool {
        let cleared = !self.recycled.is_empty()
            && std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_dir())
            && std::fs::remove_dir_all(path).is_ok();
        if cleared {
            if let Ok(mut directories) = self.directories.lock() {
                directories.retain(|directory| !directory.starts_with(path));
            }
        }
        cleared
    }

    /// Creates the directory `path` goes in, unless this build already has it.
    fn ensure_parent(&self, path: &Path) -> anyhow::Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        if self.directories.lock().is_ok_and(|directories| directories.contains(parent)) {
            return Ok(());
        }
        std::fs::create_dir_all(parent)
            .with_context(|| format!("无法创建目录 {0} / cannot create directory {0}", parent.display()))?;
        if let Ok(mut directories) = self.directories.lock() {
            directories.insert(parent.to_path_buf());
        }
        Ok(())
    }

    fn lock_claims(&self) -> anyhow::Result<std::sync::MutexGuard<'_, Claims>> {
        self.claims.lock().map_err(|_| anyhow::anyhow!("output claims poisoned"))
    }

    fn path_of(&self, relative: &str) -> anyhow::Result<PathBuf> {
        let path = Path::new(relative);
        let safe = !relative.is_empty() && path.components().all(|component| matches!(component, Component::Normal(_)));
        if !safe || relative == MANIFEST_FILE {
            bail!("输出路径 {relative} 无效（不得含 .. 或绝对路径）/ invalid output path");
        }
        Ok(self.root.join(path))
    }

    /// Writes the manifest (with the review log's head, signed when a publisher key is given) and swaps
    /// the new output into place; the previous one's files are removed in the background and its
    /// directories kept for the next build ([`recycle`]).
    pub fn commit(self, log_head: Option<LogHead>, key: Option<&PrivateKey>) -> anyhow::Result<()> {
        self.commit_claims(log_head, key, false).map(drop)
    }

    /// [`Staging::commit`], then the output in live mode (`serve`): later writes go straight into the
    /// output, each file replaced atomically once the caller found the edit free of errors.
    pub fn commit_live(self, log_head: Option<LogHead>, key: Option<&PrivateKey>) -> anyhow::Result<Staging> {
        let out = self.out.clone();
        let claims = self.commit_claims(log_head, key, true)?.unwrap_or_default();
        Ok(Staging {
            root: out.clone(),
            out,
            directory: None,
            _lock: None,
            pending: Some(Mutex::new(Vec::new())),
            previous: None,
            claims: Mutex::new(claims),
            reused: AtomicUsize::new(0),
            recycled: Vec::new(),
            directories: Mutex::new(HashSet::new()),
            owner: None,
        })
    }

    /// Live mode: puts every file written since the last call in place, each atomically (a reader sees
    /// the old file or the new one). The manifest is not rewritten: a served preview is not deployed.
    pub fn apply(&self) -> anyhow::Result<usize> {
        use std::io::Write;
        let Some(pending) = &self.pending else { return Ok(0) };
        let files = std::mem::take(&mut *pending.lock().map_err(|_| anyhow::anyhow!("pending writes poisoned"))?);
        for (relative, bytes) in &files {
            let path = self.path_of(relative)?;
            let parent = path.parent().unwrap_or(&self.root);
            std::fs::create_dir_all(parent)
                .with_context(|| format!("无法创建目录 {0} / cannot create directory {0}", parent.display()))?;
            let mut file = tempfile::NamedTempFile::new_in(parent)
                .with_context(|| format!("无法在 {} 创建临时文件", parent.display()))?;
            file.write_all(bytes).with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
            file.persist(&path).with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
        }
        Ok(files.len())
    }

    /// The claims are given back when `keep` (live mode), else moved into the manifest: a large site's
    /// paths and digests are not held twice.
    fn commit_claims(
        self,
        log_head: Option<LogHead>,
        key: Option<&PrivateKey>,
        keep: bool,
    ) -> anyhow::Result<Option<Claims>> {
        let claims = self.claims.into_inner().map_err(|_| anyhow::anyhow!("output claims poisoned"))?;
        if let Some(collision) = claims.collisions().first() {
            bail!("{}", collision.message.get(govpress::Lang::Zh));
        }
        let mut manifest = Manifest::new(format!("govpress {}", env!("CARGO_PKG_VERSION")));
        let claims = match keep {
            true => {
                manifest.files = claims.digests();
                Some(claims)
            }
            false => {
                manifest.files = claims.into_digests();
                None
            }
        };
        manifest.review_log_head = log_head;
        if let Some(key) = key {
            manifest.sign(key);
        }
        let Some(directory) = self.directory else { bail!("live output cannot be committed") };
        let staged = directory.path().to_path_buf();
        recycle::prune(&staged, &self.recycled, manifest.files.keys());
        write_manifest(&staged.join(MANIFEST_FILE), &manifest)
            .with_context(|| format!("无法写入 {0} / cannot write {0}", staged.join(MANIFEST_FILE).display()))?;
        publishable(&staged)?;
        // From here the directory is ours to remove: on success it is the output, on failure `swap` cleans up.
        let staged = directory.keep();
        let previous = swap::swap_into_place(&staged, &self.out).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&staged);
        })?;
        tracing::debug!(
            reused = self.reused.load(Ordering::Relaxed),
            files = manifest.files.len(),
            "files reused from the previous output"
        );
        if let Some(previous) = previous {
            if !recycle::keep(&previous, &recycle_path(&self.out)) {
                let lock = std::fs::File::open(&previous).ok();
                swap::remove_in_background(previous, lock);
            }
        }
        Ok(claims)
    }
}

/// The directory the output lies in and the output's name: staging directories and the kept tree
/// ([`recycle`]) go beside it under names made from it.
fn beside(out: &Path) -> (PathBuf, String) {
    let parent = out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out.file_name().map_or("public".into(), |name| name.to_string_lossy().into_owned());
    (parent.to_path_buf(), name)
}

/// Where the previous output's directories are kept beside `out` ([`recycle`]).
fn recycle_path(out: &Path) -> PathBuf {
    let (parent, name) = beside(out);
    parent.join(recycle::recycle_name(&name))
}

/// The staging directory is private (0700) while the build writes, so nobody can slip a file in;
/// the published root gets the usual 0755 so that the web server can read it.
fn publishable(staged: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staged, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("无法设置 {0} 的权限 / cannot set the permissions of {0}", staged.display()))?;
    }
    Ok(())
}

/// Hard-links `old` to `staged` when it holds exactly `bytes`, checked on the linked inode itself. An
/// error when a link that failed the check cannot be removed: the caller's write would go through it
/// into the previous output's file.
#[cfg(unix)]
fn reuse(old: &Path, staged: &Path, owner: Option<u32>, bytes: &[u8]) -> std::io::Result<bool> {
    // Cheap refusals first: most changed files change length.
    let Ok(metadata) = std::fs::symlink_metadata(old) else { return Ok(false) };
    if !metadata.file_type().is_file() || metadata.len() != bytes.len() as u64 {
        return Ok(false);
    }
    // `link` does not follow a symlink at `old`; one there becomes a symlink in staging, refused below.
    if std::fs::hard_link(old, staged).is_err() {
        return Ok(false);
    }
    if ours_with(staged, owner, bytes.len() as u64, |found| found == bytes).unwrap_or(false) {
        return Ok(true);
    }
    std::fs::remove_file(staged).map(|()| false)
}

#[cfg(not(unix))]
fn reuse(_old: &Path, _staged: &Path, _owner: Option<u32>, _bytes: &[u8]) -> std::io::Result<bool> {
    Ok(false)
}

/// The staged link is a plain file owned by `owner` (this build's user), writable by nobody else, with
/// no other name than the previous output's and ours, `len` bytes long, and its bytes pass `judge`.
#[cfg(unix)]
fn ours_with(staged: &Path, owner: Option<u32>, len: u64, judge: impl FnOnce(&[u8]) -> bool) -> std::io::Result<bool> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let mut file =
        std::fs::OpenOptions::new().read(true).custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32).open(staged)?;
    let metadata = file.metadata()?;
    let plain = metadata.file_type().is_file()
        && metadata.nlink() == 2
        && owner.is_some_and(|owner| metadata.uid() == owner)
        && metadata.mode() & 0o7022 == 0
        && metadata.len() == len;
    let Ok(len) = usize::try_from(len) else { return Ok(false) };
    if !plain {
        return Ok(false);
    }
    // Exactly `len` bytes and then the end (not `read_to_end`, which asks the kernel for the size again).
    let mut found = vec![0; len];
    file.read_exact(&mut found)?;
    let grown = file.read(&mut [0])? != 0;
    Ok(!grown && judge(&found))
}

#[cfg(not(unix))]
fn ours_with(
    _staged: &Path,
    _owner: Option<u32>,
    _len: u64,
    _judge: impl FnOnce(&[u8]) -> bool,
) -> std::io::Result<bool> {
    Ok(false)
}

/// Whether `out` is an output govpress wrote (one whose files a build may reuse); a directory that is
/// not is refused by [`Staging::new`].
pub fn is_previous_output(out: &Path) -> bool {
    out.join(MANIFEST_FILE).is_file()
}

/// An existing output may be replaced only when it is empty or was written by govpress (has a
/// manifest). True when it has one, so its files may be reused.
fn check_replaceable(out: &Path) -> anyhow::Result<bool> {
    if !out.exists() {
        return Ok(false);
    }
    if !out.is_dir() {
        bail!("{} 已存在且不是目录 / exists and is not a directory", out.display());
    }
    let empty = std::fs::read_dir(out)
        .with_context(|| format!("无法读取 {0} / cannot read {0}", out.display()))?
        .next()
        .is_none();
    let ours = is_previous_output(out);
    if !empty && !ours {
        bail!(
            "{} 不是 govpress 的构建输出（没有 {MANIFEST_FILE}），为防误删拒绝覆盖；请换一个 --out 目录 / \
             is not a govpress output (no {MANIFEST_FILE}); refusing to replace it, choose another --out",
            out.display()
        );
    }
    Ok(ours)
}

/// SM3 digests of every file under `root` (except the manifest), keyed by `/`-separated relative path.
pub fn digest_tree(root: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut found = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let entry = entry.with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", root.display()))?;
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
            std::fs::read(entry.path())
                .with_context(|| format!("无法读取 {0} / cannot read {0}", entry.path().display()))?
        };
        found.insert(relative, sm3_hex(&bytes));
    }
    Ok(found)
}

/// The manifest's file, written as [`Manifest::to_json`] makes it (the same bytes) without holding the
/// whole text: a large site's manifest lists every file.
fn write_manifest(path: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer_pretty(&mut out, manifest)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
