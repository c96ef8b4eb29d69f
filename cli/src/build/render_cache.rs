//! The render cache: what templating and the HTML pass made of a file in an earlier build, so that a
//! rebuild over the existing output does not template and rewrite what cannot have changed.
//!
//! Every check still runs on every page: the core parses and checks each page, and renders its body,
//! on every build. What is cached is the rest, which is a pure function of its inputs: tera over the
//! page's template context, then the one HTML pass (leave-site rewrite, audit, link and id collection).
//!
//! - **Key**: SHA-256 over the build's salt (the govpress version and executable, every template's
//!   source, the site config, the site-wide template variables and navigation, the output label) and
//!   the file's own inputs: template name, output path, URL, kind and the whole template context as
//!   JSON (the rendered body, section titles and URLs, disclosure data, list items…). Whatever a
//!   template can show is in the key, so nothing is missed by listing dependencies by hand.
//! - **Entry**: the output path, the SM3 digest (the manifest's), SHA-256 (what a reuse re-hashes) and
//!   length of the bytes the pass produced, and what the
//!   pass found that the rest of the build needs (internal links with positions, ids, leave targets).
//!   Files whose pass reported a finding are not cached (they are rendered again, and reported again).
//! - **Where**: `.govpress/render-cache/<output>.json` in the site (git-ignored, the build's private
//!   area), one index per output directory, replaced atomically after a successful build; JSON Lines
//!   (a header, then one entry a line), so that both ends run on every core. It holds no
//!   HTML: a hit reuses the previous output's file only after re-hashing it through a hard link in the
//!   private staging directory (see [`super::writer::Staging::reuse_verified`]); a deployed file that
//!   was changed, replaced or removed is simply rendered again. A tampered cache index can at worst
//!   make a file be rendered again or fail the digest comparison, never carry unchecked bytes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use govpress::audit::{DocumentAudit, InternalLink};
use govpress::leave_site::LeaveTarget;
use govpress::Position;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::names::Names;
use super::pages::Written;
use super::writer::Recorded;

/// The cache's directory in the site.
pub const CACHE_DIR: &str = ".govpress/render-cache";
/// Bumped when the entry format or the key's meaning changes.
const FORMAT: &str = "govpress render cache 3";

/// A file's key: SHA-256, hex.
pub type Key = String;

/// What a cached file left for the rest of the build.
#[derive(Debug, Deserialize)]
pub struct Entry {
    pub path: String,
    /// SM3 of the bytes (as the manifest records them).
    pub digest: String,
    /// SHA-256 of the bytes: what the re-hash of a reused file checks.
    sha256: String,
    pub len: u64,
    /// Internal links: (href, line, column).
    links: Vec<(String, usize, usize)>,
    ids: Vec<String>,
    /// Leave targets: (hash, url).
    targets: Vec<(String, String)>,
}

impl Entry {
    /// What the entry says of its file, for [`super::writer::Staging::reuse_verified`]; `None` when the
    /// entry is damaged (the file is then rendered again).
    pub fn recorded(&self) -> Option<Recorded<'_>> {
        Some(Recorded { digest: &self.digest, len: self.len, sha256: Some(unhex(&self.sha256)?) })
    }

    /// What the pass found, taken out of the entry (no copy: an entry serves one file of one build).
    pub fn into_found(self) -> (DocumentAudit, Vec<LeaveTarget>) {
        let audit = DocumentAudit {
            diagnostics: Vec::new(),
            internal_links: self
                .links
                .into_iter()
                .map(|(href, line, column)| InternalLink { href, position: Position { line, column } })
                .collect(),
            ids: self.ids,
        };
        let targets = self.targets.into_iter().map(|(hash, url)| LeaveTarget { hash, url }).collect();
        (audit, targets)
    }
}

/// The index's first line; each line after it is one `[key, entry]`.
#[derive(Debug, Default, Deserialize)]
struct Header {
    format: String,
    salt: String,
    #[serde(default)]
    search: Option<SearchFiles>,
}

/// The previous build's index as read from disk ([`read_index`]), before the salt is known.
#[derive(Debug, Default)]
pub struct PreviousIndex {
    header: Header,
    entries: HashMap<Key, Entry>,
}

/// Reads and parses the index at `file` (lines in parallel); a missing, unreadable or foreign one is
/// empty. Apart from [`RenderCache::open`] so that it can run while the build does other work.
pub fn read_index(file: &Path) -> PreviousIndex {
    let Ok(bytes) = std::fs::read(file) else { return PreviousIndex::default() };
    let mut lines = bytes.split(|&byte| byte == b'\n');
    let Some(header) = lines.next().and_then(|line| serde_json::from_slice::<Header>(line).ok()) else {
        return PreviousIndex::default();
    };
    if header.format != FORMAT {
        return PreviousIndex::default();
    }
    let lines: Vec<&[u8]> = lines.filter(|line| !line.is_empty()).collect();
    let entries: Option<HashMap<Key, Entry>> =
        lines.par_iter().map(|line| serde_json::from_slice::<(Key, Entry)>(line).ok()).collect();
    // A damaged line makes the whole index foreign: it was not written by a build that finished.
    PreviousIndex { header, entries: entries.unwrap_or_default() }
}

/// The site search's index files of a build (`search.rs`): the digest of the documents they were made
/// from, and each file's path, the SHA-256 of its uncompressed bytes and the SM3 digest and length of
/// the file written. The same documents make the same files; a file whose uncompressed bytes are the
/// same is the same compressed file. Either way the previous output's file is only reused after it
/// is re-hashed ([`super::writer::Staging::reuse_verified`]).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct SearchFiles {
    pub docs: String,
    pub files: Vec<SearchFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchFile {
    pub path: String,
    /// SHA-256 of the uncompressed bytes, hex.
    pub raw: String,
    pub digest: String,
    pub len: u64,
}

impl SearchFile {
    /// What the entry says of its file, for [`super::writer::Staging::reuse_verified`] (re-hashed with
    /// SM3: the index's few hundred files are a small part of a site's bytes).
    pub fn recorded(&self) -> Recorded<'_> {
        Recorded { digest: &self.digest, len: self.len, sha256: None }
    }
}

/// What this build records of a file it wrote or reused: the rest of the entry (links, ids, leave
/// targets) is in the file's [`Written`] record, and is read from there when the index is saved, so
/// that it is not held twice.
#[derive(Debug)]
struct Made {
    /// The key, the SM3 digest and the SHA-256, as bytes (a large site has hundreds of thousands of these).
    key: [u8; 32],
    digest: [u8; 32],
    sha256: [u8; 32],
    len: u64,
}

/// The cache of one build: the previous build's entries (read once) and this build's (written on success).
#[derive(Debug, Default)]
pub struct RenderCache {
    /// Where the index lives; `None`: the cache is off (nothing read or written).
    file: Option<PathBuf>,
    salt: String,
    /// The previous build's entries; each is taken out when used.
    previous: Mutex<HashMap<Key, Entry>>,
    /// This build's files, by output path.
    current: Mutex<HashMap<String, Made>>,
    previous_search: Mutex<Option<SearchFiles>>,
    current_search: Mutex<Option<SearchFiles>>,
    pub hits: AtomicUsize,
    pub misses: AtomicUsize,
}

/// The inputs every file of a build shares: hashed once into the salt.
pub struct Salt<'a> {
    pub templates: &'a str,
    pub config: &'a str,
    pub out_label: &'a str,
}

impl RenderCache {
    /// A cache that never hits and writes nothing.
    pub fn off() -> RenderCache {
        RenderCache::default()
    }

    /// The cache whose index lives at `file`, with the `previous` build's entries ([`read_index`]; none
    /// when there is no previous output to reuse files from), kept only when made with the same salt.
    pub fn open(file: PathBuf, salt: &Salt<'_>, previous: Option<PreviousIndex>) -> RenderCache {
        let salt = salt_of(salt);
        let index = previous.filter(|index| index.header.salt == salt).unwrap_or_default();
        tracing::debug!(entries = index.entries.len(), file = %file.display(), "render cache read");
        RenderCache {
            file: Some(file),
            salt,
            previous: Mutex::new(index.entries),
            previous_search: Mutex::new(index.header.search),
            ..RenderCache::default()
        }
    }

    /// Whether the cache is on (records are kept and saved).
    pub fn is_on(&self) -> bool {
        self.file.is_some()
    }

    /// The salt every key starts from (the build's shared inputs, hashed).
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The previous build's search index files, taken out of the cache.
    pub fn take_search(&self) -> Option<SearchFiles> {
        self.previous_search.lock().ok()?.take()
    }

    /// Records this build's search index files.
    pub fn put_search(&self, files: SearchFiles) {
        if let (true, Ok(mut current)) = (self.is_on(), self.current_search.lock()) {
            *current = Some(files);
        }
    }

    /// An empty template context whose values are hashed as they are inserted (when the cache is on).
    pub fn context(&self) -> Keyed {
        let hasher = self.file.as_ref().map(|_| {
            let mut hasher = Sha256::new();
            hash_part(&mut hasher, &self.salt);
            hasher
        });
        Keyed { context: tera::Context::new(), hasher }
    }

    /// The previous build's entry for `key`, if it was for `path`, taken out of the cache.
    pub fn take(&self, key: &Key, path: &str) -> Option<Entry> {
        let mut previous = self.previous.lock().ok()?;
        if previous.get(key)?.path != path {
            return None;
        }
        previous.remove(key)
    }

    /// Records what a file became in this build (kept only when its pass found nothing); the links, ids
    /// and leave targets are read from its [`Written`] record by [`RenderCache::save`].
    pub fn put(&self, key: Key, path: &str, recorded: Recorded<'_>, audit: &DocumentAudit) {
        if self.file.is_none() || !audit.diagnostics.is_empty() {
            return;
        }
        let (Some(key), Some(digest), Some(sha256)) = (unhex(&key), unhex(recorded.digest), recorded.sha256) else {
            return;
        };
        if let Ok(mut current) = self.current.lock() {
            current.insert(path.to_string(), Made { key, digest, sha256, len: recorded.len });
        }
    }

    /// Writes this build's entries (only those, so the index does not grow), replacing the index atomically;
    /// `written` are the build's HTML files (the entries' links, ids and leave targets). A failure to write
    /// costs the next build time, not correctness: it is logged, not returned.
    pub fn save(self, written: &[Written], names: &Names) {
        let Some(file) = self.file else { return };
        let strings = names.snapshot();
        let current = self.current.into_inner().unwrap_or_default();
        let (hits, misses) = (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed));
        tracing::debug!(hits, misses, entries = current.len(), "render cache");
        let entries: Vec<(&Made, &Written)> =
            written.iter().filter_map(|file| Some((current.get(&file.path)?, file))).collect();
        let search = self.current_search.into_inner().unwrap_or_default();
        let header = HeaderOut { format: FORMAT, salt: &self.salt, search: search.as_ref() };
        if let Err(error) = write_atomically(&file, &header, |out| write_entries(out, &entries, &strings)) {
            tracing::warn!(file = %file.display(), %error, "render cache not saved");
        }
    }
}

/// The header line as it is written.
#[derive(Serialize)]
struct HeaderOut<'a> {
    format: &'a str,
    salt: &'a str,
    search: Option<&'a SearchFiles>,
}

/// [`Entry`] as it is written, borrowed from a [`Made`] and its [`Written`].
#[derive(Serialize)]
struct EntryOut<'a> {
    path: &'a str,
    digest: String,
    sha256: String,
    len: u64,
    links: Vec<(&'a str, u32, u32)>,
    ids: Vec<&'a str>,
    targets: Vec<(&'a str, &'a str)>,
}

/// Writes the index's lines after the header: `[key, entry]` for each record, from this build's [`Made`]
/// and its [`Written`] (whose links, ids and leave targets are interned `strings`). Serialised on every
/// core, a batch at a time, so that a large site's index is never held whole.
fn write_entries(
    out: &mut impl std::io::Write,
    entries: &[(&Made, &Written)],
    strings: &[std::sync::Arc<str>],
) -> anyhow::Result<()> {
    let name = |number: u32| strings.get(number as usize).map_or("", |text| &**text);
    let line = |(made, file): &(&Made, &Written), out: &mut Vec<u8>| {
        let entry = EntryOut {
            path: &file.path,
            digest: hex(&made.digest),
            sha256: hex(&made.sha256),
            len: made.len,
            links: file.links.iter().map(|link| (name(link.href), link.at.0, link.at.1)).collect(),
            ids: file.ids.iter().map(|&id| name(id)).collect(),
            targets: file.targets.iter().map(|target| (target.hash.as_str(), target.url.as_str())).collect(),
        };
        serde_json::to_writer(&mut *out, &(hex(&made.key), entry))?;
        out.push(b'\n');
        Ok::<_, serde_json::Error>(())
    };
    for batch in entries.chunks(16 * 1024) {
        let chunks: Vec<Vec<u8>> = batch
            .par_chunks(1024)
            .map(|chunk| {
                let mut bytes = Vec::with_capacity(chunk.len() * 800);
                chunk.iter().try_for_each(|entry| line(entry, &mut bytes)).map(|()| bytes)
            })
            .collect::<serde_json::Result<_>>()?;
        chunks.iter().try_for_each(|bytes| out.write_all(bytes))?;
    }
    Ok(())
}

/// `.govpress/render-cache/<digest of the output path>.json` in the site.
pub fn index_file(site_root: &Path, out: &Path) -> PathBuf {
    // The parent is canonical, not the output itself: the first build, when the output does not exist
    // yet, must name the same index as the builds after it.
    let parent = out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let out = match (parent.canonicalize(), out.file_name()) {
        (Ok(parent), Some(name)) => parent.join(name),
        _ => out.canonicalize().unwrap_or_else(|_| out.to_path_buf()),
    };
    let name = hex(&Sha256::digest(out.to_string_lossy().as_bytes()));
    site_root.join(CACHE_DIR).join(format!("{}.json", &name[..16]))
}

/// A template context and the digest of what went into it.
pub struct Keyed {
    pub context: tera::Context,
    hasher: Option<Sha256>,
}

impl Keyed {
    pub fn insert<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Some(hasher) = &mut self.hasher {
            hash_part(hasher, name);
            if serde_json::to_writer(HashWriter(hasher), value).is_err() {
                self.hasher = None; // not hashable: not cached
            }
        }
        self.context.insert(name, value);
    }

    /// The file's key: the context, and the template that renders it, to `path` (`url`, `kind`).
    pub fn key(&self, template: &str, path: &str, url: &str, kind: &str) -> Option<Key> {
        let mut hasher = self.hasher.clone()?;
        for part in [template, path, url, kind] {
            hash_part(&mut hasher, part);
        }
        Some(hex(&hasher.finalize()))
    }
}

struct HashWriter<'h>(&'h mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A length-prefixed part, so that parts cannot run into each other.
pub fn hash_part(hasher: &mut Sha256, part: &str) {
    hasher.update((part.len() as u64).to_le_bytes());
    hasher.update(part.as_bytes());
}

fn salt_of(salt: &Salt<'_>) -> String {
    let mut hasher = Sha256::new();
    for part in [FORMAT, env!("CARGO_PKG_VERSION"), &executable(), salt.templates, salt.config, salt.out_label] {
        hash_part(&mut hasher, part);
    }
    hex(&hasher.finalize())
}

/// The running executable, by size and modification time: a rebuilt govpress (whose HTML pass may
/// have changed without a version bump) starts with an empty cache.
fn executable() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|metadata| format!("{} {:?}", metadata.len(), metadata.modified().ok()))
        .unwrap_or_default()
}

fn write_atomically(
    file: &Path,
    header: &HeaderOut<'_>,
    lines: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use std::io::Write;
    let directory = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory)?;
    let mut temporary = tempfile::NamedTempFile::new_in(directory)?;
    let mut out = std::io::BufWriter::new(temporary.as_file_mut());
    serde_json::to_writer(&mut out, header)?;
    out.write_all(b"\n")?;
    lines(&mut out)?;
    out.flush()?;
    drop(out);
    temporary.persist(file)?;
    Ok(())
}

/// 32 bytes from 64 hex digits (a key or an SM3 digest).
fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut bytes = [0; 32];
    if text.len() != 64 {
        return None;
    }
    for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_with(lines: &[&str]) -> PreviousIndex {
        let directory = tempfile::tempdir().expect("temporary directory");
        let file = directory.path().join("index.json");
        std::fs::write(&file, lines.join("\n")).expect("index written");
        read_index(&file)
    }

    const ENTRY: &str = r#"["k1",{"path":"a/index.html","digest":"d","sha256":"s","len":3,"links":[["/b/",4,7]],"ids":["x"],"targets":[]}]"#;

    #[test]
    fn an_index_is_read_line_by_line_and_a_damaged_or_foreign_one_is_empty() {
        let header = format!(r#"{{"format":"{FORMAT}","salt":"salt"}}"#);
        let index = index_with(&[&header, ENTRY, ""]);
        assert_eq!(index.header.salt, "salt");
        assert_eq!(index.entries.len(), 1);
        assert_eq!(index.entries["k1"].path, "a/index.html");
        // A line cut short (a build killed while writing would not have renamed it, but a disk can
        // lie): nothing of the index is trusted.
        assert!(index_with(&[&header, ENTRY, &ENTRY[..40]]).entries.is_empty());
        let older = r#"{"format":"govpress render cache 2","salt":"salt"}"#;
        assert!(index_with(&[older, ENTRY]).entries.is_empty());
        assert!(index_with(&[]).entries.is_empty());
    }
}
