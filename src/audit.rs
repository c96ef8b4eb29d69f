//! Checks of built HTML, run on every file the build writes: the footer marks of 第九条, links that
//! escaped the leave-site rewriting (第十五条), `http://` resources (第二十九条) and hidden links
//! (暗链, 第三条). Also collects internal links and ids so the build can find broken ones.

use std::cell::RefCell;
use std::rc::Rc;

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Position, Severity, Text};
use crate::leave_site::{decode_entities, LeaveSite, CONFIRM_ATTRIBUTE, CONTINUE_ATTRIBUTE};
use crate::rules::links::{parse_target, LinkTarget};
use crate::rules::RuleInfo;
use crate::source::LineIndex;

mod footer;
mod hidden;
pub mod manifest;

pub use footer::{conac_url, error_report_url, FOOTER_IDENTITY, FOOTER_MARK};

pub const UNREWRITTEN_LINK: RuleInfo = RuleInfo {
    id: "build.unrewritten-link",
    article: 15,
    severity: Severity::Error,
    summary_zh: "生成的页面中，指向非党政机关网站的链接都必须经过离站提示",
    summary_en: "Every link of a built page to a non-government site goes through the leave-site warning",
};

pub const INSECURE_RESOURCE: RuleInfo = RuleInfo {
    id: "build.insecure-resource",
    article: 29,
    severity: Severity::Error,
    summary_zh: "生成的页面不得通过 http:// 加载图片、脚本、样式、框架等资源",
    summary_en: "Built pages load no image, script, style or frame over http://",
};

pub const BROKEN_LINK: RuleInfo = RuleInfo {
    id: "build.broken-link",
    article: 15,
    severity: Severity::Error,
    summary_zh: "站内链接与页内锚点必须指向生成的页面",
    summary_en: "Internal links and #anchors point at pages and ids the build produced",
};

pub const HIDDEN_LINK: RuleInfo = hidden::HIDDEN_LINK;

pub const RULES: &[RuleInfo] = &[
    FOOTER_MARK,
    FOOTER_IDENTITY,
    UNREWRITTEN_LINK,
    INSECURE_RESOURCE,
    BROKEN_LINK,
    HIDDEN_LINK,
    manifest::ADDED,
    manifest::CHANGED,
    manifest::MISSING,
];

/// What a built file is, which decides what it must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A full page of the portal: footer marks required.
    Page,
    /// A leave page: footer required, its one 继续访问 link may go outside.
    LeavePage,
    /// A fragment (preview) or a static file: no footer required.
    Fragment,
}

/// A link of a built file that stays on the site, for the broken-link check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    pub href: String,
    pub position: Position,
}

/// What auditing one file found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentAudit {
    pub diagnostics: Vec<Diagnostic>,
    pub internal_links: Vec<InternalLink>,
    pub ids: Vec<String>,
}

/// An element handler as lol_html takes it.
type Handler<'h> =
    (std::borrow::Cow<'static, lol_html::Selector>, lol_html::ElementContentHandlers<'h, lol_html::LocalHandlerTypes>);

/// Audits built files for one site; build it once.
#[derive(Debug)]
pub struct Auditor<'a> {
    config: &'a SiteConfig,
    leave: &'a LeaveSite<'a>,
    site_host: Option<String>,
}

/// What the handlers of one audit share.
#[derive(Default)]
struct State {
    diagnostics: Vec<(usize, Diagnostic)>,
    internal_links: Vec<(usize, String)>,
    ids: Vec<String>,
    footer: footer::FooterState,
    hidden: hidden::HiddenState,
}

impl<'a> Auditor<'a> {
    pub fn new(config: &'a SiteConfig, leave: &'a LeaveSite<'a>) -> Auditor<'a> {
        Auditor { config, leave, site_host: config.site_host() }
    }

    /// Audits one built file; `file` names it in diagnostics (site-relative output path).
    pub fn audit(&self, file: &str, html: &str, kind: DocumentKind) -> DocumentAudit {
        let state = Rc::new(RefCell::new(State::default()));
        let links = {
            let state = Rc::clone(&state);
            lol_html::element!("a[href], area[href]", move |element| {
                let raw = element.get_attribute("href").unwrap_or_default();
                let href = decode_entities(&raw).into_owned();
                let offset = element.source_location().bytes().start;
                let mut state = state.borrow_mut();
                if let Some(url) = self.leave.needs_warning(&raw) {
                    let confirmed = element.has_attribute(CONFIRM_ATTRIBUTE);
                    let continues = kind == DocumentKind::LeavePage && element.has_attribute(CONTINUE_ATTRIBUTE);
                    if !confirmed && !continues {
                        state.diagnostics.push((offset, unrewritten(url.as_str())));
                    }
                } else if self.is_internal(&href) {
                    state.internal_links.push((offset, href));
                }
                Ok(())
            })
        };
        let ids = {
            let state = Rc::clone(&state);
            lol_html::element!("[id], a[name]", move |element| {
                let id = element.get_attribute("id").or_else(|| element.get_attribute("name"));
                state.borrow_mut().ids.extend(id.map(|id| decode_entities(&id).into_owned()));
                Ok(())
            })
        };
        let resources = {
            let state = Rc::clone(&state);
            lol_html::element!("[src], [srcset], [poster], object[data], link[href]", move |element| {
                if let Some(url) = insecure_resource_url(element) {
                    let offset = element.source_location().bytes().start;
                    state.borrow_mut().diagnostics.push((offset, insecure(&url)));
                }
                Ok(())
            })
        };
        let mut settings = lol_html::RewriteStrSettings::new()
            .append_element_content_handler(links)
            .append_element_content_handler(ids)
            .append_element_content_handler(resources);
        for handler in hidden::handlers(&state) {
            settings = settings.append_element_content_handler(handler);
        }
        if kind != DocumentKind::Fragment {
            for handler in footer::handlers(&state) {
                settings = settings.append_element_content_handler(handler);
            }
        }
        let parsed = lol_html::rewrite_str(html, settings);
        let State { mut diagnostics, internal_links, ids, footer, .. } =
            Rc::try_unwrap(state).map(RefCell::into_inner).unwrap_or_default();
        if let Err(error) = parsed {
            diagnostics.push((0, unparsable(&error.to_string())));
        }
        if kind != DocumentKind::Fragment {
            diagnostics.extend(footer.judge(self.config).into_iter().map(|diagnostic| (0, diagnostic)));
        }
        let lines = LineIndex::new(html);
        let at = |offset: usize| lines.position(html, offset);
        DocumentAudit {
            diagnostics: diagnostics
                .into_iter()
                .map(|(offset, diagnostic)| {
                    let position = at(offset);
                    diagnostic.at(position, position).in_file(file)
                })
                .collect(),
            internal_links: internal_links
                .into_iter()
                .map(|(offset, href)| InternalLink { href, position: at(offset) })
                .collect(),
            ids,
        }
    }

    /// Relative links and links to the site's own host.
    fn is_internal(&self, href: &str) -> bool {
        if crate::leave_site::is_plainly_relative(href) {
            return true;
        }
        match parse_target(href) {
            LinkTarget::Relative => true,
            LinkTarget::Web(url) => {
                url.host_str().is_some_and(|host| self.site_host.as_deref() == Some(host.to_ascii_lowercase().as_str()))
            }
            _ => false,
        }
    }
}

/// The `http://` URL an element loads, if any (links to other pages are not loads).
fn insecure_resource_url(element: &lol_html::html_content::Element<'_, '_>) -> Option<String> {
    let name = element.tag_name();
    let candidates: Vec<String> = match name.as_str() {
        "a" | "area" | "base" | "form" => return None,
        "link" => {
            let rel = element.get_attribute("rel").unwrap_or_default().to_ascii_lowercase();
            let loads = rel.split_whitespace().any(|word| {
                matches!(
                    word,
                    "stylesheet" | "icon" | "preload" | "prefetch" | "modulepreload" | "manifest" | "apple-touch-icon"
                )
            });
            if !loads {
                return None;
            }
            element.get_attribute("href").into_iter().collect()
        }
        _ => {
            let mut urls: Vec<String> =
                ["src", "poster", "data"].iter().filter_map(|name| element.get_attribute(name)).collect();
            if let Some(srcset) = element.get_attribute("srcset") {
                urls.extend(
                    srcset.split(',').filter_map(|candidate| candidate.split_whitespace().next().map(str::to_string)),
                );
            }
            urls
        }
    };
    candidates
        .into_iter()
        .map(|url| decode_entities(&url).into_owned())
        .find(|url| url.trim_start().to_ascii_lowercase().starts_with("http://"))
}

fn unrewritten(url: &str) -> Diagnostic {
    UNREWRITTEN_LINK.diagnostic(
        Text::new(
            format!("指向非党政机关网站的链接“{url}”没有离站提示（第十五条）"),
            format!("The link to \"{url}\", outside government, has no leave-site warning (article 15)"),
        ),
        Text::new(
            "不要在模板或静态文件中绕过链接改写；确需直链的政务相关网站请加入 links.allow",
            "Do not bypass the link rewriting in templates or static files; add government-related sites to links.allow",
        ),
    )
}

fn insecure(url: &str) -> Diagnostic {
    INSECURE_RESOURCE
        .diagnostic(
            Text::new(
                format!("页面通过不安全的 http:// 加载资源“{url}”（第二十九条）"),
                format!("The page loads \"{url}\" over insecure http:// (article 29)"),
            ),
            Text::new(
                "改用 https:// 地址，或把资源放入 static/",
                "Use an https:// address, or put the resource in static/",
            ),
        )
        .with_url(url)
}

fn unparsable(reason: &str) -> Diagnostic {
    UNREWRITTEN_LINK.diagnostic(
        Text::new(
            format!("生成的 HTML 无法解析，不能确认链接安全：{reason}（第十五条）"),
            format!("The built HTML cannot be parsed, so its links cannot be verified: {reason} (article 15)"),
        ),
        Text::new("检查模板或静态文件的 HTML 结构", "Check the HTML structure of templates or static files"),
    )
}

/// A broken internal link or anchor, reported at the place it was written.
pub fn broken_link(href: &str, missing_anchor: bool) -> Diagnostic {
    let (zh, en) = if missing_anchor {
        (
            format!("链接“{href}”指向的锚点不存在（第十五条）"),
            format!("The anchor of \"{href}\" does not exist (article 15)"),
        )
    } else {
        (
            format!("站内链接“{href}”指向的页面不存在（第十五条）"),
            format!("The internal link \"{href}\" leads to no page (article 15)"),
        )
    };
    BROKEN_LINK
        .diagnostic(
            Text::new(zh, en),
            Text::new(
                "指向存在的页面（可写相对的 .md 路径，构建时会换成网址）或存在的标题锚点",
                "Point at an existing page (a relative .md path is turned into its URL) or an existing heading anchor",
            ),
        )
        .with_url(href)
}

#[cfg(test)]
mod tests;
