//! Building the index files from the published pages.
//!
//! Files (paths relative to the index directory, `search/` in the output):
//!
//! - `index.json`: `{"version", "shards", "chunks", "docs": [[url, title, date, sort, section, chunk], …]}`,
//!   documents in URL order (a document's number is its place here); `sort` is the page's instant in
//!   seconds (`null` without a date), newest first ranks on it.
//! - `s/N.bin`: the postings whose key hashes to shard N ([`super::shard_of`]), keys in order. An
//!   entry is `key length (1|2)`, the key's code points, `payload length`, payload — all LEB128. A
//!   bigram's payload: document count, then per document the document number's delta, the count of
//!   positions and the positions' deltas (character offsets in the document's text). A single
//!   character's payload: document count and the documents' deltas.
//! - `t/N.json`: a JSON array with the texts of the consecutive documents of chunk N, each without
//!   its title line (title and these texts are what the positions count in: `title + "\n" + text`).
//!
//! A document's text is its title, then its metadata lines (文号, 索引号, 发文机关 …), then the body;
//! everything is folded ([`super::fold`]) before it is indexed, and spaces are never part of a key.

use std::borrow::Cow;
use std::convert::Infallible;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::{chunk_file, fold, is_space, shard_file, shard_of, varint, FORMAT_VERSION, MANIFEST_FILE};

/// A document's body as the index reads it: held in the document (`String`), or kept elsewhere by the
/// host (a large site's build spills the bodies to a temporary file) and read back when the index
/// needs it: once to index it, once more for its chunk file, each time one document at a time.
pub trait Body: Send + Sync {
    type Error;
    fn text(&self) -> Result<Cow<'_, str>, Self::Error>;
}

impl Body for String {
    type Error = Infallible;
    fn text(&self) -> Result<Cow<'_, str>, Infallible> {
        Ok(Cow::Borrowed(self))
    }
}

/// One published page as the index takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc<B = String> {
    /// The page's URL as links carry it (with the site's base path).
    pub url: String,
    pub title: String,
    /// The date as the page shows it (`2024-05-10`), empty without one.
    pub date: String,
    /// The page's instant in seconds since the epoch, for "newest first".
    pub sort: Option<i64>,
    /// The title of the section the page is listed in.
    pub section: String,
    /// Searchable metadata lines shown with the page (`文号：青政办发〔2024〕15号`).
    pub meta: Vec<String>,
    /// The visible body text ([`super::text::visible_text`]).
    pub body: B,
}

/// One file of the index, uncompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// Path under the index directory (`index.json`, `s/3.bin`, `t/0.json`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Raw bytes of postings a shard aims at (before the host compresses it).
const SHARD_TARGET_BYTES: usize = 48 * 1024;
const MAX_SHARDS: usize = 4096;
/// Bytes of text a chunk aims at.
const CHUNK_TARGET_BYTES: usize = 48 * 1024;

#[derive(Default)]
struct Posting {
    documents: u32,
    last_document: u32,
    bytes: Vec<u8>,
}

impl Posting {
    fn add_document(&mut self, document: u32) {
        let delta = if self.documents == 0 { document } else { document - self.last_document };
        varint::push(&mut self.bytes, delta);
        self.documents += 1;
        self.last_document = document;
    }

    /// The payload's length: the document count, then the postings.
    fn payload_len(&self) -> usize {
        varint::len(self.documents) + self.bytes.len()
    }

    fn push_payload(&self, out: &mut Vec<u8>) {
        varint::push(out, self.documents);
        out.extend_from_slice(&self.bytes);
    }
}

/// A row of the document table: url, title, date, sort, section, chunk.
type DocRow<'d> = (&'d str, &'d str, &'d str, Option<i64>, &'d str, u32);

#[derive(Serialize)]
struct Manifest<'d> {
    version: u32,
    shards: u32,
    chunks: u32,
    docs: Vec<DocRow<'d>>,
}

/// The text after a document's title line: its metadata lines and its body.
pub fn document_text(doc: &SearchDoc) -> String {
    text_with(doc, &doc.body)
}

/// [`document_text`] of a document whose body is `body`.
fn text_with<B>(doc: &SearchDoc<B>, body: &str) -> String {
    let mut text = String::with_capacity(text_len(doc, body));
    for line in &doc.meta {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(body);
    text
}

/// The length in bytes of [`document_text`], without building it.
fn text_len<B>(doc: &SearchDoc<B>, body: &str) -> usize {
    doc.meta.iter().map(|line| line.len() + 1).sum::<usize>() + body.len()
}

/// A posting's key in the order the shard files list them (a key's code points compared in turn, a
/// shorter key before the longer one it starts): a character, or a bigram.
type KeyOrder = (u32, Option<u32>);

/// The index of a site, built in memory once, and its files produced one at a time
/// ([`SearchIndex::file`]), so that a host compresses and writes each before the next exists: only
/// the documents and the postings are held, never the files all at once.
pub struct SearchIndex<B = String> {
    /// In URL order: a document's number is its place here.
    docs: Vec<SearchDoc<B>>,
    chunk_of: Vec<u32>,
    /// Where each chunk starts in `docs`, and the end of the last one.
    chunk_starts: Vec<usize>,
    shards: u32,
    bigrams: FxHashMap<u64, Posting>,
    unigrams: FxHashMap<u32, Posting>,
    /// Each shard's keys, in file order.
    shard_keys: Vec<Vec<KeyOrder>>,
}

impl<B: Body> SearchIndex<B> {
    /// The index of `docs` (any order; the index orders them by URL); fails only when a body
    /// cannot be read.
    pub fn build(mut docs: Vec<SearchDoc<B>>) -> Result<SearchIndex<B>, B::Error> {
        docs.sort_by(|a, b| a.url.cmp(&b.url));
        let mut bigrams: FxHashMap<u64, Posting> = FxHashMap::default();
        let mut unigrams: FxHashMap<u32, Posting> = FxHashMap::default();
        let mut scratch = Scratch::default();
        let mut chunk_starts = Vec::new();
        let mut chunk_bytes = 0;
        let mut chunk_of = Vec::with_capacity(docs.len());
        let mut folded: Vec<char> = Vec::new();
        for (number, doc) in docs.iter().enumerate() {
            folded.clear();
            let body = doc.body.text()?;
            let meta = doc.meta.iter().flat_map(|line| line.chars().chain(['\n']));
            folded.extend(doc.title.chars().chain(['\n']).chain(meta).chain(body.chars()).map(fold));
            index_document(
                u32::try_from(number).unwrap_or(u32::MAX),
                &folded,
                &mut scratch,
                &mut bigrams,
                &mut unigrams,
            );
            if chunk_starts.is_empty() || chunk_bytes >= CHUNK_TARGET_BYTES {
                chunk_starts.push(number);
                chunk_bytes = 0;
            }
            chunk_bytes += text_len(doc, &body);
            chunk_of.push(u32::try_from(chunk_starts.len() - 1).unwrap_or(u32::MAX));
        }
        chunk_starts.push(docs.len());
        // Postings grew by doubling; they are kept until every shard is written.
        for posting in bigrams.values_mut().chain(unigrams.values_mut()) {
            posting.bytes.shrink_to_fit();
        }

        let total: usize = bigrams.values().chain(unigrams.values()).map(|posting| posting.bytes.len() + 8).sum();
        let shards = total.div_ceil(SHARD_TARGET_BYTES).next_power_of_two().clamp(1, MAX_SHARDS);
        let shards = u32::try_from(shards).unwrap_or(1);
        let mut shard_keys: Vec<Vec<KeyOrder>> = (0..shards).map(|_| Vec::new()).collect();
        for &key in unigrams.keys() {
            let chars = [char::from_u32(key).unwrap_or(' ')];
            shard_keys[shard_of(&chars, shards) as usize].push((key, None));
        }
        for &key in bigrams.keys() {
            let (first, second) = ((key >> 32) as u32, key as u32);
            let chars = [char::from_u32(first).unwrap_or(' '), char::from_u32(second).unwrap_or(' ')];
            shard_keys[shard_of(&chars, shards) as usize].push((first, Some(second)));
        }
        for keys in &mut shard_keys {
            keys.sort_unstable();
        }
        Ok(SearchIndex { docs, chunk_of, chunk_starts, shards, bigrams, unigrams, shard_keys })
    }

    /// How many files the index has: the manifest, the shards, the chunks.
    pub fn file_count(&self) -> usize {
        1 + self.shard_keys.len() + self.chunk_starts.len() - 1
    }

    /// File number `number` (below [`SearchIndex::file_count`]): the manifest first, then the shards,
    /// then the chunks of texts (whose bodies are read again: the only failure).
    pub fn file(&self, number: usize) -> Result<IndexFile, B::Error> {
        if number == 0 {
            return Ok(IndexFile { path: MANIFEST_FILE.into(), bytes: self.manifest() });
        }
        let number = number - 1;
        if let Some(keys) = self.shard_keys.get(number) {
            return Ok(IndexFile { path: shard_file(number as u32), bytes: self.shard(keys) });
        }
        let chunk = number - self.shard_keys.len();
        let (start, end) = match (self.chunk_starts.get(chunk), self.chunk_starts.get(chunk + 1)) {
            (Some(&start), Some(&end)) => (start, end),
            _ => (0, 0),
        };
        let texts = self.docs[start..end]
            .iter()
            .map(|doc| Ok(text_with(doc, &doc.body.text()?)))
            .collect::<Result<Vec<String>, B::Error>>()?;
        Ok(IndexFile { path: chunk_file(chunk as u32), bytes: serde_json::to_vec(&texts).unwrap_or_default() })
    }

    fn manifest(&self) -> Vec<u8> {
        let manifest = Manifest {
            version: FORMAT_VERSION,
            shards: self.shards,
            chunks: u32::try_from(self.chunk_starts.len() - 1).unwrap_or(u32::MAX),
            docs: self
                .docs
                .iter()
                .zip(&self.chunk_of)
                .map(|(doc, &chunk)| {
                    (doc.url.as_str(), doc.title.as_str(), doc.date.as_str(), doc.sort, doc.section.as_str(), chunk)
                })
                .collect(),
        };
        serde_json::to_vec(&manifest).unwrap_or_default()
    }

    fn shard(&self, keys: &[KeyOrder]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for &(first, second) in keys {
            let posting = match second {
                None => self.unigrams.get(&first),
                Some(second) => self.bigrams.get(&((u64::from(first) << 32) | u64::from(second))),
            };
            let Some(posting) = posting else { continue };
            varint::push(&mut bytes, if second.is_some() { 2 } else { 1 });
            varint::push(&mut bytes, first);
            if let Some(second) = second {
                varint::push(&mut bytes, second);
            }
            varint::push(&mut bytes, u32::try_from(posting.payload_len()).unwrap_or(u32::MAX));
            posting.push_payload(&mut bytes);
        }
        bytes
    }
}

/// The index files of `docs` (any order; the index orders them by URL), all at once
/// ([`SearchIndex`] produces them one at a time).
pub fn build_index(docs: Vec<SearchDoc>) -> Vec<IndexFile> {
    let index = held(SearchIndex::build(docs));
    (0..index.file_count()).map(|number| held(index.file(number))).collect()
}

/// The value of what cannot fail (held bodies).
fn held<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// What [`index_document`] reuses from one document to the next (no allocation per document).
#[derive(Default)]
struct Scratch {
    /// A bigram key's group in `groups`.
    group_of: FxHashMap<u64, u32>,
    /// Each bigram of the document, in order of first occurrence.
    groups: Vec<Group>,
    /// Every occurrence: (position, the next occurrence of the same bigram or `NONE`).
    occurrences: Vec<(u32, u32)>,
    /// The document's characters, each once.
    characters: FxHashSet<u32>,
}

/// One bigram of a document: its occurrences, as a list threaded through `Scratch::occurrences`.
struct Group {
    key: u64,
    first: u32,
    last: u32,
    count: u32,
}

const NONE: u32 = u32::MAX;

/// Adds document `number`'s postings: each bigram's positions are linked in order as they are met
/// (one hash lookup per character, no sort and no list per bigram), then written group by group.
fn index_document(
    number: u32,
    folded: &[char],
    scratch: &mut Scratch,
    bigrams: &mut FxHashMap<u64, Posting>,
    unigrams: &mut FxHashMap<u32, Posting>,
) {
    let Scratch { group_of, groups, occurrences, characters } = scratch;
    group_of.clear();
    groups.clear();
    occurrences.clear();
    characters.clear();
    for (at, &c) in folded.iter().enumerate() {
        if is_space(c) {
            continue;
        }
        characters.insert(c as u32);
        let Some(&next) = folded.get(at + 1).filter(|&&next| !is_space(next)) else { continue };
        let key = (u64::from(c as u32) << 32) | u64::from(next as u32);
        let occurrence = u32::try_from(occurrences.len()).unwrap_or(NONE);
        occurrences.push((u32::try_from(at).unwrap_or(u32::MAX), NONE));
        let group = *group_of.entry(key).or_insert_with(|| {
            groups.push(Group { key, first: occurrence, last: occurrence, count: 0 });
            u32::try_from(groups.len() - 1).unwrap_or(NONE)
        });
        let group = &mut groups[group as usize];
        if group.count > 0 {
            occurrences[group.last as usize].1 = occurrence;
        }
        group.last = occurrence;
        group.count += 1;
    }
    for group in groups.iter() {
        let posting = bigrams.entry(group.key).or_default();
        posting.add_document(number);
        varint::push(&mut posting.bytes, group.count);
        let (mut link, mut previous) = (group.first, 0);
        while let Some(&(position, next)) = occurrences.get(link as usize) {
            varint::push(&mut posting.bytes, position - previous);
            previous = position;
            link = next;
        }
    }
    for &code in characters.iter() {
        unigrams.entry(code).or_default().add_document(number);
    }
}
