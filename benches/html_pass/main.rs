//! The build's HTML pass: the demo portal's pages, and one line carrying ever more links (doubling
//! sizes: a linear pass doubles its time, a quadratic one quadruples it).
//!
//! `cargo bench --bench html_pass`. Prints medians of several runs; no timing is asserted anywhere.

use std::hint::black_box;
use std::time::{Duration, Instant};

use govpress::audit::{Auditor, DocumentKind};
use govpress::hosts::HostClassifier;
use govpress::leave_site::LeaveSite;
use govpress::SiteConfig;

const CONFIG: &str = "[site]\nname = \"示例市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\n[identity]\nconac_id = \"bszs-identifier\"\nsite_code = \"1100000001\"\nicp = \"京ICP备00000000号\"\npsb = \"京公网安备11000000000000号\"\nsponsor = \"示例市人民政府办公室\"\ncontact = \"010-00000000\"\n";

/// Pages of the demo portal (`examples/portal`) as the build wrote them.
const PORTAL: [&str; 12] = [
    include_str!("portal/index.html"),
    include_str!("portal/404.html"),
    include_str!("portal/about.html"),
    include_str!("portal/news.html"),
    include_str!("portal/interpretations-2026-11-cac-regulation.html"),
    include_str!("portal/interpretations-2026-10-digital-government.html"),
    include_str!("portal/leave-88ec35f3cbbe3315.html"),
    include_str!("portal/news-2026-11-24-winter-heating.html"),
    include_str!("portal/notices.html"),
    include_str!("portal/policies-2026-11-urban-renewal.html"),
    include_str!("portal/services-travel-and-weather.html"),
    include_str!("portal/notices-2026-11-20-budget-disclosure.html"),
];

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(runs: usize, mut work: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                work();
                started.elapsed()
            })
            .collect(),
    )
}

/// One document through the build's HTML handling.
fn pass(auditor: &Auditor<'_>, leave: &LeaveSite<'_>, html: &str, kind: DocumentKind) -> usize {
    let _ = leave;
    let processed = auditor.process("public/a.html", "/a.html", html, kind).expect("bench HTML parses");
    processed.html.len() + processed.audit.internal_links.len()
}

fn main() {
    let config = SiteConfig::parse(CONFIG).expect("bench config parses");
    let hosts = HostClassifier::new(&config);
    let leave = LeaveSite::new(&config, &hosts);
    let auditor = Auditor::new(&config, &leave);

    let bytes: usize = PORTAL.iter().map(|page| page.len()).sum();
    let portal = time(31, || {
        for _ in 0..20 {
            for page in PORTAL {
                black_box(pass(&auditor, &leave, black_box(page), DocumentKind::Page));
            }
        }
    }) / 20;
    println!(
        "portal: {} pages, {bytes} bytes: {:.1} µs per pass over all ({:.1} MB/s)",
        PORTAL.len(),
        portal.as_secs_f64() * 1e6,
        bytes as f64 / portal.as_secs_f64() / 1e6
    );

    println!("links on one line | internal | external (leave pages)");
    let sizes: Vec<usize> = std::env::args()
        .skip_while(|argument| argument != "--sizes")
        .nth(1)
        .map(|list| list.split(',').filter_map(|size| size.parse().ok()).collect())
        .unwrap_or_else(|| vec![12_500, 25_000, 50_000, 100_000]);
    for links in sizes {
        let internal: String = (0..links).map(|index| format!("<a href=\"/news/{index}/\">第{index}条</a>")).collect();
        let external: String =
            (0..links).map(|index| format!("<a href=\"https://site{index}.example.com/\">第{index}个</a>")).collect();
        let runs = 3;
        let inside = time(runs, || {
            black_box(pass(&auditor, &leave, black_box(&internal), DocumentKind::Fragment));
        });
        let outside = time(runs, || {
            black_box(pass(&auditor, &leave, black_box(&external), DocumentKind::Fragment));
        });
        println!("{links:>17} | {:>8.3} s | {:>8.3} s", inside.as_secs_f64(), outside.as_secs_f64());
    }
}
