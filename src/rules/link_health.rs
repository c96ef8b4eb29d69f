//! 第十五条 (定期检查链接的有效性和适用性，及时处置异常链接): the rules `govpress links` reports, their
//! messages, and the judgment of an abnormal link. The link_checker crate fetches URLs; what a fetch
//! means for the site is decided and worded here.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::hosts::HostClassifier;
use crate::rules::RuleInfo;

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

pub const RULES: &[RuleInfo] = &[BROKEN, ABNORMAL, FRAGMENT, UNVERIFIED];

/// What kind of thing a response is, from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentClass {
    Page,
    /// Served to be saved: `Content-Disposition: attachment`, executables, archives, octet streams.
    Download,
    /// Documents, images, media, text: linked resources.
    Resource,
    Unknown,
}

impl ContentClass {
    pub fn from_headers(content_type: Option<&str>, disposition: Option<&str>) -> ContentClass {
        if disposition.is_some_and(|value| value.trim().to_ascii_lowercase().starts_with("attachment")) {
            return ContentClass::Download;
        }
        let Some(content_type) = content_type else { return ContentClass::Unknown };
        let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match mime.as_str() {
            "" => ContentClass::Unknown,
            "text/html" | "application/xhtml+xml" => ContentClass::Page,
            "application/octet-stream"
            | "application/x-msdownload"
            | "application/x-msdos-program"
            | "application/vnd.microsoft.portable-executable"
            | "application/x-executable"
            | "application/x-sh"
            | "application/zip"
            | "application/x-zip-compressed"
            | "application/vnd.rar"
            | "application/x-rar-compressed"
            | "application/x-7z-compressed"
            | "application/java-archive"
            | "application/vnd.android.package-archive"
            | "application/x-apple-diskimage" => ContentClass::Download,
            _ => ContentClass::Resource,
        }
    }
}

/// A link that still "works" but no longer leads where it did: the domain expired and was taken
/// over, a government page now lands off government hosts, or a page became a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abnormality {
    /// A government link whose redirects end on a non-government host.
    LeftGovernment { final_host: String },
    /// Redirects end on another registrable domain.
    OtherDomain { from: String, to: String },
    /// A page (before, or by its address) is now served as a download.
    BecameDownload { was_page_before: bool },
}

/// What a working link's fetch found, for [`judge`].
#[derive(Debug, Clone, Copy)]
pub struct Landing<'a> {
    pub url: &'a Url,
    /// Where the redirects ended, when there were any.
    pub final_url: Option<&'a Url>,
    pub content_class: Option<ContentClass>,
    /// The content class the previous run recorded.
    pub previous: Option<ContentClass>,
}

/// Judges a link that answered successfully.
pub fn judge(landing: Landing<'_>, hosts: &HostClassifier) -> Option<Abnormality> {
    if let Some(final_url) = landing.final_url {
        let (from_host, to_host) = (host(landing.url), host(final_url));
        let (from_government, to_government) = (hosts.is_government(&from_host), hosts.is_government(&to_host));
        if from_government && !to_government {
            return Some(Abnormality::LeftGovernment { final_host: to_host });
        }
        // One government site handing over to another (a reorganised department) is not a takeover.
        let (from, to) = (site_of(&from_host, hosts), site_of(&to_host, hosts));
        if from != to && !(from_government && to_government) {
            return Some(Abnormality::OtherDomain { from, to });
        }
    }
    if landing.content_class == Some(ContentClass::Download) {
        let was_page_before = landing.previous == Some(ContentClass::Page);
        if was_page_before || looks_like_a_page(landing.url) {
            return Some(Abnormality::BecameDownload { was_page_before });
        }
    }
    None
}

impl Abnormality {
    pub fn describe(&self) -> Text {
        match self {
            Abnormality::LeftGovernment { final_host } => Text::new(
                format!("政府网站链接现跳转到非政府网站 {final_host}"),
                format!("a government link now redirects to the non-government host {final_host}"),
            ),
            Abnormality::OtherDomain { from, to } => Text::new(
                format!("链接现跳转到其他域名 {to}（原为 {from}），域名可能已过期被他人注册"),
                format!("the link now redirects to another domain, {to} (was {from}); the domain may have expired and been taken over"),
            ),
            Abnormality::BecameDownload { was_page_before: true } => Text::new(
                "链接原为网页，现在变为文件下载",
                "the link was a web page and now serves a file download",
            ),
            Abnormality::BecameDownload { was_page_before: false } => Text::new(
                "网页地址现在返回文件下载",
                "a web page address now serves a file download",
            ),
        }
    }
}

fn host(url: &Url) -> String {
    url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase()
}

/// The registrable domain, or the host itself for IP addresses and bare names.
fn site_of(host: &str, hosts: &HostClassifier) -> String {
    let is_ip = host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok();
    if is_ip {
        return host.to_string();
    }
    hosts.registrable_domain(host).unwrap_or_else(|| host.to_string())
}

/// Addresses that name a page rather than a file: a directory or a page extension.
fn looks_like_a_page(url: &Url) -> bool {
    let path = url.path();
    if path.ends_with('/') {
        return true;
    }
    let last = path.rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    let extension = last.rsplit_once('.').map(|(_, extension)| extension).unwrap_or_default();
    matches!(extension, "htm" | "html" | "shtml" | "xhtml" | "jsp" | "asp" | "aspx" | "php")
}

/// What is known of a broken link beyond its failure, for the help text.
#[derive(Debug, Clone, Default)]
pub struct BrokenContext {
    /// The redirect chain, when the failure is about redirects (a loop, too many).
    pub redirect_chain: Vec<String>,
    pub retries: u32,
    /// The day (`YYYY-MM-DD`, China time) an earlier run first saw it broken.
    pub broken_since: Option<String>,
}

/// `links.broken`: `failure` names what went wrong (`HTTP 404 Not Found`, `连接被重置`).
pub fn broken(failure: &Text, context: &BrokenContext) -> Diagnostic {
    let mut zh = String::from("更正或删除该链接；若页面已迁移，改为新地址");
    let mut en = String::from("Fix or remove the link; if the page moved, link to its new address");
    if !context.redirect_chain.is_empty() {
        let chain = context.redirect_chain.join(" → ");
        let _ = write!(zh, "。重定向链：{chain}");
        let _ = write!(en, ". Redirect chain: {chain}");
    }
    if context.retries > 0 {
        let _ = write!(zh, "（已重试 {} 次）", context.retries);
        let _ = write!(en, " (retried {} times)", context.retries);
    }
    if let Some(day) = &context.broken_since {
        let _ = write!(zh, "；自 {day} 起失效");
        let _ = write!(en, "; broken since {day}");
    }
    BROKEN.diagnostic(
        Text::new(format!("链接失效：{}（第十五条）", failure.zh), format!("Broken link: {} (article 15)", failure.en)),
        Text::new(zh, en),
    )
}

/// Why a link could not be confirmed either way. Durations come formatted (`30 s`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unconfirmed {
    /// Still `429 Too Many Requests` after this many retries.
    RateLimitedAfterRetries(u32),
    /// `Retry-After` asked for longer than the configured cap.
    WaitOverCap { wait: String, cap: String },
    /// `Retry-After` asked to wait past the run's deadline.
    WaitPastDeadline { wait: String },
    /// The run's deadline came before the link was checked.
    OutOfTime,
}

/// `links.unverified`.
pub fn unverified(why: &Unconfirmed) -> Diagnostic {
    let rate_limited = |zh: String, en: String| {
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
    };
    match why {
        Unconfirmed::RateLimitedAfterRetries(retries) => {
            rate_limited(format!("重试 {retries} 次后仍为 429"), format!("still 429 after {retries} retries"))
        }
        Unconfirmed::WaitOverCap { wait, cap } => rate_limited(
            format!("Retry-After {wait} 超过等待上限 {cap}"),
            format!("Retry-After {wait} exceeds the {cap} cap"),
        ),
        Unconfirmed::WaitPastDeadline { wait } => rate_limited(
            format!("Retry-After {wait} 超出运行时限"),
            format!("Retry-After {wait} is past the run deadline"),
        ),
        Unconfirmed::OutOfTime => UNVERIFIED.diagnostic(
            Text::new("运行时限内未完成检查（第十五条）", "Not checked within the run's time limit (article 15)"),
            Text::new(
                "加大 max_time（--max-time），或缩小检查范围",
                "Raise max_time (--max-time) or check fewer links",
            ),
        ),
    }
}

/// `links.abnormal`.
pub fn abnormal(abnormality: &Abnormality) -> Diagnostic {
    let what = abnormality.describe();
    ABNORMAL.diagnostic(
        Text::new(format!("异常链接：{}（第十五条）", what.zh), format!("Abnormal link: {} (article 15)", what.en)),
        Text::new(
            "确认跳转后的网站仍由原单位运营且内容适用；否则及时删除或更换链接",
            "Confirm the destination is still run by the original organisation; otherwise remove or replace the link",
        ),
    )
}

/// `links.fragment`: the target page has no element with this id or anchor name.
pub fn missing_fragment(fragment: &str) -> Diagnostic {
    FRAGMENT.diagnostic(
        Text::new(
            format!("目标页面中没有锚点 #{fragment}（第十五条）"),
            format!("The target page has no anchor #{fragment} (article 15)"),
        ),
        Text::new("更正锚点，或链接到页面本身", "Fix the anchor or link to the page itself"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn landing<'a>(url: &'a Url, final_url: Option<&'a Url>, class: ContentClass) -> Landing<'a> {
        Landing { url, final_url, content_class: Some(class), previous: None }
    }

    fn judged(url: &str, final_url: Option<&str>, class: ContentClass) -> Option<Abnormality> {
        let hosts = HostClassifier::new(&crate::SiteConfig::default());
        let url = Url::parse(url).unwrap();
        let final_url = final_url.map(|final_url| Url::parse(final_url).unwrap());
        judge(landing(&url, final_url.as_ref(), class), &hosts)
    }

    #[test]
    fn redirects_across_domains_and_out_of_government_are_abnormal() {
        assert_eq!(judged("http://example.com/a", Some("https://www.example.com/a"), ContentClass::Page), None);
        let taken_over = judged("https://old.example.com/", Some("https://parking.example.net/"), ContentClass::Page);
        assert!(matches!(taken_over, Some(Abnormality::OtherDomain { .. })));
        let left =
            judged("https://www.example.gov.cn/x", Some("https://www.gov.cn.casino.example/"), ContentClass::Page);
        assert!(matches!(left, Some(Abnormality::LeftGovernment { .. })));
        assert_eq!(
            judged("http://127.0.0.1:8080/a", Some("http://localhost:8080/a"), ContentClass::Page),
            Some(Abnormality::OtherDomain { from: "127.0.0.1".into(), to: "localhost".into() })
        );
        assert_eq!(judged("https://a.example.gov.cn/x", Some("https://www.gov.cn/x"), ContentClass::Page), None);
    }

    #[test]
    fn a_page_turned_download_is_abnormal_but_a_file_link_is_not() {
        let hosts = HostClassifier::new(&crate::SiteConfig::default());
        assert!(matches!(
            judged("https://example.com/news/1.html", None, ContentClass::Download),
            Some(Abnormality::BecameDownload { was_page_before: false })
        ));
        let file = Url::parse("https://example.com/files/get?id=3").unwrap();
        assert_eq!(judge(landing(&file, None, ContentClass::Download), &hosts), None);
        let was_page = Landing { previous: Some(ContentClass::Page), ..landing(&file, None, ContentClass::Download) };
        assert_eq!(judge(was_page, &hosts), Some(Abnormality::BecameDownload { was_page_before: true }));
    }

    #[test]
    fn content_classes_come_from_the_headers() {
        assert_eq!(ContentClass::from_headers(Some("text/html; charset=utf-8"), None), ContentClass::Page);
        assert_eq!(ContentClass::from_headers(Some("text/html"), Some("attachment; x.html")), ContentClass::Download);
        assert_eq!(ContentClass::from_headers(Some("application/zip"), None), ContentClass::Download);
        assert_eq!(ContentClass::from_headers(Some("application/pdf"), None), ContentClass::Resource);
        assert_eq!(ContentClass::from_headers(None, None), ContentClass::Unknown);
    }

    #[test]
    fn every_diagnostic_names_its_registered_rule_and_article_15() {
        let made = [
            broken(&Text::new("HTTP 404", "HTTP 404"), &BrokenContext::default()),
            unverified(&Unconfirmed::OutOfTime),
            unverified(&Unconfirmed::RateLimitedAfterRetries(3)),
            abnormal(&Abnormality::BecameDownload { was_page_before: true }),
            missing_fragment("top"),
        ];
        for diagnostic in made {
            assert!(RULES.iter().any(|rule| rule.id == diagnostic.rule), "{}", diagnostic.rule);
            assert_eq!(diagnostic.article, 15);
        }
    }
}
