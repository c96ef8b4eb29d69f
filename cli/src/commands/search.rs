//! `govpress search OUT "查询"`: the site search over a built output directory, from the index files
//! the build wrote under `search/` — the same core and the same answers as the search page.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use govpress::search::{chunk_file, shard_file, Index, SearchResult, MANIFEST_FILE};
use govpress::Lang;
use serde::Serialize;

use crate::build::search::{decompress, SEARCH_DIR};
use crate::exit_code::EXIT_OK;
use crate::globals::Globals;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// 构建输出目录（含 search/ 索引）
    out: PathBuf,
    /// 查询：空格分隔的词语须全部出现；中文按原文子串精确匹配，英文不区分大小写
    query: String,
    /// 最多显示的结果数（0 表示全部）
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// 跳过前若干个结果（分页）
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = SearchFormat::Human)]
    format: SearchFormat,
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    query: &'a str,
    total: usize,
    results: &'a [SearchResult],
}

pub fn run(args: SearchArgs, globals: Globals) -> anyhow::Result<u8> {
    let directory = args.out.join(SEARCH_DIR);
    let read = |path: &str| -> anyhow::Result<Vec<u8>> {
        let file = directory.join(path);
        let bytes = std::fs::read(&file)
            .with_context(|| format!("无法读取搜索索引 {} / cannot read the search index", file.display()))?;
        decompress(bytes).with_context(|| format!("{}: 搜索索引已损坏 / corrupt search index", file.display()))
    };
    let index = Index::open(&read(MANIFEST_FILE)?)
        .with_context(|| format!("{}: 无法打开搜索索引 / cannot open the search index", directory.display()))?;
    let mut shards = HashMap::new();
    for number in index.shards_for(&args.query) {
        shards.insert(number, read(&shard_file(number))?);
    }
    let hits = index.search(&args.query, |number| shards.get(&number).map(Vec::as_slice))?;
    let end =
        if args.limit == 0 { hits.docs.len() } else { args.offset.saturating_add(args.limit).min(hits.docs.len()) };
    let shown = hits.docs.get(args.offset.min(end)..end).unwrap_or_default();
    let mut chunks = HashMap::new();
    for number in index.chunks_for(shown) {
        chunks.insert(number, read(&chunk_file(number))?);
    }
    let results = index.results(&args.query, shown, |number| chunks.get(&number).map(Vec::as_slice))?;
    match args.format {
        SearchFormat::Json => {
            let answer = JsonAnswer { query: &args.query, total: hits.total(), results: &results };
            println!("{}", serde_json::to_string_pretty(&answer)?);
        }
        SearchFormat::Human => print_human(&args, hits.total(), &results, globals.lang),
    }
    Ok(EXIT_OK)
}

fn print_human(args: &SearchArgs, total: usize, results: &[SearchResult], lang: Lang) {
    match lang {
        Lang::Zh if total == 0 => println!("没有找到包含“{}”的页面", args.query),
        Lang::En if total == 0 => println!("No page contains \"{}\"", args.query),
        Lang::Zh => println!("找到 {total} 个包含“{}”的页面：", args.query),
        Lang::En => println!("{total} pages contain \"{}\":", args.query),
    }
    for (number, result) in results.iter().enumerate() {
        println!();
        println!("{}. {}", args.offset + number + 1, result.title);
        let mut line = vec![result.url.as_str()];
        line.extend([result.date.as_str(), result.section.as_str()].into_iter().filter(|part| !part.is_empty()));
        println!("   {}", line.join(" · "));
        println!("   {}", terminal_snippet(&result.snippet));
    }
    let shown = args.offset + results.len();
    if shown < total {
        println!();
        match lang {
            Lang::Zh => println!("（另有 {} 个结果，用 --offset {shown} 查看）", total - shown),
            Lang::En => println!("({} more, see --offset {shown})", total - shown),
        }
    }
}

/// The snippet's HTML for a terminal: hits in 【】, entities decoded.
fn terminal_snippet(html: &str) -> String {
    html.replace("<mark>", "【")
        .replace("</mark>", "】")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
