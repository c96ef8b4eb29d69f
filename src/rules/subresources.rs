//! 第二十七条: external code (scripts, styles) is checked: Subresource Integrity and an allow list of hosts.

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::hosts::ascii_host;
use crate::page::LinkKind;
use crate::rules::links::{parse_target, LinkTarget};
use crate::rules::{PageContext, RuleInfo};

pub const INTEGRITY: RuleInfo = RuleInfo {
    id: "subresources.integrity",
    article: 27,
    severity: Severity::Warning,
    summary_zh: "第三方脚本和样式须带 integrity（子资源完整性）",
    summary_en: "Third-party scripts and styles carry Subresource Integrity",
};

pub const HOST: RuleInfo = RuleInfo {
    id: "subresources.host",
    article: 27,
    severity: Severity::Warning,
    summary_zh: "脚本、样式、框架只从允许的主机加载（links.script_hosts）",
    summary_en: "Scripts, styles and frames load only from allowed hosts (links.script_hosts)",
};

pub const RULES: &[RuleInfo] = &[INTEGRITY, HOST];

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let allowed: Vec<String> = context.config.links.script_hosts.iter().filter_map(|host| ascii_host(host)).collect();
    for link in &context.page.links {
        if !matches!(link.kind, LinkKind::Script | LinkKind::Style | LinkKind::Frame) {
            continue;
        }
        let LinkTarget::Web(url) = parse_target(link.target()) else { continue };
        let host = url.host_str().unwrap_or_default();
        if context.hosts.is_site_host(host) {
            continue;
        }
        let address = link.url.as_str();
        let code = link.kind != LinkKind::Frame;
        if code && link.integrity.as_deref().is_none_or(|integrity| integrity.trim().is_empty()) {
            out.push(context.page.diagnostic_at(link.range.clone(), integrity_missing(address)));
        }
        let host_allowed = ascii_host(host).is_some_and(|host| allowed.contains(&host));
        if !host_allowed {
            out.push(context.page.diagnostic_at(link.range.clone(), host_not_allowed(host, address)));
        }
    }
}

/// Third-party code loaded without an integrity hash.
pub fn integrity_missing(address: &str) -> Diagnostic {
    INTEGRITY
        .diagnostic(
            Text::new(format!("第三方资源“{address}”没有 integrity 校验值（第二十七条：外部代码应经过安全检测）"), format!("Third-party resource \"{address}\" has no integrity hash (article 27: external code must be vetted)")),
            Text::new("加上 integrity=\"sha384-…\" 与 crossorigin=\"anonymous\"，或把文件放到本站", "Add integrity=\"sha384-…\" and crossorigin=\"anonymous\", or host the file on the site"),
        )
        .with_url(address)
}

/// Code or a frame loaded from a host not in `links.script_hosts`.
pub fn host_not_allowed(host: &str, address: &str) -> Diagnostic {
    HOST.diagnostic(
        Text::new(
            format!("从未列入允许名单的主机 {host} 加载资源（第二十七条）"),
            format!("Loads a resource from {host}, which is not on the allow list (article 27)"),
        ),
        Text::new(
            "经安全检测后把主机加入 [links] script_hosts，或改用本站文件",
            "After vetting, add the host to [links] script_hosts, or host the file on the site",
        ),
    )
    .with_url(address)
}
