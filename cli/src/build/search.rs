//! The site search in the output: the core's index files under `search/` (gzip-compressed, read
//! back by `govpress search` and the page's `search.js`), the script, and the search page.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;

use flate2::write::GzEncoder;
use flate2::Compression;
use govpress::audit::DocumentKind;
use std::collections::HashMap;

use govpress::search::{Body, SearchDoc, SearchIndex};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::pages::{Pipeline, Written};
use super::render_cache::{hash_part, hex, SearchFile, SearchFiles};
use super::templates::MetaVars;
use super::writer::Reuse;

/// The directory of the search page and its index.
pub const SEARCH_DIR: &str = "search";

/// The search page's script: the same algorithm as `govpress::search::query`, over the same files.
pub const SEARCH_JS: &[u8] = include_bytes!("../../../src/search/search.js");

/// Writes the index of `docs`, the script and the search page.
///
/// The index's files are made, compressed and written one at a time per thread, so that they are
/// never all in memory at once. With the render cache on, a rebuild whose documents did not change
/// reuses every index file without building the index, and one whose documents changed reuses each
/// file whose uncompressed bytes did not change without compressing it again; a reused file is
/// always the previous output's, re-hashed ([`super::writer::Staging::reuse_verified`]).
pub fn write_search<B>(pipeline: &Pipeline<'_>, mut docs: Vec<SearchDoc<B>>) -> anyhow::Result<Written>
where
    B: Body,
    anyhow::Error: From<B::Error>,
{
    let cache = pipeline.cache;
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    let digest = if cache.is_on() { docs_digest(cache.salt(), &docs)? } else { String::new() };
    let previous = cache.take_search().unwrap_or_default();
    let mut reused: HashMap<&str, &SearchFile> = HashMap::new();
    if cache.is_on() && previous.docs == digest {
        for file in &previous.files {
            if pipeline.staging.reuse_verified(&file.path, file.recorded())? != Reuse::No {
                reused.insert(&file.path, file);
            }
        }
    }
    let files = if !previous.files.is_empty() && reused.len() == previous.files.len() {
        previous.files.clone()
    } else {
        let earlier: HashMap<&str, &SearchFile> =
            previous.files.iter().map(|file| (file.path.as_str(), file)).collect();
        let index = SearchIndex::build(docs)?;
        (0..index.file_count())
            .into_par_iter()
            .map(|number| {
                let file = index.file(number)?;
                let path = format!("{SEARCH_DIR}/{}", file.path);
                if let Some(&done) = reused.get(path.as_str()) {
                    return Ok(done.clone());
                }
                let raw = if cache.is_on() { hex(&Sha256::digest(&file.bytes)) } else { String::new() };
                if let Some(old) = earlier.get(path.as_str()).filter(|old| cache.is_on() && old.raw == raw) {
                    if pipeline.staging.reuse_verified(&path, old.recorded())? != Reuse::No {
                        return Ok((*old).clone());
                    }
                }
                let compressed = gzip(&file.bytes)?;
                let digest = pipeline.staging.write(&path, &compressed)?;
                Ok(SearchFile { path, raw, digest, len: compressed.len() as u64 })
            })
            .collect::<anyhow::Result<Vec<SearchFile>>>()?
    };
    cache.put_search(SearchFiles { docs: digest, files });
    pipeline.staging.write(&format!("{SEARCH_DIR}/search.js"), SEARCH_JS)?;
    let mut context = pipeline.context();
    context.insert(
        "meta",
        &MetaVars {
            column_name: "站内搜索".into(),
            article_title: "站内搜索".into(),
            current: "search".into(),
            ..MetaVars::default()
        },
    );
    let place = (format!("{SEARCH_DIR}/index.html"), format!("/{SEARCH_DIR}/"));
    pipeline.render("search.html", context, place, DocumentKind::Page, None)
}

/// SHA-256 over the build's salt and every field of every document, in order.
fn docs_digest<B: Body>(salt: &str, docs: &[SearchDoc<B>]) -> Result<String, B::Error> {
    let mut hasher = Sha256::new();
    hash_part(&mut hasher, salt);
    hash_part(&mut hasher, "search");
    for doc in docs {
        let sort = doc.sort.map(|sort| sort.to_string()).unwrap_or_default();
        for part in [&doc.url, &doc.title, &doc.date, &sort, &doc.section] {
            hash_part(&mut hasher, part);
        }
        hasher.update((doc.meta.len() as u64).to_le_bytes());
        for line in &doc.meta {
            hash_part(&mut hasher, line);
        }
        hash_part(&mut hasher, &doc.body.text()?);
    }
    Ok(hex(&hasher.finalize()))
}

/// The pages' visible texts for the index, written to an unnamed temporary file beside the output as
/// each page is processed, so that a large site's build does not hold them all until the index is
/// made; the index reads each back when it needs it ([`Spilled`]). The file has no name: it goes
/// with the build, whatever happens.
pub struct Spill {
    writer: Mutex<(BufWriter<File>, u64)>,
    file: Arc<File>,
}

/// A page's text in the [`Spill`] file.
#[derive(Debug, Clone)]
pub struct Spilled {
    file: Arc<File>,
    offset: u64,
    len: usize,
}

impl Spill {
    pub fn new(directory: &Path) -> anyhow::Result<Spill> {
        let file = tempfile::tempfile_in(directory)
            .with_context(|| format!("无法在 {} 创建临时文件 / cannot create a temporary file", directory.display()))?;
        let writer = BufWriter::new(file.try_clone()?);
        Ok(Spill { writer: Mutex::new((writer, 0)), file: Arc::new(file) })
    }

    pub fn put(&self, text: &str) -> anyhow::Result<Spilled> {
        let mut writer = self.writer.lock().map_err(|_| anyhow::anyhow!("search texts poisoned"))?;
        let (out, end) = &mut *writer;
        out.write_all(text.as_bytes()).context("无法写入临时文件 / cannot write a temporary file")?;
        let offset = *end;
        *end += text.len() as u64;
        Ok(Spilled { file: Arc::clone(&self.file), offset, len: text.len() })
    }

    /// Every text written: readable from here on.
    pub fn finish(&self) -> anyhow::Result<()> {
        let mut writer = self.writer.lock().map_err(|_| anyhow::anyhow!("search texts poisoned"))?;
        writer.0.flush().context("无法写入临时文件 / cannot write a temporary file")
    }
}

impl Body for Spilled {
    type Error = std::io::Error;

    fn text(&self) -> std::io::Result<Cow<'_, str>> {
        let mut bytes = vec![0; self.len];
        read_at(&self.file, &mut bytes, self.offset)?;
        String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))
    }
}

fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 2), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Reads an index file: gzip-compressed as the build writes it, or already plain (a server or a
/// copy that decompressed it).
pub fn decompress(bytes: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::with_capacity(bytes.len() * 3);
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes.as_slice()), &mut plain)?;
        return Ok(plain);
    }
    Ok(bytes)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_read(bytes, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            read => {
                bytes = &mut bytes[read..];
                offset += read as u64;
            }
        }
    }
    Ok(())
}
