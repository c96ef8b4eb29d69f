//! Outcomes → article-15 diagnostics at every occurrence, the cache's next state, and the
//! summary by host.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use govpress::hosts::HostClassifier;
use govpress::rules::RuleInfo;
use govpress::{Diagnostic, Lang, Severity, Text};
use link_checker::abnormal::{self, Abnormality};
use link_checker::cache::{Cache, CacheEntry};
use link_checker::outcome::seconds;
use link_checker::{Failure, Outcome, RateLimitEnd, Verdict};

use super::collect::{checkable_fragment, Occurrence};

pub const BROKEN: RuleInfo = RuleInfo {
    id: "links.broken",
    article: 15,
    severity: Severity::Error,
    summary_zh: "链接失效（错链、断链）",
    summary_en: "Broken link",
};

pub const ABNORMAL: RuleInfo = RuleInfo {
    id: "links.abnormal",
    article: 15,
    severity: Severity::Warning,
    summary_zh: "异常链接：跳转到其他域名、离开政府网站或变为下载",
    summary_en: "Abnormal link: redirects to another domain, leaves government hosts or became a download",
};

pub const FRAGMENT: RuleInfo = RuleInfo {
    id: "links.fragment",
    article: 15,
    severity: Severity::Warning,
    summary_zh: "链接的锚点在目标页面中不存在",
    summary_en: "The link's #fragment is not on the target page",
};

pub const UNVERIFIED: RuleInfo = RuleInfo {
    id: "links.unverified",
    article: 15,
    severity: Severity::Warning,
    summary_zh: "链接未能确认（被限流或超出运行时限）",
    summary_en: "The link could not be confirmed (rate-limited or out of run time)",
};

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
            let what = failure.describe();
            BROKEN.diagnostic(
                Text::new(
                    format!("链接失效：{}（第十五条）", what.zh),
                    format!("Broken link: {} (article 15)", what.en),
                ),
                broken_help(outcome, failure, *broken_since),
            )
        }
        Verdict::RateLimited { retry_after, gave_up } => {
            let wait = retry_after.map(seconds).unwrap_or_else(|| "-".into());
            let (zh, en) = match gave_up {
                RateLimitEnd::RetriesUsed => (
                    format!("重试 {} 次后仍为 429", outcome.retries),
                    format!("still 429 after {} retries", outcome.retries),
                ),
                RateLimitEnd::WaitOverCap(cap) => (
                    format!("Retry-After {wait} 超过等待上限 {}", seconds(*cap)),
                    format!("Retry-After {wait} exceeds the {} cap", seconds(*cap)),
                ),
                RateLimitEnd::WaitPastDeadline => {
                    (format!("Retry-After {wait} 超出运行时限"), format!("Retry-After {wait} is past the run deadline"))
                }
            };
            UNVERIFIED.diagnostic(
                Text::new(
                    format!("无法确认链接：服务器返回 429 请求过多，{zh}（第十五条）"),
                    format!("Could not confirm the link: HTTP 429 Too Many Requests, {en} (article 15)"),
                ),
                Text::new(
                    "稍后重试，或在 [links.hosts.\"域名\"] 中加大 per_host_interval_ms、减小 per_host_concurrency",
                    "Retry later, or raise per_host_interval_ms / lower per_host_concurrency in [links.hosts.\"domain\"]",
                ),
            )
        }
        Verdict::Unchecked => UNVERIFIED.diagnostic(
            Text::new("运行时限内未完成检查（第十五条）", "Not checked within the run's time limit (article 15)"),
            Text::new(
                "加大 max_time（--max-time），或缩小检查范围",
                "Raise max_time (--max-time) or check fewer links",
            ),
        ),
        Verdict::Ok => {
            if let Some(abnormality) = abnormality {
                let what = abnormality.describe();
                ABNORMAL.diagnostic(
                    Text::new(format!("异常链接：{}（第十五条）", what.zh), format!("Abnormal link: {} (article 15)", what.en)),
                    Text::new(
                        "确认跳转后的网站仍由原单位运营且内容适用；否则及时删除或更换链接",
                        "Confirm the destination is still run by the original organisation; otherwise remove or replace the link",
                    ),
                )
            } else {
                let fragment = checkable_fragment(&occurrence.url, check_fragments)?;
                let ids = outcome.fragment_ids.as_ref()?;
                if ids.contains(&fragment) {
                    return None;
                }
                FRAGMENT.diagnostic(
                    Text::new(
                        format!("目标页面中没有锚点 #{fragment}（第十五条）"),
                        format!("The target page has no anchor #{fragment} (article 15)"),
                    ),
                    Text::new("更正锚点，或链接到页面本身", "Fix the anchor or link to the page itself"),
                )
            }
        }
    };
    let mut diagnostic = diagnostic.at(occurrence.start, occurrence.end).in_file(&occurrence.file).with_url(url);
    diagnostic.extra.final_url = outcome.redirects.last().map(|final_url| final_url.to_string());
    diagnostic.extra.status = outcome.status;
    Some(diagnostic)
}

fn broken_help(outcome: &Outcome, failure: &Failure, broken_since: Option<i64>) -> Text {
    let mut zh = String::from("更正或删除该链接；若页面已迁移，改为新地址");
    let mut en = String::from("Fix or remove the link; if the page moved, link to its new address");
    if matches!(failure, Failure::RedirectLoop | Failure::TooManyRedirects(_)) {
        let chain: Vec<String> = std::iter::once(outcome.url.to_string())
            .chain(outcome.redirects.iter().map(|url| url.to_string()))
            .collect();
        let _ = write!(zh, "。重定向链：{}", chain.join(" → "));
        let _ = write!(en, ". Redirect chain: {}", chain.join(" → "));
    }
    if outcome.retries > 0 {
        let _ = write!(zh, "（已重试 {} 次）", outcome.retries);
        let _ = write!(en, " (retried {} times)", outcome.retries);
    }
    if let Some(since) = broken_since.and_then(|since| chrono::DateTime::from_timestamp(since, 0)) {
        let day = since.with_timezone(&govpress::time::china_offset()).format("%Y-%m-%d");
        let _ = write!(zh, "；自 {day} 起失效");
        let _ = write!(en, "; broken since {day}");
    }
    Text::new(zh, en)
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
    abnormal::judge(outcome, previous, hosts)
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
