//! The only clock the CLI reads; the core never reads one itself.

use chrono::{DateTime, FixedOffset};

/// Parses `--now` (RFC 3339), so that a check can be reproduced.
pub fn parse_now(value: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(value).map_err(|error| format!("不是 RFC 3339 时间 / not an RFC 3339 time: {error}"))
}

/// The current time in China Standard Time.
pub fn now_in_china() -> DateTime<FixedOffset> {
    chrono::Utc::now().with_timezone(&govpress::time::china_offset())
}

/// "Now" for a site: `--now` when given, else the site's pinned `[checks] now` (demo and archived
/// sites), else the clock.
pub fn site_now(flag: Option<DateTime<FixedOffset>>, config: &govpress::SiteConfig) -> DateTime<FixedOffset> {
    flag.or_else(|| config.pinned_now()).unwrap_or_else(now_in_china)
}
