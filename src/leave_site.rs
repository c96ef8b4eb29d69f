//! 第十五条: "在用户点击链接跳转到非党政机关网站时，予以明确提示". Rewrites every `<a href>` and
//! `<area href>` of an HTML document or fragment whose destination is outside government:
//! - `interstitial` mode: the link goes to a static leave page `/leave/<hash>.html` that names the
//!   destination and offers 继续访问 / 返回 (no JavaScript needed);
//! - `confirm` mode: the link keeps its href, gets `data-govpress-leave` with the warning, and a
//!   same-origin script (`govpress-leave.js`) asks before leaving.
//!
//! Government hosts (PSL-correct), `links.allow`, the site itself, relative links, `mailto:` and
//! `tel:` stay as they are. So do links to the 网上标识 service (`bszs.conac.cn`): 第九条 makes that
//! link mandatory in every footer, and it is run by the 中央机构编制管理部门 although `conac.cn` is not
//! under `gov.cn`. It is exempted here, by host, rather than declared government in the classifier,
//! so a page linking elsewhere on `conac.cn` is still treated like any other site.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use lol_html::errors::AttributeNameError;
use lol_html::html_content::{ContentType, Element};
use sm3::{Digest, Sm3};

use crate::config::{LinkMode, SiteConfig};
use crate::hosts::{Destination, HostClassifier};
use crate::url_judge::{decode_attribute, document_url, judge_decoded, Resolved};

/// Directory of the leave pages in the output.
pub const LEAVE_DIR: &str = "leave";
/// The confirm-mode script, served from the site root.
pub const CONFIRM_SCRIPT: &str = "govpress-leave.js";
/// Marks the one link of a leave page that goes on to the destination; the rewriter leaves it alone
/// and the audit accepts it only on leave pages. (Content cannot carry it: the sanitiser drops data-*.)
pub const CONTINUE_ATTRIBUTE: &str = "data-govpress-continue";
/// Set on links that leave the site in confirm mode; its value is the warning.
pub const CONFIRM_ATTRIBUTE: &str = "data-govpress-leave";
/// Hosts of the 网上标识 service that 第九条 requires every footer to link to.
pub const IDENTITY_SERVICE_HOSTS: [&str; 1] = ["bszs.conac.cn"];

/// A destination outside government that needs a leave page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LeaveTarget {
    /// Short SM3-based name of the leave page (16 hex digits).
    pub hash: String,
    /// The destination, normalised.
    pub url: String,
}

/// The output of rewriting one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub html: String,
    /// Distinct destinations in order of first appearance.
    pub targets: Vec<LeaveTarget>,
}

#[derive(Debug, thiserror::Error)]
#[error("HTML 无法解析以改写离站链接 / the HTML could not be parsed to rewrite leave-site links: {0}")]
pub struct RewriteError(String);

impl RewriteError {
    pub(crate) fn new(reason: String) -> RewriteError {
        RewriteError(reason)
    }
}

/// Rewrites links for one site; build it once per config.
#[derive(Debug)]
pub struct LeaveSite<'h> {
    hosts: &'h HostClassifier,
    mode: LinkMode,
    base_path: String,
    warning: String,
    /// The site's home page URL: relative links are resolved against it when no page URL is known.
    root: url::Url,
}

impl<'h> LeaveSite<'h> {
    pub fn new(config: &SiteConfig, hosts: &'h HostClassifier) -> LeaveSite<'h> {
        let base_path = base_path(config);
        let root = document_url(config.site.base_url.as_deref(), &base_path, "/");
        LeaveSite { hosts, mode: config.links.mode, base_path, warning: warning_text(config), root }
    }

    pub fn mode(&self) -> LinkMode {
        self.mode
    }

    /// 您访问的链接即将离开“<site>”门户网站
    pub fn warning(&self) -> &str {
        &self.warning
    }

    /// The path prefix the site is served under (`/`, or the path of `base_url`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The URL of a published file from its site path (`/news/a/`), for resolving its links.
    pub fn document_url(&self, site_path: &str) -> url::Url {
        let mut url = self.root.clone();
        url.set_path(&format!("{}/{}", self.base_path.trim_end_matches('/'), site_path.trim_start_matches('/')));
        url
    }

    /// The destination of `href` if following it leaves government for a site that needs a warning.
    /// `href` is the attribute as written in the HTML, resolved against the site's home page.
    pub fn needs_warning(&self, href: &str) -> Option<url::Url> {
        self.needs_warning_from(href, &self.root)
    }

    /// Same, for a link of the document at `base`, resolved as the browser will (entities,
    /// backslashes, tabs, `http:host`: see `url_judge`).
    pub fn needs_warning_from(&self, href: &str, base: &url::Url) -> Option<url::Url> {
        let decoded = decode_entities(href);
        if is_plainly_relative(&decoded) {
            return None;
        }
        match judge_decoded(&decoded, base) {
            Resolved::Web(url) if self.leaves(&url) => Some(url),
            _ => None,
        }
    }

    /// True when `url` is outside government, not allowed, not the site and not the 网上标识 service.
    pub fn leaves(&self, url: &url::Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else { return false };
        if IDENTITY_SERVICE_HOSTS.contains(&host.as_str()) || self.root.host_str() == Some(host.as_str()) {
            return false;
        }
        self.hosts.classify_host(&host) == Destination::External
    }

    /// Points one link element at the leave page of `target` (interstitial) or marks it for the
    /// confirm script; the caller records the target.
    pub fn redirect(&self, element: &mut Element<'_, '_>, target: &LeaveTarget) -> Result<(), AttributeNameError> {
        match self.mode {
            LinkMode::Interstitial => {
                element.set_attribute("href", &self.leave_path(target))?;
                if !element.has_attribute("title") {
                    element.set_attribute("title", &escape_ampersands(&format!("{}：{}", self.warning, target.url)))?;
                }
            }
            LinkMode::Confirm => {
                element
                    .set_attribute(CONFIRM_ATTRIBUTE, &format!("{}，是否继续访问 {}？", self.warning, target.url))?;
            }
        }
        element.set_attribute("rel", "noopener noreferrer")
    }

    /// The tag that loads the confirm script, put before `</body>` when a link was marked.
    pub fn confirm_script(&self) -> String {
        format!("<script src=\"{}{CONFIRM_SCRIPT}\" defer></script>", self.base_path)
    }

    pub fn target(&self, url: &url::Url) -> LeaveTarget {
        LeaveTarget { hash: leave_hash(url.as_str()), url: url.as_str().to_string() }
    }

    /// Site-absolute path of the leave page of a target: `/leave/<hash>.html`.
    pub fn leave_path(&self, target: &LeaveTarget) -> String {
        format!("{}{LEAVE_DIR}/{}.html", self.base_path, target.hash)
    }

    /// True for hrefs that point at a leave page of this site.
    pub fn is_leave_path(&self, href: &str) -> bool {
        href.strip_prefix(self.base_path.as_str())
            .and_then(|rest| rest.strip_prefix(LEAVE_DIR))
            .is_some_and(|rest| rest.starts_with('/') && rest.ends_with(".html"))
    }

    /// Rewrites the links of a fragment (the preview's body); the build rewrites in its one HTML
    /// pass (`audit::Auditor::process`), with the same `redirect`.
    pub fn rewrite(&self, html: &str) -> Result<Rewritten, RewriteError> {
        let targets = RefCell::new(Vec::<LeaveTarget>::new());
        let seen = RefCell::new(HashSet::<String>::new());
        let marked = Rc::new(Cell::new(false));
        let script = self.confirm_script();
        let links = lol_html::element!("a[href], area[href]", |element| {
            if element.has_attribute(CONTINUE_ATTRIBUTE) {
                return Ok(());
            }
            let Some(url) = element.get_attribute("href").and_then(|href| self.needs_warning(&href)) else {
                return Ok(());
            };
            let target = self.target(&url);
            self.redirect(element, &target)?;
            marked.set(self.mode == LinkMode::Confirm);
            if seen.borrow_mut().insert(target.hash.clone()) {
                targets.borrow_mut().push(target);
            }
            Ok(())
        });
        let body = lol_html::element!("body", |element| {
            if self.mode == LinkMode::Confirm {
                let marked = Rc::clone(&marked);
                let script = script.clone();
                if let Some(handlers) = element.end_tag_handlers() {
                    let handler: lol_html::EndTagHandler<'static> =
                        Box::new(move |end: &mut lol_html::html_content::EndTag<'_>| {
                            if marked.get() {
                                end.before(&script, ContentType::Html);
                            }
                            Ok(())
                        });
                    handlers.push(handler);
                }
            }
            Ok(())
        });
        let settings = lol_html::RewriteStrSettings::new()
            .append_element_content_handler(links)
            .append_element_content_handler(body);
        let html = lol_html::rewrite_str(html, settings).map_err(|error| RewriteError(error.to_string()))?;
        Ok(Rewritten { html, targets: targets.into_inner() })
    }
}

/// Decodes character references in attribute values as lol_html hands them over (raw), the way
/// the browser's tokenizer does (the full HTML table, see `url_judge`).
pub fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    decode_attribute(text)
}

/// `/path`, `#id`, `?q` and `page.html`-style hrefs that cannot leave the site, recognised without
/// parsing a URL (most links of a page are these). `//host` and `/\host` (read by browsers as
/// `//host`) and anything with a scheme or leading whitespace take the full path.
pub fn is_plainly_relative(href: &str) -> bool {
    let bytes = href.as_bytes();
    match bytes.first() {
        Some(b'#' | b'?') => true,
        // Browsers drop tabs and newlines inside URLs: `/<tab>/host` is `//host`.
        Some(b'/') => !matches!(bytes.get(1), Some(b'/' | b'\\' | b'\t' | b'\n' | b'\r')),
        Some(first) if first.is_ascii_alphanumeric() => {
            // A scheme ends at the first `:` before any `/`, `?` or `#`.
            let end = href.find(['/', '?', '#']).unwrap_or(href.len());
            !href[..end].contains(':')
        }
        _ => false,
    }
}

/// lol_html escapes `"` in values it sets but not `&`.
fn escape_ampersands(value: &str) -> String {
    value.replace('&', "&amp;")
}

/// 您访问的链接即将离开“<site>”门户网站
pub fn warning_text(config: &SiteConfig) -> String {
    let name = config.site.name.as_deref().unwrap_or("本");
    format!("您访问的链接即将离开“{name}”门户网站")
}

/// The path of `base_url` with a trailing slash (`/` when none).
pub fn base_path(config: &SiteConfig) -> String {
    let path = config
        .site
        .base_url
        .as_deref()
        .and_then(|base| url::Url::parse(base).ok())
        .map(|url| url.path().to_string())
        .unwrap_or_default();
    let trimmed = path.trim_end_matches('/');
    format!("{trimmed}/")
}

/// First 8 bytes of the SM3 digest of the URL, in hex: stable across builds and machines.
pub fn leave_hash(url: &str) -> String {
    let digest = Sm3::digest(url.as_bytes());
    digest[..8].iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(mode: &str) -> (SiteConfig, HostClassifier) {
        let config = SiteConfig::parse(&format!(
            "[site]\nname = \"示例市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\n[links]\nmode = \"{mode}\"\nallow = [\"weather.com.cn\"]\n"
        ))
        .unwrap();
        let hosts = HostClassifier::new(&config);
        (config, hosts)
    }

    #[test]
    fn interstitial_mode_rewrites_only_non_government_links() {
        let (config, hosts) = site("interstitial");
        let leave = LeaveSite::new(&config, &hosts);
        let html = r#"<a href="https://www.gov.cn/">国务院</a><a href="https://www.gov.cn.evil.com/x">假</a><a href="//example.com/a">外</a><a href="/news/">站内</a><a href="mailto:a@b.cn">信</a><a href="https://www.weather.com.cn">天气</a><a href="https://bszs.conac.cn/sitename?method=show&id=1">标识</a><map><area href="https://example.com/a"></map><a href="https://www.example.gov.cn/x">本站</a>"#;
        let rewritten = leave.rewrite(html).unwrap();
        let hash_evil = leave_hash("https://www.gov.cn.evil.com/x");
        let hash_example = leave_hash("https://example.com/a");
        assert!(rewritten.html.contains(r#"<a href="https://www.gov.cn/">"#));
        assert!(rewritten.html.contains(&format!("href=\"/leave/{hash_evil}.html\"")), "{}", rewritten.html);
        assert!(rewritten.html.contains(&format!("<area href=\"/leave/{hash_example}.html\"")), "{}", rewritten.html);
        assert!(rewritten.html.contains(r#"<a href="/news/">"#));
        assert!(rewritten.html.contains(r#"<a href="mailto:a@b.cn">"#));
        assert!(rewritten.html.contains(r#"<a href="https://www.weather.com.cn">"#));
        assert!(rewritten.html.contains(r#"<a href="https://bszs.conac.cn/sitename?method=show&id=1">"#));
        assert!(rewritten.html.contains(r#"<a href="https://www.example.gov.cn/x">"#));
        assert!(rewritten.html.contains("rel=\"noopener noreferrer\""));
        let urls: Vec<_> = rewritten.targets.iter().map(|target| target.url.as_str()).collect();
        assert_eq!(urls, ["https://www.gov.cn.evil.com/x", "https://example.com/a"]);
        assert_eq!(hash_example.len(), 16);
    }

    #[test]
    fn confirm_mode_keeps_href_and_adds_the_script_once() {
        let (config, hosts) = site("confirm");
        let leave = LeaveSite::new(&config, &hosts);
        let html = "<html><head></head><body><a href=\"https://example.com/\">外</a><a href=\"https://example.org/\">外</a></body></html>";
        let rewritten = leave.rewrite(html).unwrap();
        assert!(rewritten.html.contains("href=\"https://example.com/\""));
        assert!(rewritten.html.contains("data-govpress-leave=\"您访问的链接即将离开“示例市人民政府”门户网站"));
        assert_eq!(rewritten.html.matches("govpress-leave.js").count(), 1, "{}", rewritten.html);
        let quiet = leave.rewrite("<html><body><a href=\"/a\">内</a></body></html>").unwrap();
        assert!(!quiet.html.contains("govpress-leave.js"));
    }

    #[test]
    fn continue_links_and_leave_paths() {
        let (config, hosts) = site("interstitial");
        let leave = LeaveSite::new(&config, &hosts);
        let html = "<a data-govpress-continue href=\"https://example.com/\">继续访问</a>";
        assert_eq!(leave.rewrite(html).unwrap().html, html);
        assert!(leave.is_leave_path("/leave/0123456789abcdef.html"));
        assert!(!leave.is_leave_path("/leaves/x.html"));
    }

    #[test]
    fn entities_in_attributes_are_decoded() {
        assert_eq!(decode_entities("a?x=1&amp;y=2&#x26;z&#38;w"), "a?x=1&y=2&z&w");
        assert_eq!(decode_entities("&unknown; & &amp"), "&unknown; & &");
        let (config, hosts) = site("interstitial");
        let leave = LeaveSite::new(&config, &hosts);
        let rewritten = leave.rewrite("<a href=\"https://example.com/a?x=1&amp;y=2\">x</a>").unwrap();
        assert_eq!(rewritten.targets[0].url, "https://example.com/a?x=1&y=2");
        let encoded = leave.rewrite("<a href=\"https&#58;//example.com/\">x</a>").unwrap();
        assert_eq!(encoded.targets.len(), 1, "{}", encoded.html);
    }

    #[test]
    fn plainly_relative_hrefs() {
        for href in ["/news/", "#top", "?page=2", "a/b.html", "2024/x:y", "/a\tb"] {
            assert!(is_plainly_relative(href), "{href}");
        }
        for href in [
            "//evil.com/",
            "/\\evil.com/",
            "/\t/evil.com/",
            "\\\\evil.com/",
            "https://x.cn",
            "javascript:x",
            "mailto:a@b.cn",
            " /x",
            "\tjavascript:x",
            "",
        ] {
            assert!(!is_plainly_relative(href), "{href}");
        }
    }

    #[test]
    fn base_path_follows_base_url() {
        let config = SiteConfig::parse("[site]\nbase_url = \"https://www.example.gov.cn/portal\"\n").unwrap();
        assert_eq!(base_path(&config), "/portal/");
        assert_eq!(base_path(&SiteConfig::default()), "/");
    }
}
