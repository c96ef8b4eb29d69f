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
//! - **Entry**: the output path, the SM3 digest and length of the bytes the pass produced, and what the
//!   pass found that the rest of the build needs (internal links with positions, ids, leave targets).
//!   Files whose pass reported a finding are not cached (they are rendered again, and reported again).
//! - **Where**: `.govpress/render-cache/<output>.json` in the site (git-ignored, the build's private
//!   area), one index per output directory, replaced atomically after a successful build. It holds no
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
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The cache's directory in the site.
pub const CACHE_DIR: &str = ".govpress/render-cache";
/// Bumped when the entry format or the key's meaning changes.
const FORMAT: &str = "govpress render cache 1";

/// A file's key: SHA-256, hex.
pub type Key = String;

/// What a cached file left for the rest of the build.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    /// SM3 of the bytes (as the manifest records them).
    pub digest: String,
    pub len: u64,
    /// Internal links: (href, line, column).
    links: Vec<(String, usize, usize)>,
    ids: Vec<String>,
    /// Leave targets: (hash, url).
    targets: Vec<(String, String)>,
}

impl Entry {
    pub fn audit(&self) -> DocumentAudit {
        DocumentAudit {
            diagnostics: Vec::new(),
            internal_links: self
                .links
                .iter()
                .map(|(href, line, column)| InternalLink {
                    href: href.clone(),
                    position: Position { line: *line, column: *column },
                })
                .collect(),
            ids: self.ids.clone(),
        }
    }

    pub fn targets(&self) -> Vec<LeaveTarget> {
        self.targets.iter().map(|(hash, url)| LeaveTarget { hash: hash.clone(), url: url.clone() }).collect()
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    format: String,
    salt: String,
    entries: HashMap<Key, Entry>,
}

/// The cache of one build: the previous build's entries (read once) and this build's (written on success).
#[derive(Debug, Default)]
pub struct RenderCache {
    /// Where the index lives; `None`: the cache is off (nothing read or written).
    file: Option<PathBuf>,
    salt: String,
    previous: HashMap<Key, Entry>,
    current: Mutex<HashMap<Key, Entry>>,
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

    /// Opens the index at `file` (a missing, unreadable or foreign one is an empty cache); `read`: false
    /// when there is no previous output to reuse files from (the index is then only written).
    pub fn open(file: PathBuf, salt: &Salt<'_>, read: bool) -> RenderCache {
        let salt = salt_of(salt);
        let previous = read
            .then(|| std::fs::read(&file).ok())
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<Index>(&bytes).ok())
            .filter(|index| index.format == FORMAT && index.salt == salt)
            .map(|index| index.entries)
            .unwrap_or_default();
        tracing::debug!(entries = previous.len(), file = %file.display(), "render cache read");
        RenderCache { file: Some(file), salt, previous, ..RenderCache::default() }
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

    /// The previous build's entry for `key`, if it was for `path`.
    pub fn get(&self, key: &Key, path: &str) -> Option<&Entry> {
        self.previous.get(key).filter(|entry| entry.path == path)
    }

    /// Records what a file became in this build (kept only when its pass found nothing).
    pub fn put(&self, key: Key, path: &str, digest: String, len: u64, audit: &DocumentAudit, targets: &[LeaveTarget]) {
        if self.file.is_none() || !audit.diagnostics.is_empty() {
            return;
        }
        let entry = Entry {
            path: path.to_string(),
            digest,
            len,
            links: audit
                .internal_links
                .iter()
                .map(|link| (link.href.clone(), link.position.line, link.position.column))
                .collect(),
            ids: audit.ids.clone(),
            targets: targets.iter().map(|target| (target.hash.clone(), target.url.clone())).collect(),
        };
        if let Ok(mut current) = self.current.lock() {
            current.insert(key, entry);
        }
    }

    /// Keeps an entry of the previous build that this build reused.
    pub fn keep(&self, key: Key, entry: &Entry) {
        if let Ok(mut current) = self.current.lock() {
            current.insert(key, entry.clone());
        }
    }

    /// Writes this build's entries (only those, so the index does not grow), replacing the index atomically.
    /// A failure to write costs the next build time, not correctness: it is logged, not returned.
    pub fn save(self) {
        let Some(file) = self.file else { return };
        let entries = self.current.into_inner().unwrap_or_default();
        let (hits, misses) = (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed));
        tracing::debug!(hits, misses, entries = entries.len(), "render cache");
        let index = Index { format: FORMAT.to_string(), salt: self.salt, entries };
        if let Err(error) = write_atomically(&file, &index) {
            tracing::warn!(file = %file.display(), %error, "render cache not saved");
        }
    }
}

/// `.govpress/render-cache/<digest of the output path>.json` in the site.
pub fn index_file(site_root: &Path, out: &Path) -> PathBuf {
    let out = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
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
fn hash_part(hasher: &mut Sha256, part: &str) {
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

fn write_atomically(file: &Path, index: &Index) -> anyhow::Result<()> {
    use std::io::Write;
    let directory = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory)?;
    let mut temporary = tempfile::NamedTempFile::new_in(directory)?;
    serde_json::to_writer(std::io::BufWriter::new(temporary.as_file_mut()), index)?;
    temporary.as_file_mut().flush()?;
    temporary.persist(file)?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
