//! What a run may do: limits, timeouts, retries, per-host overrides. The CLI builds this from
//! `[links]` and its flags; the engine reads nothing else.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use govpress::config::{LinkHostOverride, LinksSection, StatusCodes};

pub const USER_AGENT: &str = concat!(
    "govpress-links/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/govpress/govpress; 第十五条 链接定期检查)"
);

#[derive(Debug, Clone)]
pub struct Settings {
    /// Requests in flight at once, over all hosts.
    pub max_concurrency: usize,
    /// Limits for every host without an override.
    pub host: HostLimits,
    /// `[links.hosts."example.com"]`, keyed by ASCII domain; a domain's subdomains share its override.
    pub host_overrides: BTreeMap<String, HostLimits>,
    pub connect_timeout: Duration,
    /// First backoff; each retry doubles it.
    pub backoff: Duration,
    /// The longest `Retry-After` a 429 is honoured for; longer asks are reported, not waited for.
    pub max_retry_wait: Duration,
    /// A timed-out attempt costs a whole timeout: at most this many of a URL's retries are spent on timeouts.
    pub timeout_retries: u32,
    pub max_redirects: usize,
    /// Bound of the whole run; links not finished by then are reported as unchecked.
    pub max_time: Duration,
    pub check_fragments: bool,
    /// Bytes of an HTML body read to find fragment ids.
    pub max_body_bytes: usize,
    pub user_agent: String,
    /// `--resolve HOST=IP`: fixed addresses per host name (an empty list makes the lookup fail).
    pub resolve: BTreeMap<String, Vec<IpAddr>>,
}

/// Limits that may differ per host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostLimits {
    pub concurrency: usize,
    /// Least time between the starts of two requests to the host.
    pub interval: Duration,
    /// Limit of one request: connect, headers and (when read) body.
    pub timeout: Duration,
    pub retries: u32,
    /// Status codes accepted as working besides 2xx.
    pub accept: Vec<StatusCodes>,
}

impl Default for HostLimits {
    fn default() -> Self {
        HostLimits {
            concurrency: 4,
            interval: Duration::from_millis(100),
            timeout: Duration::from_secs(20),
            retries: 2,
            accept: Vec::new(),
        }
    }
}

impl HostLimits {
    pub fn accepts(&self, status: u16) -> bool {
        (200..300).contains(&status) || self.accept.iter().any(|codes| codes.contains(status))
    }

    fn overridden(&self, with: &LinkHostOverride) -> HostLimits {
        let mut accept = self.accept.clone();
        accept.extend(with.accept.iter().copied());
        HostLimits {
            concurrency: with.per_host_concurrency.unwrap_or(self.concurrency).max(1),
            interval: with.per_host_interval_ms.map_or(self.interval, Duration::from_millis),
            timeout: with.timeout.map_or(self.timeout, |timeout| timeout.0),
            retries: with.retries.unwrap_or(self.retries),
            accept,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_concurrency: 64,
            host: HostLimits::default(),
            host_overrides: BTreeMap::new(),
            connect_timeout: Duration::from_secs(10),
            backoff: Duration::from_millis(500),
            max_retry_wait: Duration::from_secs(20),
            timeout_retries: 1,
            max_redirects: 10,
            max_time: Duration::from_secs(30 * 60),
            check_fragments: false,
            max_body_bytes: 8 << 20,
            user_agent: USER_AGENT.to_string(),
            resolve: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Settings from a site's `[links]` table; unset keys keep the defaults.
    pub fn from_config(links: &LinksSection) -> Settings {
        let mut settings = Settings::default();
        let defaults = &settings.host;
        settings.host = HostLimits {
            concurrency: links.per_host_concurrency.unwrap_or(defaults.concurrency).max(1),
            interval: links.per_host_interval_ms.map_or(defaults.interval, Duration::from_millis),
            timeout: links.timeout.map_or(defaults.timeout, |timeout| timeout.0),
            retries: links.retries.unwrap_or(defaults.retries),
            accept: links.accept.clone(),
        };
        settings.max_concurrency = links.max_concurrency.unwrap_or(settings.max_concurrency).max(1);
        settings.max_time = links.max_time.map_or(settings.max_time, |max_time| max_time.0);
        settings.check_fragments = links.check_fragments.unwrap_or(settings.check_fragments);
        settings.apply_host_overrides(links);
        settings.fit_timeouts();
        settings
    }

    /// Re-derives per-host overrides after the base limits changed (flags are applied over the config).
    pub fn apply_host_overrides(&mut self, links: &LinksSection) {
        self.host_overrides = links
            .hosts
            .iter()
            .filter_map(|(domain, with)| Some((govpress::hosts::ascii_host(domain)?, self.host.overridden(with))))
            .collect();
        self.fit_timeouts();
    }

    /// Keeps the derived limits consistent with the request timeout.
    pub fn fit_timeouts(&mut self) {
        let shortest = self.host_overrides.values().map(|limits| limits.timeout).fold(self.host.timeout, Duration::min);
        self.connect_timeout = self.connect_timeout.min(shortest);
        self.max_retry_wait = self.host.timeout;
    }

    /// The limits for a host: its own override, its nearest parent domain's, or the defaults.
    pub fn limits_for(&self, host: &str) -> &HostLimits {
        let mut candidate = host;
        loop {
            if let Some(limits) = self.host_overrides.get(candidate) {
                return limits;
            }
            match candidate.split_once('.') {
                Some((_, parent)) if !parent.is_empty() => candidate = parent,
                _ => return &self.host,
            }
        }
    }

    /// The longest one URL may take when nothing is rate-limited: every attempt timing out is
    /// bounded by `timeout_retries`; the rest fail fast. Used to state a run's bound.
    pub fn worst_case_per_url(&self) -> Duration {
        let timeout = self.host_overrides.values().map(|limits| limits.timeout).fold(self.host.timeout, Duration::max);
        let retries = self.host_overrides.values().map(|limits| limits.retries).fold(self.host.retries, u32::max);
        let attempts = 1 + retries.min(self.timeout_retries);
        let backoff: Duration = (0..retries).map(|retry| self.backoff * 2u32.saturating_pow(retry)).sum();
        timeout * attempts + backoff + self.max_retry_wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_overrides_apply_to_subdomains_and_keep_the_rest() {
        let config = govpress::SiteConfig::parse(
            "[links]\ntimeout = 5\nretries = 1\naccept = [403]\n[links.hosts.\"example.com\"]\ntimeout = \"30s\"\nper_host_concurrency = 1\naccept = [999]\n",
        )
        .unwrap();
        let settings = Settings::from_config(&config.links);
        let www = settings.limits_for("www.example.com");
        assert_eq!((www.timeout, www.concurrency, www.retries), (Duration::from_secs(30), 1, 1));
        assert!(www.accepts(403) && www.accepts(999) && www.accepts(204) && !www.accepts(404));
        let other = settings.limits_for("notexample.com");
        assert_eq!(other.timeout, Duration::from_secs(5));
        assert!(!other.accepts(999));
        assert_eq!(settings.connect_timeout, Duration::from_secs(5));
    }
}
