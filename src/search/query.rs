//! Answering a query from the index files (the format is described in [`super::build`]).
//!
//! 1. [`Index::shards_for`] names the shards the query needs: for a term of one character its
//!    unigram's, else its bigrams' at offsets 0, 2, 4, … and the last ([`super::bigram_offsets`]).
//! 2. [`Index::search`] decides from those shards alone: a document matches a term when one start
//!    position `p` has every chosen bigram at `p + offset` — every character of the term is then
//!    pinned, so this is an exact substring match, not a candidate; a document matches the query
//!    when it matches every term. Ranking: the title contains every term first, then newest first,
//!    then index order.
//! 3. [`Index::results`] cuts the snippets of the documents shown from their chunks.

use serde::{Deserialize, Serialize};

use super::{bigram_offsets, chunk_file, fold, is_space, shard_of, terms, varint, FORMAT_VERSION};

/// Characters of context before the first hit in a snippet.
pub const SNIPPET_BEFORE: usize = 30;
/// Characters a snippet shows.
pub const SNIPPET_LENGTH: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("搜索索引格式错误：{0} / malformed search index: {0}")]
    Malformed(String),
    #[error("搜索索引版本 {0} 不受支持 / unsupported search index version {0}")]
    Version(u32),
    #[error("缺少搜索索引文件 {0} / missing search index file {0}")]
    Missing(String),
}

/// A row of the document table: url, title, date, sort, section, chunk.
type DocRow = (String, String, String, Option<i64>, String, u32);

#[derive(Debug, Deserialize)]
struct Manifest {
    version: u32,
    shards: u32,
    chunks: u32,
    docs: Vec<DocRow>,
}

/// One document of the table.
#[derive(Debug, Clone)]
struct Doc {
    url: String,
    title: String,
    date: String,
    sort: Option<i64>,
    section: String,
    chunk: u32,
    folded_title: Vec<char>,
}

/// The documents matching a query, ranked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hits {
    /// Document numbers, best first.
    pub docs: Vec<u32>,
}

impl Hits {
    pub fn total(&self) -> usize {
        self.docs.len()
    }
}

/// One result as the search page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchResult {
    pub url: String,
    pub title: String,
    pub date: String,
    pub section: String,
    /// HTML: the text escaped, the hits in `<mark>`.
    pub snippet: String,
}

/// An opened index: the table of documents.
#[derive(Debug, Clone)]
pub struct Index {
    docs: Vec<Doc>,
    shards: u32,
    /// The first document of each chunk.
    chunk_starts: Vec<u32>,
}

impl Index {
    /// Opens `index.json`.
    pub fn open(manifest: &[u8]) -> Result<Index, IndexError> {
        let manifest: Manifest =
            serde_json::from_slice(manifest).map_err(|error| IndexError::Malformed(error.to_string()))?;
        if manifest.version != FORMAT_VERSION {
            return Err(IndexError::Version(manifest.version));
        }
        let mut chunk_starts = vec![u32::MAX; manifest.chunks as usize];
        let docs: Vec<Doc> = manifest
            .docs
            .into_iter()
            .map(|(url, title, date, sort, section, chunk)| {
                let folded_title = title.chars().map(fold).collect();
                Doc { url, title, date, sort, section, chunk, folded_title }
            })
            .collect();
        for (number, doc) in docs.iter().enumerate() {
            let slot = chunk_starts
                .get_mut(doc.chunk as usize)
                .ok_or_else(|| IndexError::Malformed(format!("chunk {} out of range", doc.chunk)))?;
            *slot = (*slot).min(number as u32);
        }
        Ok(Index { docs, shards: manifest.shards.max(1), chunk_starts })
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The shards (numbers, ascending) `search` needs for `query`.
    pub fn shards_for(&self, query: &str) -> Vec<u32> {
        let mut shards: Vec<u32> = terms(query).iter().flat_map(|term| self.term_shards(term)).collect();
        shards.sort_unstable();
        shards.dedup();
        shards
    }

    fn term_shards(&self, term: &[char]) -> Vec<u32> {
        if term.len() == 1 {
            return vec![shard_of(term, self.shards)];
        }
        bigram_offsets(term.len()).into_iter().map(|at| shard_of(&term[at..at + 2], self.shards)).collect()
    }

    /// The documents matching `query`, ranked; `shard` gives a shard's bytes (from `shards_for`).
    pub fn search<'s>(&self, query: &str, shard: impl Fn(u32) -> Option<&'s [u8]>) -> Result<Hits, IndexError> {
        let terms = terms(query);
        if terms.is_empty() {
            return Ok(Hits::default());
        }
        let mut matching: Option<Vec<u32>> = None;
        for term in &terms {
            let found = self.term_docs(term, &shard)?;
            matching = Some(match matching {
                None => found,
                Some(so_far) => so_far.into_iter().filter(|doc| found.binary_search(doc).is_ok()).collect(),
            });
        }
        let mut docs = matching.unwrap_or_default();
        let title_hit: Vec<bool> = docs
            .iter()
            .map(|&doc| {
                let title = &self.docs[doc as usize].folded_title;
                terms.iter().all(|term| contains(title, term))
            })
            .collect();
        let mut ranked: Vec<(bool, Option<i64>, u32)> =
            docs.iter().zip(title_hit).map(|(&doc, hit)| (hit, self.docs[doc as usize].sort, doc)).collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        docs = ranked.into_iter().map(|(_, _, doc)| doc).collect();
        Ok(Hits { docs })
    }

    /// Documents (ascending) containing `term`.
    fn term_docs<'s>(&self, term: &[char], shard: &impl Fn(u32) -> Option<&'s [u8]>) -> Result<Vec<u32>, IndexError> {
        let load = |key: &[char]| -> Result<Option<&'s [u8]>, IndexError> {
            let number = shard_of(key, self.shards);
            let bytes = shard(number).ok_or_else(|| IndexError::Missing(super::shard_file(number)))?;
            find_entry(bytes, key)
        };
        if term.len() == 1 {
            let Some(payload) = load(term)? else { return Ok(Vec::new()) };
            return read_documents(payload);
        }
        let mut lists = Vec::new();
        for at in bigram_offsets(term.len()) {
            let Some(payload) = load(&term[at..at + 2])? else { return Ok(Vec::new()) };
            lists.push((at as u32, read_positions(payload)?));
        }
        let Some(((_, first), rest)) = lists.split_first() else { return Ok(Vec::new()) };
        let mut found = Vec::new();
        'docs: for (doc, starts) in first {
            let mut others = Vec::with_capacity(rest.len());
            for (offset, list) in rest {
                let Ok(index) = list.binary_search_by_key(doc, |(other, _)| *other) else { continue 'docs };
                others.push((*offset, &list[index].1));
            }
            let hit = starts.iter().any(|&start| {
                others.iter().all(|(offset, positions)| positions.binary_search(&(start + offset)).is_ok())
            });
            if hit {
                found.push(*doc);
            }
        }
        Ok(found)
    }

    /// The chunks (ascending) `results` needs for `docs`.
    pub fn chunks_for(&self, docs: &[u32]) -> Vec<u32> {
        let mut chunks: Vec<u32> =
            docs.iter().filter_map(|&doc| self.docs.get(doc as usize)).map(|doc| doc.chunk).collect();
        chunks.sort_unstable();
        chunks.dedup();
        chunks
    }

    /// The results for `docs` (a slice of `Hits::docs`), with snippets for `query`; `chunk` gives a
    /// chunk's bytes (from `chunks_for`).
    pub fn results<'c>(
        &self,
        query: &str,
        docs: &[u32],
        chunk: impl Fn(u32) -> Option<&'c [u8]>,
    ) -> Result<Vec<SearchResult>, IndexError> {
        let terms = terms(query);
        let mut opened: Vec<(u32, Vec<String>)> = Vec::new();
        let mut results = Vec::with_capacity(docs.len());
        for &number in docs {
            let doc =
                self.docs.get(number as usize).ok_or_else(|| IndexError::Malformed(format!("document {number}")))?;
            if !opened.iter().any(|(known, _)| *known == doc.chunk) {
                let bytes = chunk(doc.chunk).ok_or_else(|| IndexError::Missing(chunk_file(doc.chunk)))?;
                let texts: Vec<String> =
                    serde_json::from_slice(bytes).map_err(|error| IndexError::Malformed(error.to_string()))?;
                opened.push((doc.chunk, texts));
            }
            let start = self.chunk_starts.get(doc.chunk as usize).copied().unwrap_or(0);
            let text = opened
                .iter()
                .find(|(known, _)| *known == doc.chunk)
                .and_then(|(_, texts)| texts.get(number.wrapping_sub(start) as usize))
                .ok_or_else(|| IndexError::Malformed(format!("document {number} not in its chunk")))?;
            results.push(SearchResult {
                url: doc.url.clone(),
                title: doc.title.clone(),
                date: doc.date.clone(),
                section: doc.section.clone(),
                snippet: snippet(text, &terms),
            });
        }
        Ok(results)
    }
}

/// The payload of `key` in a shard, `None` when the shard does not hold it.
fn find_entry<'s>(bytes: &'s [u8], key: &[char]) -> Result<Option<&'s [u8]>, IndexError> {
    let malformed = || IndexError::Malformed("shard".into());
    let mut at = 0;
    while at < bytes.len() {
        let length = varint::read(bytes, &mut at).ok_or_else(malformed)? as usize;
        let mut same = length == key.len();
        for index in 0..length {
            let code = varint::read(bytes, &mut at).ok_or_else(malformed)?;
            same &= key.get(index).is_some_and(|&c| c as u32 == code);
        }
        let size = varint::read(bytes, &mut at).ok_or_else(malformed)? as usize;
        let end = at.checked_add(size).filter(|&end| end <= bytes.len()).ok_or_else(malformed)?;
        if same {
            return Ok(Some(&bytes[at..end]));
        }
        at = end;
    }
    Ok(None)
}

fn read_documents(payload: &[u8]) -> Result<Vec<u32>, IndexError> {
    let malformed = || IndexError::Malformed("postings".into());
    let mut at = 0;
    let count = varint::read(payload, &mut at).ok_or_else(malformed)?;
    let mut docs = Vec::with_capacity(count.min(1 << 20) as usize);
    let mut doc: u32 = 0;
    for _ in 0..count {
        doc = doc.checked_add(varint::read(payload, &mut at).ok_or_else(malformed)?).ok_or_else(malformed)?;
        docs.push(doc);
    }
    Ok(docs)
}

fn read_positions(payload: &[u8]) -> Result<Vec<(u32, Vec<u32>)>, IndexError> {
    let malformed = || IndexError::Malformed("postings".into());
    let mut at = 0;
    let count = varint::read(payload, &mut at).ok_or_else(malformed)?;
    let mut docs = Vec::with_capacity(count.min(1 << 20) as usize);
    let mut doc: u32 = 0;
    for _ in 0..count {
        doc = doc.checked_add(varint::read(payload, &mut at).ok_or_else(malformed)?).ok_or_else(malformed)?;
        let positions = varint::read(payload, &mut at).ok_or_else(malformed)?;
        let mut list = Vec::with_capacity(positions.min(1 << 20) as usize);
        let mut position: u32 = 0;
        for _ in 0..positions {
            position =
                position.checked_add(varint::read(payload, &mut at).ok_or_else(malformed)?).ok_or_else(malformed)?;
            list.push(position);
        }
        docs.push((doc, list));
    }
    Ok(docs)
}

fn contains(text: &[char], term: &[char]) -> bool {
    !term.is_empty() && text.windows(term.len()).any(|window| window == term)
}

/// The snippet of `text` (a document's text after its title line): from a little before the first
/// hit of any term, the hits in `<mark>`, everything escaped, spaces and line breaks as spaces.
pub fn snippet(text: &str, terms: &[Vec<char>]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for term in terms.iter().filter(|term| !term.is_empty()) {
        for (start, window) in folded.windows(term.len()).enumerate() {
            if window == term.as_slice() {
                hits.push((start, start + term.len()));
            }
        }
    }
    let first = hits.iter().map(|&(start, _)| start).min().unwrap_or(0);
    let from = first.saturating_sub(SNIPPET_BEFORE);
    let to = (from + SNIPPET_LENGTH).min(chars.len());
    let mut marks: Vec<(usize, usize)> = hits
        .into_iter()
        .filter(|&(start, end)| start < to && end > from)
        .map(|(start, end)| (start.max(from), end.min(to)))
        .collect();
    marks.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in marks {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut html = String::new();
    if from > 0 {
        html.push('…');
    }
    let mut next_mark = merged.iter().peekable();
    let mut open_until = None;
    for (at, &c) in chars.iter().enumerate().take(to).skip(from) {
        if open_until == Some(at) {
            html.push_str("</mark>");
            open_until = None;
        }
        if let Some(&&(start, end)) = next_mark.peek() {
            if start == at {
                html.push_str("<mark>");
                open_until = Some(end);
                next_mark.next();
            }
        }
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c if is_space(c) => html.push(' '),
            c => html.push(c),
        }
    }
    if open_until.is_some() {
        html.push_str("</mark>");
    }
    if to < chars.len() {
        html.push('…');
    }
    html
}
