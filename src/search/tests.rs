//! The index against a brute-force scan of the page texts, on seeded generated sites.

use std::collections::HashMap;

use super::build::document_text;
use super::*;

/// xorshift64*: a seeded generator, so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A small alphabet, so that near misses (bigrams present, term absent) are common.
const ALPHABET: [&str; 24] = [
    "人", "民", "政", "府", "办", "公", "室", "关", "于", "印", "发", "〔", "〕", "号", "的", "通", "知", "A", "b",
    "Ｃ", "é", "É", "1", "１",
];
const SEPARATORS: [&str; 4] = [" ", "\n", "　", "，"];

fn words(rng: &mut Rng, count: usize) -> String {
    let count = 1 + rng.below(count);
    let mut text = String::new();
    for _ in 0..count {
        if rng.below(6) == 0 {
            text.push_str(rng.word(&SEPARATORS));
        } else {
            text.push_str(rng.word(&ALPHABET));
        }
    }
    text
}

fn site(rng: &mut Rng, pages: usize) -> Vec<SearchDoc> {
    (0..pages)
        .map(|page| {
            let title_length = 8;
            let body_length = 400;
            let meta = if rng.below(3) == 0 {
                vec![format!("文号：青政办发〔2024〕{}号", rng.below(30))]
            } else {
                vec![]
            };
            let sort = if rng.below(8) == 0 { None } else { Some(1_700_000_000 + rng.below(20) as i64 * 86_400) };
            SearchDoc {
                url: format!("/p/{page}/"),
                title: words(rng, title_length),
                date: String::new(),
                sort,
                section: "新闻".into(),
                meta,
                body: words(rng, body_length),
            }
        })
        .collect()
}

fn brute_force(docs: &[SearchDoc], query: &str) -> Vec<String> {
    let terms = terms(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut sorted: Vec<&SearchDoc> = docs.iter().collect();
    sorted.sort_by(|a, b| a.url.cmp(&b.url));
    let folded = |text: &str| -> String { text.chars().map(fold).collect() };
    let needles: Vec<String> = terms.iter().map(|term| term.iter().collect()).collect();
    let mut found: Vec<(bool, Option<i64>, usize, &SearchDoc)> = sorted
        .iter()
        .enumerate()
        .filter(|(_, doc)| {
            let text = folded(&format!("{}\n{}", doc.title, document_text(doc)));
            needles.iter().all(|needle| text.contains(needle.as_str()))
        })
        .map(|(number, doc)| {
            let title = folded(&doc.title);
            (needles.iter().all(|needle| title.contains(needle.as_str())), doc.sort, number, *doc)
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    found.into_iter().map(|(_, _, _, doc)| doc.url.clone()).collect()
}

struct Built {
    index: Index,
    files: HashMap<String, Vec<u8>>,
}

impl Built {
    fn new(docs: &[SearchDoc]) -> Built {
        let files: HashMap<String, Vec<u8>> =
            build_index(docs.to_vec()).into_iter().map(|file| (file.path, file.bytes)).collect();
        let index = Index::open(&files[MANIFEST_FILE]).expect("manifest opens");
        Built { index, files }
    }

    fn search(&self, query: &str) -> Vec<String> {
        let needed = self.index.shards_for(query);
        let shard = |number: u32| {
            assert!(needed.contains(&number), "shard {number} not announced for {query:?}");
            self.files.get(&shard_file(number)).map(Vec::as_slice)
        };
        let hits = self.index.search(query, shard).expect("search");
        let chunk = |number: u32| self.files.get(&chunk_file(number)).map(Vec::as_slice);
        let results = self.index.results(query, &hits.docs, chunk).expect("results");
        results.into_iter().map(|result| result.url).collect()
    }
}

fn random_queries(rng: &mut Rng, docs: &[SearchDoc]) -> Vec<String> {
    let mut queries = Vec::new();
    for _ in 0..60 {
        // A substring of a page (a hit), a random string (mostly near misses), two terms.
        let doc = rng.pick(docs);
        let text: Vec<char> = format!("{}\n{}", doc.title, document_text(doc)).chars().collect();
        let length = 1 + rng.below(6);
        let start = rng.below(text.len().saturating_sub(length).max(1));
        queries.push(text[start..(start + length).min(text.len())].iter().collect());
        queries.push(words(rng, 5));
        queries.push(format!("{} {}", words(rng, 3), words(rng, 3)));
    }
    queries
        .extend(["", "   ", "〔2024〕", "青政办发〔2024〕1号", "ab", "AB", "ｃ", "éÉ", "人民政府"].map(String::from));
    queries
}

#[test]
fn index_answers_like_a_brute_force_scan() {
    for seed in 1..=12u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let pages = 1 + rng.below(120);
        let docs = site(&mut rng, pages);
        let built = Built::new(&docs);
        for query in random_queries(&mut rng, &docs) {
            assert_eq!(built.search(&query), brute_force(&docs, &query), "seed {seed}, query {query:?}");
        }
    }
}

#[test]
fn many_shards_still_answer_exactly() {
    let mut rng = Rng(77);
    // Long pages: enough postings for several shards.
    let docs: Vec<SearchDoc> = site(&mut rng, 150)
        .into_iter()
        .map(|mut doc| {
            doc.body = words(&mut rng, 2_000);
            doc
        })
        .collect();
    let built = Built::new(&docs);
    assert!(built.files.keys().filter(|path| path.starts_with("s/")).count() > 4);
    for query in random_queries(&mut rng, &docs) {
        assert_eq!(built.search(&query), brute_force(&docs, &query), "query {query:?}");
    }
}

fn doc(url: &str, title: &str, sort: i64, body: &str) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        date: String::new(),
        sort: Some(sort),
        section: "新闻".into(),
        meta: Vec::new(),
        body: body.into(),
    }
}

#[test]
fn title_hits_first_then_newest() {
    let docs = vec![
        doc("/a/", "通知", 3, "关于人民政府的通知"),
        doc("/b/", "人民政府公告", 1, "正文"),
        doc("/c/", "其他", 2, "人民政府"),
        doc("/d/", "人民", 4, "人民 政府"),
    ];
    let built = Built::new(&docs);
    assert_eq!(built.search("人民政府"), ["/b/", "/a/", "/c/"]);
    // Two terms: only /b/ has both in its title.
    assert_eq!(built.search("人民 政府"), ["/b/", "/d/", "/a/", "/c/"]);
}

#[test]
fn snippets_mark_hits_and_escape() {
    let terms = terms("<b> 政府");
    let html = query::snippet("人民政府说 <b>&\"重要\"</b>", &terms);
    assert_eq!(html, "人民<mark>政府</mark>说 <mark>&lt;b&gt;</mark>&amp;&quot;重要&quot;&lt;/b&gt;");
    let long = format!("{}政府{}", "甲".repeat(50), "乙".repeat(200));
    let html = query::snippet(&long, &terms);
    assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
    assert_eq!(html.chars().filter(|&c| c == '甲').count(), query::SNIPPET_BEFORE);
    assert!(html.contains("<mark>政府</mark>"));
}

#[test]
fn latin_case_and_full_width_fold() {
    let docs = vec![doc("/a/", "Report", 1, "GovPress ＡＢＣ １２３")];
    let built = Built::new(&docs);
    for query in ["govpress", "GOVPRESS", "abc", "ＡＢＣ", "123", "report g"] {
        assert_eq!(built.search(query), ["/a/"], "{query}");
    }
    assert!(built.search("govpress abd").is_empty());
}

#[test]
fn offsets_cover_every_character() {
    for length in 2..12 {
        let offsets = bigram_offsets(length);
        for character in 0..length {
            assert!(offsets.iter().any(|&at| at == character || at + 1 == character), "{length} {character}");
        }
    }
    assert_eq!(bigram_offsets(4), [0, 2]);
    assert_eq!(bigram_offsets(5), [0, 2, 3]);
}

#[test]
fn damaged_files_are_errors_not_panics() {
    assert!(Index::open(b"{").is_err());
    assert!(matches!(Index::open(br#"{"version":9,"shards":1,"chunks":0,"docs":[]}"#), Err(IndexError::Version(9))));
    let built = Built::new(&[doc("/a/", "人民", 1, "政府")]);
    let garbage = [0xffu8, 0xff, 0xff];
    assert!(built.index.search("人民", |_| Some(&garbage[..])).is_err());
    assert!(built.index.search("人民", |_| None).is_err());
}

#[test]
fn disclosure_metadata_is_searchable() {
    let source = "+++\ntitle = \"关于印发某办法的通知\"\ndate = 2026-06-10\n\n[disclosure]\nindex_no = \"11339900MB1A00002R/2026-00019\"\nissuer = \"青岚市人民政府办公室\"\ndoc_no = \"青政办发〔2026〕19号\"\nwritten_at = 2026-06-08\ntopic = \"综合政务\"\nstatus = \"valid\"\n+++\n\n正文。\n";
    let (page, _) = crate::page::Page::parse("content/policies/a.md", source);
    let meta = meta_lines(&page.front_matter);
    assert_eq!(
        meta,
        ["文号：青政办发〔2026〕19号", "索引号：11339900MB1A00002R/2026-00019", "发文机关：青岚市人民政府办公室"]
    );
    let mut with_meta = doc("/a/", "关于印发某办法的通知", 1, "正文。");
    with_meta.meta = meta;
    let built = Built::new(&[with_meta, doc("/b/", "其他", 2, "正文")]);
    assert_eq!(built.search("青政办发〔2026〕19号"), ["/a/"]);
    assert_eq!(built.search("11339900mb1a00002r"), ["/a/"]);
    assert_eq!(built.search("发文机关 青岚市人民政府办公室"), ["/a/"]);
}
