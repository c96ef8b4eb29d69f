//! Site search (站内搜索, SPEC §8): an index built from the pages the site pipeline already parsed,
//! and the queries over it.
//!
//! - [`text::visible_text`] takes a parsed page's visible text from its events (no second parse).
//! - [`build::SearchIndex`] turns the published pages into the index files (one at a time): a table of documents,
//!   positional bigram postings (and unigram document lists) sharded by a hash of the key, and the
//!   page texts in chunks for the snippets.
//! - [`query::Index`] answers a query from those files: every query term is an exact,
//!   case-insensitive substring match (Chinese recall is not lost to word segmentation), found from
//!   the postings alone — a term's bigrams at fixed offsets from one start position prove it, so
//!   no page text is read to decide a match, only to cut the snippets that are shown.
//!
//! The same format is read by the search page's script (`search.js`, shipped with the build): both
//! follow the algorithm written down here, and a test holds them to the same answers.
//!
//! The core stays pure: the index is bytes in, bytes out; the hosts compress, write and fetch.

pub mod build;
pub mod query;
pub mod text;
mod varint;

pub use build::{build_index, Body, IndexFile, SearchDoc, SearchIndex};
pub use query::{Hits, Index, IndexError, SearchResult};

/// The search documents of a site run's published pages: `texts` are `(source index, visible
/// text)` of the pages step 2 processed (`PageResult::text`), held or kept elsewhere by the host.
pub fn site_documents<B>(run: &crate::site::SiteRun<'_>, texts: Vec<(usize, B)>) -> Vec<SearchDoc<B>> {
    let model = &run.model;
    let by_source: std::collections::HashMap<usize, &crate::site::SitePage> =
        model.pages.iter().map(|page| (page.source_index, page)).collect();
    texts
        .into_iter()
        .filter_map(|(source_index, body)| {
            let page = by_source.get(&source_index)?;
            let section = page
                .section
                .as_deref()
                .and_then(|key| model.section(key))
                .and_then(|section| model.pages.get(section.index_page))
                .map_or("", |index| index.title());
            Some(SearchDoc {
                url: run.href(&page.url),
                title: page.title().to_string(),
                date: page.date.map(|date| date.china_date().format("%Y-%m-%d").to_string()).unwrap_or_default(),
                sort: page.date.map(|date| date.instant().timestamp()),
                section: section.to_string(),
                meta: meta_lines(&page.front_matter),
                body,
            })
        })
        .collect()
}

/// The page's searchable metadata lines, indexed (and shown in snippets) between its title and
/// body: the 政府信息公开 metadata (SPEC §9) people search by — 文号, 索引号, 发文机关.
pub fn meta_lines(front_matter: &crate::front_matter::FrontMatter) -> Vec<String> {
    let Some(disclosure) = front_matter.disclosure() else { return Vec::new() };
    [("文号", &disclosure.doc_no), ("索引号", &disclosure.index_no), ("发文机关", &disclosure.issuer)]
        .into_iter()
        .filter_map(|(label, value)| {
            let value = value.as_deref()?.trim();
            (!value.is_empty()).then(|| format!("{label}：{value}"))
        })
        .collect()
}

/// Version of the index format (`index.json`'s `version`).
pub const FORMAT_VERSION: u32 = 1;

/// The table of documents and the format's parameters.
pub const MANIFEST_FILE: &str = "index.json";

/// Shard file of postings number `shard`.
pub fn shard_file(shard: u32) -> String {
    format!("s/{shard}.bin")
}

/// Chunk file of page texts number `chunk`.
pub fn chunk_file(chunk: u32) -> String {
    format!("t/{chunk}.json")
}

/// Characters that separate query terms and never take part in a posting.
pub fn is_space(c: char) -> bool {
    matches!(c as u32, 0..=0x20 | 0x7f | 0x85 | 0xa0 | 0x1680 | 0x2000..=0x200b | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000 | 0xfeff)
}

/// The case fold search compares in: one character to one character (positions stay the same),
/// ASCII and Latin-1 capitals to small letters, full-width letters and digits to ASCII.
pub fn fold(c: char) -> char {
    let code = c as u32;
    let folded = match code {
        0x41..=0x5a => code + 0x20,
        0xc0..=0xde if code != 0xd7 => code + 0x20,
        0xff21..=0xff3a => code - 0xff21 + 0x61,
        0xff41..=0xff5a => code - 0xff41 + 0x61,
        0xff10..=0xff19 => code - 0xff10 + 0x30,
        _ => return c,
    };
    char::from_u32(folded).unwrap_or(c)
}

/// The query's terms: folded, split at spaces, duplicates dropped, in first-seen order.
pub fn terms(query: &str) -> Vec<Vec<char>> {
    let mut terms: Vec<Vec<char>> = Vec::new();
    for word in query.split(is_space).filter(|word| !word.is_empty()) {
        let term: Vec<char> = word.chars().map(fold).collect();
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms
}

/// The shard a posting key lives in: FNV-1a over the key's code points (4 bytes each, little endian).
pub fn shard_of(key: &[char], shards: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &c in key {
        for byte in (c as u32).to_le_bytes() {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash % shards.max(1)
}

/// The offsets of a term's bigrams that prove it: 0, 2, 4, … and the last one, so every character
/// of the term is covered by a bigram at a fixed distance from the start.
pub fn bigram_offsets(length: usize) -> Vec<usize> {
    if length < 2 {
        return Vec::new();
    }
    let mut offsets: Vec<usize> = (0..length - 1).step_by(2).collect();
    if offsets.last() != Some(&(length - 2)) {
        offsets.push(length - 2);
    }
    offsets
}

#[cfg(test)]
mod tests;
