//! 第二十九条: pages load nothing over plain `http://`.

use url::Url;

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::{PageContext, RuleInfo};
use crate::url_judge::{is_insecure, judge_decoded, Resolved};

/// Pages are judged as served over https (a site served over http fails 第二十九条 as a whole).
const PAGE: &str = "https://site.invalid/page/";

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
        // As the browser fetches it from an https page: `http:host/a.png`, `http:\\host`, `http&colon;//`.
        let page = Url::parse(PAGE).expect("static page URL parses");
        let verdict = judge_decoded(link.target(), &page);
        if matches!(verdict, Resolved::Web(url) if is_insecure(&url)) {
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
