//! Which hosts are government (PSL-correct), which are the site's own, which are exempt.

use publicsuffix::{List, Psl};

use crate::config::SiteConfig;

/// The Public Suffix List, vendored from Debian's `publicsuffix` package (MPL-2.0, header kept in
/// `data/public_suffix_list.dat`), embedded by `build.rs` without comments and blank lines (half the size
/// in the wasm build; the same rules in the same order).
const PUBLIC_SUFFIX_LIST: &str = include_str!(concat!(env!("OUT_DIR"), "/public_suffix_list.dat"));

/// Government public suffixes: `gov.cn` and `政务` (punycode `xn--zfr164b`).
const GOVERNMENT_SUFFIXES: [&str; 2] = ["gov.cn", "xn--zfr164b"];

/// How a link's destination relates to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Relative, or the site's own host.
    Internal,
    /// A registrable domain under `gov.cn`/`政务`, or listed in `links.government_domains`.
    Government,
    /// Listed in `links.allow`: outside government but exempt from the leave-site warning.
    Allowed,
    /// Anything else: the reader must be warned before leaving (第十五条).
    External,
}

/// Classifies hosts once the list is parsed; build it once per config and reuse it.
pub struct HostClassifier {
    list: List,
    site_host: Option<String>,
    government_domains: Vec<String>,
    allowed_domains: Vec<String>,
}

impl std::fmt::Debug for HostClassifier {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("HostClassifier").field("site_host", &self.site_host).finish_non_exhaustive()
    }
}

impl HostClassifier {
    pub fn new(config: &SiteConfig) -> HostClassifier {
        let list: List = PUBLIC_SUFFIX_LIST.parse().unwrap_or_default();
        let normalise = |domains: &[String]| domains.iter().filter_map(|domain| ascii_host(domain)).collect();
        HostClassifier {
            list,
            site_host: config.site_host().and_then(|host| ascii_host(&host)),
            government_domains: normalise(&config.links.government_domains),
            allowed_domains: normalise(&config.links.allow),
        }
    }

    /// The registrable domain (eTLD+1) of a host, in ASCII, if the host has one.
    pub fn registrable_domain(&self, host: &str) -> Option<String> {
        let host = ascii_host(host)?;
        let domain = self.list.domain(host.as_bytes())?;
        std::str::from_utf8(domain.as_bytes()).ok().map(str::to_string)
    }

    /// The public suffix of a host, in ASCII.
    pub fn public_suffix(&self, host: &str) -> Option<String> {
        let host = ascii_host(host)?;
        let suffix = self.list.suffix(host.as_bytes())?;
        std::str::from_utf8(suffix.as_bytes()).ok().map(str::to_string)
    }

    /// True for hosts whose registrable domain sits directly under a government suffix,
    /// or under a configured government domain. `www.gov.cn.evil.com` is not government.
    pub fn is_government(&self, host: &str) -> bool {
        let Some(host) = ascii_host(host) else { return false };
        let under_suffix =
            self.public_suffix(&host).is_some_and(|suffix| GOVERNMENT_SUFFIXES.contains(&suffix.as_str()))
                && self.registrable_domain(&host).is_some();
        under_suffix || self.government_domains.iter().any(|domain| is_within(&host, domain))
    }

    pub fn is_site_host(&self, host: &str) -> bool {
        ascii_host(host).is_some_and(|host| self.site_host.as_deref() == Some(host.as_str()))
    }

    /// Classifies an absolute http(s) URL's host.
    pub fn classify_host(&self, host: &str) -> Destination {
        if self.is_site_host(host) {
            Destination::Internal
        } else if self.is_government(host) {
            Destination::Government
        } else if ascii_host(host)
            .is_some_and(|host| self.allowed_domains.iter().any(|domain| is_within(&host, domain)))
        {
            Destination::Allowed
        } else {
            Destination::External
        }
    }
}

/// A host in lower-case ASCII (punycode for internationalised names), without a trailing dot.
pub fn ascii_host(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    let ascii = url::Host::parse(host).ok()?.to_string();
    Some(ascii.to_ascii_lowercase())
}

/// `host` is `domain` or a subdomain of it.
fn is_within(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|prefix| prefix.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier(extra: &str) -> HostClassifier {
        let config = SiteConfig::parse(&format!("[site]\nbase_url = \"https://www.example.gov.cn\"\n{extra}")).unwrap();
        HostClassifier::new(&config)
    }

    #[test]
    fn government_hosts_follow_the_public_suffix_list() {
        let hosts = classifier("");
        assert!(hosts.is_government("www.cac.gov.cn"));
        assert!(hosts.is_government("WWW.GOV.CN."));
        assert!(hosts.is_government("示例.政务"));
        assert!(hosts.is_government("xn--fsqu00a.xn--zfr164b"));
        assert!(!hosts.is_government("gov.cn"));
        assert!(!hosts.is_government("www.gov.cn.evil.com"));
        assert!(!hosts.is_government("gov.cn.evil.com"));
        assert!(!hosts.is_government("evilgov.cn"));
        assert!(!hosts.is_government("example.com"));
        assert!(!hosts.is_government("bszs.conac.cn"));
    }

    #[test]
    fn the_compact_list_keeps_every_rule_of_the_vendored_file() {
        let full = include_str!("data/public_suffix_list.dat");
        let rules = |text: &str| -> Vec<String> {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with("//"))
                .map(String::from)
                .collect()
        };
        assert_eq!(rules(PUBLIC_SUFFIX_LIST), rules(full));
        assert!(rules(full).len() > 9000, "the vendored list looks truncated");
        assert!(PUBLIC_SUFFIX_LIST.contains("===BEGIN PRIVATE DOMAINS==="));
        assert!(PUBLIC_SUFFIX_LIST.len() < full.len() * 2 / 3);
    }

    #[test]
    fn private_section_entries_still_count() {
        // github.io is a PRIVATE-section suffix: user sites under it are registrable domains of their own.
        let hosts = classifier("");
        assert_eq!(hosts.public_suffix("someone.github.io").as_deref(), Some("github.io"));
        assert_eq!(hosts.registrable_domain("www.someone.github.io").as_deref(), Some("someone.github.io"));
        assert_eq!(hosts.registrable_domain("a.b.example.com.cn").as_deref(), Some("example.com.cn"));
        assert_eq!(hosts.public_suffix("示例.公益").as_deref(), Some("xn--55qw42g"));
    }

    #[test]
    fn configured_domains_and_the_site_itself() {
        let hosts = classifier("[links]\ngovernment_domains = [\"conac.cn\"]\nallow = [\"weather.com.cn\"]\n");
        assert_eq!(hosts.classify_host("www.example.gov.cn"), Destination::Internal);
        assert_eq!(hosts.classify_host("bszs.conac.cn"), Destination::Government);
        assert_eq!(hosts.classify_host("www.weather.com.cn"), Destination::Allowed);
        assert_eq!(hosts.classify_host("notweather.com.cn"), Destination::External);
        assert_eq!(hosts.classify_host("www.baidu.com"), Destination::External);
    }
}
