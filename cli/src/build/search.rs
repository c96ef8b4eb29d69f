//! The site search in the output: the core's index files under `search/` (gzip-compressed, read
//! back by `govpress search` and the page's `search.js`), the script, and the search page.

use std::io::Write as _;

use flate2::write::GzEncoder;
use flate2::Compression;
use govpress::audit::DocumentKind;
use govpress::search::{SearchDoc, SearchIndex};
use rayon::prelude::*;

use super::pages::{Pipeline, Written};
use super::templates::MetaVars;

/// The directory of the search page and its index.
pub const SEARCH_DIR: &str = "search";

/// The search page's script: the same algorithm as `govpress::search::query`, over the same files.
pub const SEARCH_JS: &[u8] = include_bytes!("../../../src/search/search.js");

/// Writes the index of `docs`, the script and the search page. The index's files are made, compressed
/// and written one at a time per thread, so that they are never all in memory at once.
pub fn write_search(pipeline: &Pipeline<'_>, docs: Vec<SearchDoc>) -> anyhow::Result<Written> {
    let index = SearchIndex::build(docs);
    (0..index.file_count()).into_par_iter().try_for_each(|number| {
        let file = index.file(number);
        pipeline.staging.write(&format!("{SEARCH_DIR}/{}", file.path), &gzip(&file.bytes)?).map(drop)
    })?;
    drop(index);
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
