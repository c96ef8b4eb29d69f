//! The core's speed: `Checker::check_page` over thousands of realistic Chinese pages, against a bare
//! pulldown-cmark parse of the same text (the floor any Markdown checker pays). Goal: check ≤ 2× parse.
//!
//! `cargo bench --bench check` (add `-- --quick` for a short run). The pages are generated in memory
//! from a fixed seed, so every run measures the same input.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govpress::page::{markdown_options, Page};
use govpress::{Checker, SiteConfig};

mod support;

use support::corpus;

fn config() -> SiteConfig {
    SiteConfig::parse(
        "[site]\nname = \"示例市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\n[links]\nscript_hosts = []\n",
    )
    .expect("bench config parses")
}

fn bench(criterion: &mut Criterion) {
    let pages = corpus();
    let bytes: usize = pages.iter().map(|(_, source)| source.len()).sum();
    let checker = Checker::new(config());
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").expect("static time parses");
    let findings: usize =
        pages.iter().map(|(path, source)| checker.check_page(path, source, now).diagnostics.len()).sum();
    eprintln!("corpus: {} pages, {} bytes, {findings} diagnostics", pages.len(), bytes);

    let mut group = criterion.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("bare_pulldown_cmark", |bencher| {
        bencher.iter(|| {
            pages
                .iter()
                .map(|(_, source)| pulldown_cmark::Parser::new_ext(black_box(source), markdown_options()).count())
                .sum::<usize>()
        })
    });
    group.bench_function("page_parse", |bencher| {
        bencher.iter(|| {
            pages.iter().map(|(path, source)| Page::parse(path, black_box(source)).0.events.len()).sum::<usize>()
        })
    });
    group.bench_function("check_page", |bencher| {
        bencher.iter(|| {
            pages
                .iter()
                .map(|(path, source)| checker.check_page(path, black_box(source), now).diagnostics.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
