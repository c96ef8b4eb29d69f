//! 第二十九条: pages load nothing over plain `http://`.

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::{PageContext, RuleInfo};

pub const HTTP_RESOURCE: RuleInfo = RuleInfo {
    id: "insecure.http-resource",
    article: 29,
    severity: Severity::Error,
    summary_zh: "图片、脚本、框架、样式等资源必须通过 https 加载",
    summary_en: "Images, scripts, frames and styles load over https",
};

pub const RULES: &[RuleInfo] = &[HTTP_RESOURCE];

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    for link in context.page.links.iter().filter(|link| link.kind.is_resource()) {
        if link.url.trim_start().get(..7).is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://")) {
            let url = &link.url;
            out.push(context.page.diagnostic_at(
                link.range.clone(),
                HTTP_RESOURCE
                    .diagnostic(
                        Text::new(format!("资源“{url}”通过不安全的 http:// 加载（第二十九条：应使用安全连接）"), format!("The resource \"{url}\" loads over insecure http:// (article 29: use secure connections)")),
                        Text::new("改用 https:// 地址，或把文件放到本站 static/ 目录", "Use an https:// address, or put the file in the site's static/ folder"),
                    )
                    .with_url(url),
            ));
        }
    }
}
