//! Hostile inputs at doubling sizes: each case is timed at n, 2n, 4n and 8n, and the ratio from one
//! size to the next is printed. Linear work doubles (ratio ≈ 2); quadratic work quadruples.
//! `cargo bench --bench hostile_scaling` (add a case name to run only the cases containing it).
//! Figures, not assertions: the tests show the same bounds with operation counts.

use std::hint::black_box;
use std::time::{Duration, Instant};

use govpress::hosts::HostClassifier;
use govpress::page::Page;
use govpress::render::Renderer;
use govpress::{Checker, SiteConfig};

/// One hostile page shape: its name, its smallest size and how to write it at size `n`.
struct Case {
    name: &'static str,
    smallest: usize,
    page: fn(usize) -> String,
    render: bool,
}

const FRONT: &str = "+++\ntitle = \"t\"\n+++\n";

const CASES: &[Case] = &[
    Case {
        name: "yaml front matter, nested flow sequences (n levels)",
        smallest: 25_000,
        page: |n| format!("---\ntitle: t\nx: {}{}\n---\n正文\n", "[".repeat(n), "]".repeat(n)),
        render: false,
    },
    Case {
        name: "yaml front matter, nested block sequences on one line (n levels)",
        smallest: 25_000,
        page: |n| format!("---\ntitle: t\nx:\n  {}x\n---\n正文\n", "- ".repeat(n)),
        render: false,
    },
    Case {
        name: "toml front matter, nested arrays (n levels)",
        smallest: 25_000,
        page: |n| format!("+++\ntitle = \"t\"\nx = {}{}\n+++\n正文\n", "[".repeat(n), "]".repeat(n)),
        render: false,
    },
    Case {
        name: "toml front matter, nested inline tables (n levels)",
        smallest: 25_000,
        page: |n| format!("+++\ntitle = \"t\"\nx = {}1{}\n+++\n正文\n", "{a = ".repeat(n), "}".repeat(n)),
        render: false,
    },
    Case {
        name: "identical headings (n lines of `#`), rendered",
        smallest: 8_000,
        page: |n| format!("{FRONT}{}", "#\n".repeat(n)),
        render: true,
    },
    Case {
        name: "short digit groups joined by spaces (n groups)",
        smallest: 80_000,
        page: |n| format!("{FRONT}{}\n", "12 ".repeat(n)),
        render: false,
    },
    Case {
        name: "compatibility phrases without punctuation (n phrases)",
        smallest: 20_000,
        page: |n| format!("{FRONT}{}\n", "须下载某某app办理".repeat(n)),
        render: false,
    },
    Case {
        name: "personal numbers on one line (n findings, each positioned)",
        smallest: 10_000,
        page: |n| format!("{FRONT}{}\n", "电话13912345678，".repeat(n)),
        render: false,
    },
    Case {
        name: "nested <div> in raw HTML (n levels), rendered",
        smallest: 10_000,
        page: |n| format!("{FRONT}{}正文\n", "<div>".repeat(n)),
        render: true,
    },
    Case {
        name: "nested block quotes with raw HTML (n levels), rendered",
        smallest: 10_000,
        page: |n| format!("{FRONT}{}<b>正文</b>\n", "> ".repeat(n)),
        render: true,
    },
    Case {
        name: "<object classid= without closing > (n tags)",
        smallest: 10_000,
        page: |n| format!("{FRONT}<p>{}\n", "<object classid=x ".repeat(n)),
        render: false,
    },
];

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).collect();
    let config = SiteConfig::parse("[site]\nname = \"示例\"\nbase_url = \"https://www.example.gov.cn\"\n")
        .expect("bench config parses");
    let checker = Checker::new(config.clone());
    let hosts = HostClassifier::new(&config);
    let renderer = Renderer::new(&hosts);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").expect("static time parses");
    for case in CASES.iter().filter(|case| filter.is_empty() || filter.iter().any(|word| case.name.contains(word))) {
        println!("{}", case.name);
        let mut previous: Option<Duration> = None;
        for step in 0..4 {
            let n = case.smallest << step;
            let source = (case.page)(n);
            let run = || {
                let outcome = checker.check_page("content/a.md", black_box(&source), now);
                let rendered = case.render.then(|| {
                    let (page, _) = Page::parse("content/a.md", &source);
                    renderer.render(&page).html.len()
                });
                (outcome.diagnostics.len(), rendered)
            };
            let (diagnostics, rendered) = run();
            let elapsed = median_time(run);
            let ratio = previous
                .map_or(String::new(), |previous| format!("  ×{:.2}", elapsed.as_secs_f64() / previous.as_secs_f64()));
            println!(
                "  n = {n:>7}  {:>9} bytes  {:>10.3} ms{ratio}  ({diagnostics} diagnostics{})",
                source.len(),
                elapsed.as_secs_f64() * 1e3,
                rendered.map_or(String::new(), |bytes| format!(", {bytes} bytes rendered")),
            );
            previous = Some(elapsed);
        }
    }
}

/// The median of five runs (one when a run takes over a second).
fn median_time<T>(run: impl Fn() -> T) -> Duration {
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        black_box(run());
        times.push(start.elapsed());
        if times[0] > Duration::from_secs(1) {
            break;
        }
    }
    times.sort();
    times[times.len() / 2]
}
