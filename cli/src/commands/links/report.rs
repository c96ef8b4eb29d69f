//! Outcomes → article-15 diagnostics at every occurrence, the cache's next state, and the
//! summary by host.

use std::collections::{BTreeMap, BTreeSet};

use unicode_width::UnicodeWidthStr;

use govpress::hosts::HostClassifier;
use govpress::rules::link_health::{self, Abnormality, BrokenContext, Unconfirmed};
use govpress::{Diagnostic, Lang};
use link_checker::cache::{Cache, CacheEntry};
use link_checker::outcome::seconds;
use link_checker::{Failure, Outcome, RateLimitEnd, Verdict};

use super::collect::{checkable_fragment, Occurrence};

/// What one checked URL came to, for its occurrences.
pub struct Finding<'a> {
    pub outcome: &'a Outcome,
    pub abnormality: Option<Abnormality>,
    /// When an earlier run first saw it broken.
    pub broken_since: Option<i64>,
}

pub fn diagnostics(occurrence: &Occurrence, finding: &Finding<'_>, check_fragments: bool) -> Option<Diagnostic> {
    let Finding { outcome, abnormality, broken_since } = finding;
    let url = occurrence.written.as_str();
    let diagnostic = match &outcome.verdict {
        Verdict::Broken(failure) => {
            link_health::broken(&failure.describe(), &broken_context(outcome, failure, *broken_since))
        }
        Verdict::RateLimited { retry_after, gave_up } => {
            let wait = retry_after.map(seconds).unwrap_or_else(|| "-".into());
            link_health::unverified(&match gave_up {
                RateLimitEnd::RetriesUsed => Unconfirmed::RateLimitedAfterRetries(outcome.retries),
                RateLimitEnd::WaitOverCap(cap) => Unconfirmed::WaitOverCap { wait, cap: seconds(*cap) },
                RateLimitEnd::WaitPastDeadline => Unconfirmed::WaitPastDeadline { wait },
            })
        }
        Verdict::Unchecked => link_health::unverified(&Unconfirmed::OutOfTime),
        Verdict::Ok => match abnormality {
            Some(abnormality) => link_health::abnormal(abnormality),
            None => {
                let fragment = checkable_fragment(&occurrence.url, check_fragments)?;
                let ids = outcome.fragment_ids.as_ref()?;
                if ids.contains(&fragment) {
                    return None;
                }
                link_health::missing_fragment(&fragment)
            }
        },
    };
    let mut diagnostic = diagnostic.at(occurrence.start, occurrence.end).in_file(&occurrence.file).with_url(url);
    diagnostic.extra.final_url = outcome.redirects.last().map(|final_url| final_url.to_string());
    diagnostic.extra.status = outcome.status;
    Some(diagnostic)
}

fn broken_context(outcome: &Outcome, failure: &Failure, broken_since: Option<i64>) -> BrokenContext {
    let redirect_chain = if matches!(failure, Failure::RedirectLoop | Failure::TooManyRedirects(_)) {
        std::iter::once(&outcome.url).chain(&outcome.redirects).map(|url| url.to_string()).collect()
    } else {
        Vec::new()
    };
    let broken_since = broken_since
        .and_then(|since| chrono::DateTime::from_timestamp(since, 0))
        .map(|since| since.with_timezone(&govpress::time::china_offset()).format("%Y-%m-%d").to_string());
    BrokenContext { redirect_chain, retries: outcome.retries, broken_since }
}

/// The cache entry a checked URL leaves; `None` keeps the previous one (nothing was learnt).
pub fn cache_entry(
    outcome: &Outcome,
    abnormality: Option<&Abnormality>,
    fragments: &BTreeSet<String>,
    previous: Option<&CacheEntry>,
    now: i64,
) -> Option<CacheEntry> {
    let broken = matches!(outcome.verdict, Verdict::Broken(_));
    if !broken && outcome.verdict != Verdict::Ok {
        return None;
    }
    let found: BTreeSet<String> = match &outcome.fragment_ids {
        Some(ids) => fragments.iter().filter(|fragment| ids.contains(*fragment)).cloned().collect(),
        None => BTreeSet::new(),
    };
    let clean = !broken && abnormality.is_none() && found.len() == fragments.len();
    let broken_since = broken.then(|| previous.and_then(|entry| entry.broken_since).unwrap_or(now));
    Some(CacheEntry {
        checked_at: now,
        clean,
        status: outcome.status,
        final_url: outcome.redirects.last().map(|url| url.to_string()),
        content_class: outcome.content_class.or(previous.and_then(|entry| entry.content_class)),
        fragments: found,
        broken_since,
    })
}

/// Judges abnormality against what the cache remembered of the link.
pub fn abnormality(outcome: &Outcome, cache: &Cache, hosts: &HostClassifier) -> Option<Abnormality> {
    let previous = cache.entries.get(outcome.url.as_str()).and_then(|entry| entry.content_class);
    link_health::judge(outcome.landing(previous)?, hosts)
}

#[derive(Default)]
pub struct HostTally {
    pub urls: usize,
    pub ok: usize,
    pub broken: usize,
    pub warnings: usize,
    pub cached: usize,
    pub requests: u32,
}

/// The summary by host, for stderr.
pub fn summary(
    tallies: &BTreeMap<String, HostTally>,
    occurrences: usize,
    elapsed: std::time::Duration,
    lang: Lang,
) -> String {
    let total = |pick: fn(&HostTally) -> usize| tallies.values().map(pick).sum::<usize>();
    let (urls, ok, broken, warnings, cached) =
        (total(|t| t.urls), total(|t| t.ok), total(|t| t.broken), total(|t| t.warnings), total(|t| t.cached));
    let mut out = match lang {
        Lang::Zh => format!(
            "链接检查：{occurrences} 处链接，{urls} 个地址；正常 {ok}，失效 {broken}，警告 {warnings}，缓存跳过 {cached}；用时 {}\n",
            seconds(elapsed)
        ),
        Lang::En => format!(
            "links: {occurrences} occurrences, {urls} addresses; ok {ok}, broken {broken}, warnings {warnings}, from cache {cached}; took {}\n",
            seconds(elapsed)
        ),
    };
    if tallies.is_empty() {
        return out;
    }
    let header = match lang {
        Lang::Zh => ["主机", "地址", "正常", "失效", "警告", "缓存", "请求"],
        Lang::En => ["host", "urls", "ok", "broken", "warn", "cached", "requests"],
    };
    let width = tallies.keys().map(|host| host.width()).max().unwrap_or(4).max(header[0].width());
    let row = |cells: [&str; 7]| {
        let mut line = format!("  {}{}", cells[0], " ".repeat(width - cells[0].width()));
        for cell in &cells[1..] {
            line.push_str(&" ".repeat(9usize.saturating_sub(cell.width())));
            line.push_str(cell);
        }
        line + "\n"
    };
    out.push_str(&row(header));
    for (host, tally) in tallies {
        let numbers = [tally.urls, tally.ok, tally.broken, tally.warnings, tally.cached, tally.requests as usize]
            .map(|number| number.to_string());
        out.push_str(&row([
            host.as_str(),
            &numbers[0],
            &numbers[1],
            &numbers[2],
            &numbers[3],
            &numbers[4],
            &numbers[5],
        ]));
    }
    out
}

/// The run's tally for the history (SPEC §11: link health over time).
pub fn link_tally(tallies: &BTreeMap<String, HostTally>) -> govpress::history::LinkTally {
    tallies.values().fold(govpress::history::LinkTally::default(), |mut tally, host| {
        tally.checked += host.urls;
        tally.broken += host.broken;
        tally.warnings += host.warnings;
        tally
    })
}
