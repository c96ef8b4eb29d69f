//! 第九条 in built pages: the `<footer>` carries the 网上标识 (a link to the 网上标识 service with its
//! image), 网站标识码, the ICP number linking to beian.miit.gov.cn, the 公安备案 number, 主办单位,
//! 联系方式 and the 我为政府网站找错 link.

use std::cell::RefCell;
use std::rc::Rc;

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::leave_site::decode_entities;
use crate::rules::links::{parse_target, LinkTarget};
use crate::rules::RuleInfo;

use super::{Handler, State};

pub const FOOTER_MARK: RuleInfo = RuleInfo {
    id: "build.footer-mark",
    article: 9,
    severity: Severity::Error,
    summary_zh: "每个页面底部的 <footer> 必须加注网上标识（链接到 bszs.conac.cn 并带标识图片）",
    summary_en: "Every page's <footer> carries the 网上标识: a link to bszs.conac.cn with its image",
};

pub const FOOTER_IDENTITY: RuleInfo = RuleInfo {
    id: "build.footer-identity",
    article: 9,
    severity: Severity::Error,
    summary_zh: "页面底部须有网站标识码、ICP 备案号（链接工信部备案系统）、公安备案号、主办单位、联系方式和“我为政府网站找错”",
    summary_en: "The footer shows the site code, the ICP number (linked to beian.miit.gov.cn), the PSB number, sponsor, contact and 我为政府网站找错",
};

const ERROR_REPORT_TEXT: &str = "我为政府网站找错";

/// The 网上标识 link of a site: `https://bszs.conac.cn/sitename?method=show&id=<conac_id>`.
pub fn conac_url(conac_id: &str) -> String {
    let id: String = url::form_urlencoded::byte_serialize(conac_id.as_bytes()).collect();
    format!("https://bszs.conac.cn/sitename?method=show&id={id}")
}

/// The 我为政府网站找错 link of a site, carrying its 网站标识码.
pub fn error_report_url(site_code: &str) -> String {
    let code: String = url::form_urlencoded::byte_serialize(site_code.as_bytes()).collect();
    format!("https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?siteCode={code}")
}

#[derive(Debug, Default)]
pub(super) struct FooterState {
    footers: usize,
    text: String,
    links: Vec<FooterLink>,
    open_link: Option<usize>,
}

#[derive(Debug)]
struct FooterLink {
    href: String,
    images: usize,
    text: String,
}

pub(super) fn handlers<'h>(state: &Rc<RefCell<State>>) -> Vec<Handler<'h>> {
    let footers = {
        let state = Rc::clone(state);
        lol_html::element!("footer", move |_| {
            state.borrow_mut().footer.footers += 1;
            Ok(())
        })
    };
    let text = {
        let state = Rc::clone(state);
        lol_html::text!("footer", move |chunk| {
            let footer = &mut state.borrow_mut().footer;
            footer.text.push_str(chunk.as_str());
            if let Some(index) = footer.open_link {
                footer.links[index].text.push_str(chunk.as_str());
            }
            Ok(())
        })
    };
    let links = {
        let state = Rc::clone(state);
        lol_html::element!("footer a[href]", move |element| {
            let href = element.get_attribute("href").unwrap_or_default();
            {
                let footer = &mut state.borrow_mut().footer;
                footer.open_link = Some(footer.links.len());
                footer.links.push(FooterLink { href, images: 0, text: String::new() });
            }
            let state = Rc::clone(&state);
            if let Some(handlers) = element.end_tag_handlers() {
                let handler: lol_html::EndTagHandler<'static> =
                    Box::new(move |_: &mut lol_html::html_content::EndTag<'_>| {
                        state.borrow_mut().footer.open_link = None;
                        Ok(())
                    });
                handlers.push(handler);
            }
            Ok(())
        })
    };
    let images = {
        let state = Rc::clone(state);
        lol_html::element!("footer a[href] img[src]", move |_| {
            let footer = &mut state.borrow_mut().footer;
            if let Some(index) = footer.open_link {
                footer.links[index].images += 1;
            }
            Ok(())
        })
    };
    vec![footers, text, links, images]
}

impl FooterState {
    /// What the footer lacks, per the site's identity settings (unset values are the config's error).
    pub(super) fn judge(&self, config: &SiteConfig) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.footers == 0 {
            out.push(FOOTER_MARK.diagnostic(
                Text::new(
                    "页面没有 <footer> 页脚，无法加注网上标识（第九条）",
                    "The page has no <footer> to carry the 网上标识 (article 9)",
                ),
                Text::new(
                    "使用默认主题的 base.html，或在自定义模板中保留页脚",
                    "Use the default theme's base.html, or keep the footer in custom templates",
                ),
            ));
            return out;
        }
        let identity = &config.identity;
        let text = decode_entities(&self.text);
        if let Some(conac_id) = present(&identity.conac_id) {
            match self.links.iter().find(|link| is_conac_link(&link.href, conac_id)) {
                None => out.push(FOOTER_MARK.diagnostic(
                    Text::new(
                        format!("页脚缺少网上标识链接 {}（第九条）", conac_url(conac_id)),
                        format!("The footer lacks the 网上标识 link {} (article 9)", conac_url(conac_id)),
                    ),
                    Text::new(
                        "在页脚加入链接到网上标识服务的标识图片",
                        "Add the 网上标识 image linking to the 网上标识 service in the footer",
                    ),
                )),
                Some(link) if link.images == 0 => out.push(FOOTER_MARK.diagnostic(
                    Text::new(
                        "页脚的网上标识链接没有标识图片（第九条）",
                        "The footer's 网上标识 link has no image (article 9)",
                    ),
                    Text::new(
                        "在该链接内放入党政机关（红色）或事业单位（蓝色）标识图片",
                        "Put the red 党政机关 or blue 事业单位 image inside that link",
                    ),
                )),
                Some(_) => {}
            }
        }
        let mut missing: Vec<(&str, &str)> = Vec::new();
        let fields = [
            (&identity.site_code, "网站标识码", "the site code"),
            (&identity.icp, "ICP 备案号", "the ICP number"),
            (&identity.psb, "公安备案号", "the PSB number"),
            (&identity.sponsor, "主办单位", "the sponsor"),
            (&identity.contact, "联系方式", "the contact"),
        ];
        for (value, name_zh, name_en) in fields {
            if present(value).is_some_and(|value| !text.contains(value)) {
                missing.push((name_zh, name_en));
            }
        }
        if present(&identity.icp).is_some()
            && !self.links.iter().any(|link| link_host(&link.href).as_deref() == Some("beian.miit.gov.cn"))
        {
            missing.push(("指向 beian.miit.gov.cn 的 ICP 备案链接", "the ICP link to beian.miit.gov.cn"));
        }
        if let Some(site_code) = present(&identity.site_code) {
            let reported = self.links.iter().any(|link| {
                decode_entities(&link.text).contains(ERROR_REPORT_TEXT) && carries_site_code(&link.href, site_code)
            });
            if !reported {
                missing.push(("带网站标识码的“我为政府网站找错”链接", "the 我为政府网站找错 link with the site code"));
            }
        }
        if !missing.is_empty() {
            let zh: Vec<_> = missing.iter().map(|(zh, _)| *zh).collect();
            let en: Vec<_> = missing.iter().map(|(_, en)| *en).collect();
            out.push(FOOTER_IDENTITY.diagnostic(
                Text::new(
                    format!("页脚缺少：{}（第九条）", zh.join("、")),
                    format!("The footer lacks: {} (article 9)", en.join(", ")),
                ),
                Text::new(
                    "使用默认主题的页脚，或在自定义模板中补齐这些内容",
                    "Use the default theme's footer, or add these to custom templates",
                ),
            ));
        }
        out
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty())
}

fn link_host(href: &str) -> Option<String> {
    match parse_target(&decode_entities(href)) {
        LinkTarget::Web(url) => url.host_str().map(str::to_ascii_lowercase),
        _ => None,
    }
}

fn query_value(href: &str, key: &str) -> Option<String> {
    let LinkTarget::Web(url) = parse_target(&decode_entities(href)) else { return None };
    url.query_pairs().find(|(name, _)| name == key).map(|(_, value)| value.into_owned())
}

fn is_conac_link(href: &str, conac_id: &str) -> bool {
    link_host(href).as_deref() == Some("bszs.conac.cn")
        && query_value(href, "method").as_deref() == Some("show")
        && query_value(href, "id").as_deref() == Some(conac_id)
}

fn carries_site_code(href: &str, site_code: &str) -> bool {
    ["siteCode", "sitecode", "site_code"].iter().any(|key| query_value(href, key).as_deref() == Some(site_code))
}
