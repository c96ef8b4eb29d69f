//! The search index's build: `SearchIndex::build` and every file it produces, over the generated
//! corpus of realistic Chinese pages (the same corpus as `benches/check.rs`). The build of a site
//! rebuilds the index whenever a page changed, so this is what a one-page rebuild pays on top of
//! reusing the rest. `cargo bench --bench search_index` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govpress::search::{SearchDoc, SearchIndex};

mod support;

fn documents() -> Vec<SearchDoc> {
    support::corpus()
        .into_iter()
        .enumerate()
        .map(|(number, (path, source))| SearchDoc {
            url: format!("/{path}/"),
            title: format!("第 {number} 号通知"),
            date: "2026-11-25".into(),
            sort: Some(1_764_000_000 + number as i64),
            section: "通知公告".into(),
            meta: vec![format!("文号：示政发〔2026〕{number}号")],
            body: source,
        })
        .collect()
}

fn bench(criterion: &mut Criterion) {
    let docs = documents();
    let bytes: usize = docs.iter().map(|doc| doc.body.len()).sum();
    let mut group = criterion.benchmark_group("search_index");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("build_and_files", |bencher| {
        bencher.iter(|| {
            let index = SearchIndex::build(black_box(docs.clone())).expect("held bodies");
            (0..index.file_count()).map(|number| index.file(number).expect("held bodies").bytes.len()).sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
