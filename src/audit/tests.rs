use super::*;
use crate::hosts::HostClassifier;

pub(super) const CONFIG: &str = "[site]\nname = \"示例市人民政府\"\nbase_url = \"https://www.example.gov.cn\"\n[identity]\nconac_id = \"ABC123\"\nsite_code = \"1100000001\"\nicp = \"京ICP备00000000号\"\npsb = \"京公网安备11000000000000号\"\nsponsor = \"示例市人民政府办公室\"\ncontact = \"010-00000000\"\n";

pub(super) const FOOTER: &str = r#"<footer><a href="https://bszs.conac.cn/sitename?method=show&amp;id=ABC123"><img src="/static/mark.svg" alt="党政机关"></a>
<p>主办单位：示例市人民政府办公室 联系方式：010-00000000 网站标识码：1100000001</p>
<p><a href="https://beian.miit.gov.cn/">京ICP备00000000号</a> 京公网安备11000000000000号
<a href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?siteCode=1100000001">我为政府网站找错</a></p></footer>"#;

fn process(html: &str, kind: DocumentKind) -> Processed {
    let config = SiteConfig::parse(CONFIG).unwrap();
    let hosts = HostClassifier::new(&config);
    let leave = LeaveSite::new(&config, &hosts);
    Auditor::new(&config, &leave).process("public/a.html", "/a.html", html, kind).unwrap()
}

fn audit(html: &str, kind: DocumentKind) -> DocumentAudit {
    process(html, kind).audit
}

fn rules(audit: &DocumentAudit) -> Vec<&str> {
    audit.diagnostics.iter().map(|diagnostic| diagnostic.rule).collect()
}

#[test]
fn a_complete_footer_passes() {
    let found =
        audit(&format!("<html><body><main><h1 id=\"t\">标题</h1></main>{FOOTER}</body></html>"), DocumentKind::Page);
    assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
    assert_eq!(found.ids, ["t"]);
}

#[test]
fn a_missing_or_incomplete_footer_is_an_error() {
    assert_eq!(rules(&audit("<html><body><p>x</p></body></html>", DocumentKind::Page)), ["build.footer-mark"]);
    let no_image = FOOTER.replace("<img src=\"/static/mark.svg\" alt=\"党政机关\">", "网上标识");
    assert_eq!(rules(&audit(&no_image, DocumentKind::Page)), ["build.footer-mark"]);
    let wrong_id = FOOTER.replace("id=ABC123", "id=OTHER");
    assert_eq!(rules(&audit(&wrong_id, DocumentKind::Page)), ["build.footer-mark"]);
    let no_icp_link = FOOTER.replace("https://beian.miit.gov.cn/", "/icp");
    let found = audit(&no_icp_link, DocumentKind::Page);
    assert_eq!(rules(&found), ["build.footer-identity"]);
    assert!(found.diagnostics[0].message.zh.contains("beian.miit.gov.cn"));
    let no_code = FOOTER.replace("网站标识码：1100000001", "");
    assert_eq!(rules(&audit(&no_code, DocumentKind::Page)), ["build.footer-identity"]);
    assert!(audit("<p>片段</p>", DocumentKind::Fragment).diagnostics.is_empty());
}

#[test]
fn external_links_are_rewritten_in_the_same_pass() {
    let html = format!("<a href=\"https://www.baidu.com/\">百度</a>\n<a href=\"https://www.gov.cn.evil.com/\">假</a>\n<a href=\"https://www.gov.cn/\">国务院</a>\n<a href=\"/leave/0123456789abcdef.html\">已改写</a>{FOOTER}");
    let found = process(&html, DocumentKind::Page);
    assert!(found.audit.diagnostics.is_empty(), "{:?}", found.audit.diagnostics);
    let urls: Vec<_> = found.targets.iter().map(|target| target.url.as_str()).collect();
    assert_eq!(urls, ["https://www.baidu.com/", "https://www.gov.cn.evil.com/"]);
    assert!(!found.html.contains("href=\"https://www.baidu.com/\""), "{}", found.html);
    assert!(found.html.contains("href=\"https://www.gov.cn/\""));
    // The 继续访问 mark lets a link out only on a leave page.
    let cont = "<a data-govpress-continue href=\"https://www.baidu.com/\">继续访问</a>";
    assert_eq!(process(cont, DocumentKind::Fragment).targets.len(), 1);
    let leave_page = process(&format!("{cont}{FOOTER}"), DocumentKind::LeavePage);
    assert!(leave_page.targets.is_empty() && leave_page.audit.diagnostics.is_empty());
    assert!(leave_page.html.contains(cont));
}

#[test]
fn forms_and_refreshes_that_leave_are_reported() {
    let html = "<form action=\"https://collect.example.com/\"></form><meta http-equiv=\"Refresh\" content=\"0; url=https://evil.example/\"><form action=\"/search\"></form>";
    assert_eq!(rules(&audit(html, DocumentKind::Fragment)), ["build.unrewritten-link", "build.unrewritten-link"]);
}

#[test]
fn insecure_resources_are_errors_but_links_are_not() {
    let html = "<img src=\"http://img.example.gov.cn/a.png\"><link rel=\"stylesheet\" href=\"http://www.example.gov.cn/a.css\"><link rel=\"canonical\" href=\"http://www.example.gov.cn/\"><img srcset=\"https://a.gov.cn/1.png 1x, http://a.gov.cn/2.png 2x\"><a href=\"http://www.gov.cn/\">链接</a>";
    let found = audit(html, DocumentKind::Fragment);
    assert_eq!(rules(&found), ["build.insecure-resource", "build.insecure-resource", "build.insecure-resource"]);
    assert_eq!(found.diagnostics[2].extra.url.as_deref(), Some("http://a.gov.cn/2.png"));
}

#[test]
fn hidden_links_are_warnings() {
    let html = "<div style=\"display:none\"><p><a href=\"/x\">暗链</a></p></div><a href=\"/y\">可见</a><span style=\"position:absolute;left:-9999px\"><a href=\"/z\">暗链</a></span><a href=\"/w\" style=\"text-indent:-9999px\">自身隐藏</a>";
    let found = audit(html, DocumentKind::Fragment);
    assert_eq!(rules(&found), ["hidden-links.hidden", "hidden-links.hidden", "hidden-links.hidden"]);
    let urls: Vec<_> = found.diagnostics.iter().filter_map(|diagnostic| diagnostic.extra.url.as_deref()).collect();
    assert_eq!(urls, ["/x", "/z", "/w"]);
    assert_eq!(found.diagnostics[0].severity, Severity::Warning);
    assert_eq!(found.diagnostics[0].article, 3);
}

#[test]
fn internal_links_are_collected_with_positions() {
    let found = audit("<p>\n<a href=\"/news/\">新闻</a> <a href=\"https://www.example.gov.cn/a/#b\">本站</a> <a href=\"mailto:x@y.cn\">信</a></p>", DocumentKind::Fragment);
    let hrefs: Vec<_> = found.internal_links.iter().map(|link| link.href.as_str()).collect();
    assert_eq!(hrefs, ["/news/", "https://www.example.gov.cn/a/#b"]);
    assert_eq!(found.internal_links[0].position.line, 2);
}

#[test]
fn svg_links_inside_html_are_judged_like_html_links() {
    let html = format!(
        "<svg><a xlink:href=\"java&#x09;script:alert(1)\"><text>x</text></a></svg>\n\
         <svg><a xlink:href=\"https://evil.example.com/\"><text>y</text></a></svg>\n\
         <svg><a href=\"/news/\" xlink:href=\"https://evil2.example.com/\"><text>z</text></a></svg>{FOOTER}"
    );
    let found = process(&html, DocumentKind::Static);
    assert_eq!(rules(&found.audit), ["links.javascript"]);
    let urls: Vec<_> = found.targets.iter().map(|target| target.url.as_str()).collect();
    assert_eq!(urls, ["https://evil.example.com/"]);
    assert!(!found.html.contains("href=\"https://evil.example.com/\""), "{}", found.html);
    assert!(!found.html.contains("evil2.example.com"), "the outside address does not stay behind: {}", found.html);
    assert!(found.html.contains("<a href=\"/news/\">"), "{}", found.html);
}

#[test]
fn links_with_schemes_a_portal_has_no_use_for_are_refused() {
    for href in [
        "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
        "DaTa:text/html;base64,PHNjcmlwdD4=",
        "blob:https://x/1",
        "file:///etc/passwd",
    ] {
        let found = audit(&format!("<a href=\"{href}\">x</a>{FOOTER}"), DocumentKind::Static);
        assert_eq!(rules(&found), ["links.malformed"], "{href}");
    }
    let quiet = audit(
        &format!("<a href=\"mailto:a@example.gov.cn\">m</a><a href=\"tel:12345\">t</a>{FOOTER}"),
        DocumentKind::Static,
    );
    assert!(quiet.diagnostics.is_empty(), "{:?}", quiet.diagnostics);
}
