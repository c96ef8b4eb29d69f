//! The one pass over every HTML file the build writes (rendered pages, template output, static
//! HTML): a single lol_html walk that rewrites links leaving government (第十五条, `leave_site`)
//! and, on the same walk, checks the footer marks of 第九条, hidden links (暗链, 第三条), script
//! links (第十五条), third-party code without integrity or from unlisted hosts (第二十七条) and
//! `http:` loads (第二十九条), collects internal links and ids for the broken-link check, and,
//! for static HTML, reads the visible text with the page text rules (第十六条, 第二十二条).
//! Every URL is judged as the browser resolves it against the file's own URL (`url_judge`).

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Position, Severity, Text};
use crate::leave_site::{LeaveSite, LeaveTarget, RewriteError};
use crate::rules::RuleInfo;

mod footer;
mod hidden;
mod leave_template;
mod links;
pub mod manifest;
mod positions;
mod resources;
mod svg;
mod text;

pub use footer::{conac_url, error_report_url, FOOTER_IDENTITY, FOOTER_MARK};
pub use leave_template::{LeaveTemplate, LEAVE_PLACEHOLDER};
pub use svg::{judge_svg, SVG_SCRIPT};

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
    SVG_SCRIPT,
    manifest::ADDED,
    manifest::CHANGED,
    manifest::MISSING,
    manifest::SIGNATURE,
];

/// What a built file is, which decides what it must carry and which rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A full page of the portal: footer marks required.
    Page,
    /// A leave page: footer required, its one 继续访问 link may go outside.
    LeavePage,
    /// A fragment (preview): no footer required.
    Fragment,
    /// HTML copied from `static/`: no footer required, but its visible text goes through the page
    /// text rules (it was never Markdown, so `check` has not read it).
    Static,
}

impl DocumentKind {
    fn needs_footer(self) -> bool {
        matches!(self, DocumentKind::Page | DocumentKind::LeavePage)
    }
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

/// One file after its pass: the HTML to publish, what the audit found, where its links leave to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    pub html: String,
    pub audit: DocumentAudit,
    /// Distinct leave-page destinations, in order of first appearance.
    pub targets: Vec<LeaveTarget>,
}

/// An element handler as lol_html takes it.
type Handler<'h> =
    (std::borrow::Cow<'static, lol_html::Selector>, lol_html::ElementContentHandlers<'h, lol_html::LocalHandlerTypes>);

/// Runs the pass for one site; build it once and share it across threads.
#[derive(Debug)]
pub struct Auditor<'a> {
    config: &'a SiteConfig,
    leave: &'a LeaveSite<'a>,
    /// `links.script_hosts`, in ASCII.
    script_hosts: Vec<String>,
}

/// What the handlers of one pass share.
struct State {
    kind: DocumentKind,
    /// The URL the document's links resolve against (its own URL, or its `<base href>`).
    base: url::Url,
    /// The host of the document's own URL: links there are internal.
    own_host: Option<String>,
    base_seen: bool,
    diagnostics: Vec<(usize, Diagnostic)>,
    internal_links: Vec<(usize, String)>,
    ids: Vec<String>,
    targets: Vec<LeaveTarget>,
    seen_targets: HashSet<String>,
    /// A link was marked for the confirm script.
    confirm_needed: bool,
    footer: footer::FooterState,
    hidden: hidden::HiddenState,
    text: text::TextState,
}

impl<'a> Auditor<'a> {
    pub fn new(config: &'a SiteConfig, leave: &'a LeaveSite<'a>) -> Auditor<'a> {
        let script_hosts = config.links.script_hosts.iter().filter_map(|host| crate::hosts::ascii_host(host)).collect();
        Auditor { config, leave, script_hosts }
    }

    /// The pass over one file: `file` names it in diagnostics (`public/news/a/index.html`),
    /// `site_path` is the URL path it is served at (`/news/a/`), so its links resolve as in the browser.
    pub fn process(
        &self,
        file: &str,
        site_path: &str,
        html: &str,
        kind: DocumentKind,
    ) -> Result<Processed, RewriteError> {
        let base = self.leave.document_url(site_path);
        let own_host = base.host_str().map(str::to_ascii_lowercase);
        let state = Rc::new(RefCell::new(State {
            kind,
            base,
            own_host,
            base_seen: false,
            diagnostics: Vec::new(),
            internal_links: Vec::new(),
            ids: Vec::new(),
            targets: Vec::new(),
            seen_targets: HashSet::new(),
            confirm_needed: false,
            footer: footer::FooterState::default(),
            hidden: hidden::HiddenState::default(),
            text: text::TextState::default(),
        }));
        // Readers first (they see hrefs as written), then the handlers that rewrite.
        let mut handlers: Vec<Handler<'_>> = Vec::new();
        if kind.needs_footer() {
            handlers.extend(footer::handlers(&state));
        }
        handlers.extend(hidden::handlers(&state));
        handlers.extend(resources::handlers(self, &state));
        handlers.extend(links::handlers(self, &state));
        if kind == DocumentKind::Static {
            handlers.extend(text::element_handlers(&state));
        }
        let mut settings = lol_html::RewriteStrSettings::new();
        for handler in handlers {
            settings = settings.append_element_content_handler(handler);
        }
        if kind == DocumentKind::Static {
            for handler in text::document_handlers(&state) {
                settings = settings.append_document_content_handler(handler);
            }
        }
        let rewritten = lol_html::rewrite_str(html, settings).map_err(|error| RewriteError::new(error.to_string()));
        let state = Rc::try_unwrap(state)
            .map(RefCell::into_inner)
            .map_err(|_| RewriteError::new("handlers outlived the pass".into()))?;
        let rewritten = rewritten?;
        Ok(self.finish(file, html, rewritten, state))
    }

    /// Turns what the handlers collected into positioned diagnostics (one forward sweep of the input).
    fn finish(&self, file: &str, html: &str, rewritten: String, state: State) -> Processed {
        let State { kind, mut diagnostics, internal_links, ids, targets, footer, text, .. } = state;
        if kind.needs_footer() {
            diagnostics.extend(footer.judge(self.config).into_iter().map(|diagnostic| (0, diagnostic)));
        }
        diagnostics.extend(text.judge());
        let offsets: Vec<usize> = diagnostics
            .iter()
            .map(|(offset, _)| *offset)
            .chain(internal_links.iter().map(|(offset, _)| *offset))
            .collect();
        let mut positions = positions::positions(html, &offsets).into_iter();
        let mut next = || positions.next().unwrap_or(Position::START);
        let diagnostics = diagnostics
            .into_iter()
            .map(|(_, diagnostic)| {
                let position = next();
                diagnostic.at(position, position).in_file(file)
            })
            .collect();
        let internal_links =
            internal_links.into_iter().map(|(_, href)| InternalLink { href, position: next() }).collect();
        Processed { html: rewritten, audit: DocumentAudit { diagnostics, internal_links, ids }, targets }
    }
}

impl State {
    /// Records a leave-page destination once.
    fn add_target(&mut self, target: LeaveTarget) {
        if self.seen_targets.insert(target.hash.clone()) {
            self.targets.push(target);
        }
    }
}

pub(crate) fn unrewritten(url: &str) -> Diagnostic {
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

pub(crate) fn insecure(url: &str) -> Diagnostic {
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
