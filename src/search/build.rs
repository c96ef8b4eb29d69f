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

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::{chunk_file, fold, is_space, shard_file, shard_of, varint, FORMAT_VERSION, MANIFEST_FILE};

/// One published page as the index takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
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
    pub body: String,
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

    fn payload(&self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(self.bytes.len() + 5);
        varint::push(&mut payload, self.documents);
        payload.extend_from_slice(&self.bytes);
        payload
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
    let mut text = String::with_capacity(doc.body.len() + 64);
    for line in &doc.meta {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&doc.body);
    text
}

/// The index files of `docs` (any order; the index orders them by URL).
pub fn build_index(mut docs: Vec<SearchDoc>) -> Vec<IndexFile> {
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    let mut bigrams: HashMap<u64, Posting> = HashMap::new();
    let mut unigrams: HashMap<u32, Posting> = HashMap::new();
    let mut chunks: Vec<Vec<String>> = Vec::new();
    let mut chunk_bytes = 0;
    let mut chunk_of = Vec::with_capacity(docs.len());
    for (number, doc) in docs.iter().enumerate() {
        let number = u32::try_from(number).unwrap_or(u32::MAX);
        let text = document_text(doc);
        let folded: Vec<char> = doc.title.chars().chain(['\n']).chain(text.chars()).map(fold).collect();
        index_document(number, &folded, &mut bigrams, &mut unigrams);
        if chunks.is_empty() || chunk_bytes >= CHUNK_TARGET_BYTES {
            chunks.push(Vec::new());
            chunk_bytes = 0;
        }
        chunk_bytes += text.len();
        chunk_of.push(u32::try_from(chunks.len() - 1).unwrap_or(u32::MAX));
        if let Some(chunk) = chunks.last_mut() {
            chunk.push(text);
        }
    }

    let total: usize = bigrams.values().chain(unigrams.values()).map(|posting| posting.bytes.len() + 8).sum();
    let shards = total.div_ceil(SHARD_TARGET_BYTES).next_power_of_two().clamp(1, MAX_SHARDS);
    let shards = u32::try_from(shards).unwrap_or(1);
    let mut entries: Vec<BTreeMap<Vec<u32>, Vec<u8>>> = (0..shards).map(|_| BTreeMap::new()).collect();
    for (key, posting) in &unigrams {
        let chars = [char::from_u32(*key).unwrap_or(' ')];
        entries[shard_of(&chars, shards) as usize].insert(vec![*key], posting.payload());
    }
    for (key, posting) in &bigrams {
        let (first, second) = ((key >> 32) as u32, *key as u32);
        let chars = [char::from_u32(first).unwrap_or(' '), char::from_u32(second).unwrap_or(' ')];
        entries[shard_of(&chars, shards) as usize].insert(vec![first, second], posting.payload());
    }

    let mut files = Vec::with_capacity(1 + entries.len() + chunks.len());
    let manifest = Manifest {
        version: FORMAT_VERSION,
        shards,
        chunks: u32::try_from(chunks.len()).unwrap_or(u32::MAX),
        docs: docs
            .iter()
            .zip(&chunk_of)
            .map(|(doc, &chunk)| {
                (doc.url.as_str(), doc.title.as_str(), doc.date.as_str(), doc.sort, doc.section.as_str(), chunk)
            })
            .collect(),
    };
    files.push(IndexFile { path: MANIFEST_FILE.into(), bytes: serde_json::to_vec(&manifest).unwrap_or_default() });
    for (shard, shard_entries) in entries.iter().enumerate() {
        let mut bytes = Vec::new();
        for (key, payload) in shard_entries {
            varint::push(&mut bytes, key.len() as u32);
            for &code in key {
                varint::push(&mut bytes, code);
            }
            varint::push(&mut bytes, u32::try_from(payload.len()).unwrap_or(u32::MAX));
            bytes.extend_from_slice(payload);
        }
        files.push(IndexFile { path: shard_file(shard as u32), bytes });
    }
    for (chunk, texts) in chunks.iter().enumerate() {
        files.push(IndexFile { path: chunk_file(chunk as u32), bytes: serde_json::to_vec(texts).unwrap_or_default() });
    }
    files
}

fn index_document(
    number: u32,
    folded: &[char],
    bigrams: &mut HashMap<u64, Posting>,
    unigrams: &mut HashMap<u32, Posting>,
) {
    let mut positions: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut seen: HashSet<u32> = HashSet::new();
    for (at, &c) in folded.iter().enumerate() {
        if is_space(c) {
            continue;
        }
        seen.insert(c as u32);
        if let Some(&next) = folded.get(at + 1).filter(|&&next| !is_space(next)) {
            let key = (u64::from(c as u32) << 32) | u64::from(next as u32);
            positions.entry(key).or_default().push(u32::try_from(at).unwrap_or(u32::MAX));
        }
    }
    for (key, at) in positions {
        let posting = bigrams.entry(key).or_default();
        posting.add_document(number);
        varint::push(&mut posting.bytes, at.len() as u32);
        let mut previous = 0;
        for (index, &position) in at.iter().enumerate() {
            varint::push(&mut posting.bytes, if index == 0 { position } else { position - previous });
            previous = position;
        }
    }
    for code in seen {
        unigrams.entry(code).or_default().add_document(number);
    }
}
