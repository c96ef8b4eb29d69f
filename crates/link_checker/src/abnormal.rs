//! 第十五条 异常链接: a link that still "works" but no longer leads where it did — the domain
//! expired and was taken over, a government page now lands off government hosts, or a page
//! became a download.

use govpress::hosts::HostClassifier;
use govpress::Text;
use url::Url;

use crate::outcome::{ContentClass, Outcome, Verdict};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abnormality {
    /// A government link whose redirects end on a non-government host.
    LeftGovernment { final_host: String },
    /// Redirects end on another registrable domain.
    OtherDomain { from: String, to: String },
    /// A page (before, or by its address) is now served as a download.
    BecameDownload { was_page_before: bool },
}

/// Judges a working link's outcome; `previous` is the content class the last run recorded.
pub fn judge(outcome: &Outcome, previous: Option<ContentClass>, hosts: &HostClassifier) -> Option<Abnormality> {
    if outcome.verdict != Verdict::Ok {
        return None;
    }
    if let Some(final_url) = &outcome.final_url {
        let (from_host, to_host) = (host(&outcome.url), host(final_url));
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
    if outcome.content_class == Some(ContentClass::Download) {
        let was_page_before = previous == Some(ContentClass::Page);
        if was_page_before || looks_like_a_page(&outcome.url) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(url: &str, final_url: Option<&str>, class: ContentClass) -> Outcome {
        let mut outcome = Outcome::new(Url::parse(url).unwrap());
        outcome.verdict = Verdict::Ok;
        outcome.final_url = final_url.map(|url| Url::parse(url).unwrap());
        outcome.content_class = Some(class);
        outcome
    }

    #[test]
    fn redirects_across_domains_and_out_of_government_are_abnormal() {
        let hosts = HostClassifier::new(&govpress::SiteConfig::default());
        let same_site = outcome("http://example.com/a", Some("https://www.example.com/a"), ContentClass::Page);
        assert_eq!(judge(&same_site, None, &hosts), None);
        let taken_over = outcome("https://old.example.com/", Some("https://parking.example.net/"), ContentClass::Page);
        assert!(matches!(judge(&taken_over, None, &hosts), Some(Abnormality::OtherDomain { .. })));
        let left =
            outcome("https://www.example.gov.cn/x", Some("https://www.gov.cn.casino.example/"), ContentClass::Page);
        assert!(matches!(judge(&left, None, &hosts), Some(Abnormality::LeftGovernment { .. })));
        let moved = outcome("http://127.0.0.1:8080/a", Some("http://localhost:8080/a"), ContentClass::Page);
        assert_eq!(
            judge(&moved, None, &hosts),
            Some(Abnormality::OtherDomain { from: "127.0.0.1".into(), to: "localhost".into() })
        );
        let within = outcome("https://a.example.gov.cn/x", Some("https://www.gov.cn/x"), ContentClass::Page);
        assert_eq!(judge(&within, None, &hosts), None);
    }

    #[test]
    fn a_page_turned_download_is_abnormal_but_a_file_link_is_not() {
        let hosts = HostClassifier::new(&govpress::SiteConfig::default());
        let page = outcome("https://example.com/news/1.html", None, ContentClass::Download);
        assert!(matches!(judge(&page, None, &hosts), Some(Abnormality::BecameDownload { was_page_before: false })));
        let file = outcome("https://example.com/files/get?id=3", None, ContentClass::Download);
        assert_eq!(judge(&file, None, &hosts), None);
        assert!(judge(&file, Some(ContentClass::Page), &hosts).is_some());
    }
}
