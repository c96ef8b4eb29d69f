use super::*;
use crate::audit::tests::{CONFIG, FOOTER};
use crate::config::SiteConfig;
use crate::hosts::HostClassifier;
use crate::leave_site::LeaveSite;

const FILE: &str = "public/leave/placeholder.html";
const PATH: &str = "/leave/0123456789abcdef.html";

/// Tera's escaping (what the build's templates apply to `{{ leave.url }}`).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The default theme's leave page, shortened: the destination as text and in the 继续访问 link, a
/// broken-looking internal link and an http image after it on the same line (so findings move).
fn theme(destination: &str) -> String {
    let escaped = escape(destination);
    format!(
        "<!doctype html><html><head><title>即将离开本站</title></head><body><nav><a href=\"/news/\">新闻</a></nav>\n\
         <p class=\"leave-destination\">目标地址：<span>{escaped}</span> <a href=\"/gone/\">返回</a><img src=\"http://img.example.gov.cn/a.png\"></p>\n\
         <p><a class=\"button\" data-govpress-continue href=\"{escaped}\" rel=\"noopener\">继续访问</a> <!-- {escaped} --> <a href=\"https://www.baidu.com/\">百度</a></p>\n\
         {FOOTER}</body></html>"
    )
}

fn with_auditor<T>(run: impl FnOnce(&Auditor<'_>) -> T) -> T {
    let config = SiteConfig::parse(CONFIG).unwrap();
    let hosts = HostClassifier::new(&config);
    let leave = LeaveSite::new(&config, &hosts);
    run(&Auditor::new(&config, &leave))
}

/// A theme's leave page for a destination.
type Theme = dyn Fn(&str) -> String;

fn template(auditor: &Auditor<'_>, theme: &Theme) -> Option<LeaveTemplate> {
    auditor.leave_template(FILE, PATH, &theme(LEAVE_PLACEHOLDER), &escape(LEAVE_PLACEHOLDER)).unwrap()
}

const DESTINATIONS: &[&str] = &[
    "https://www.baidu.com/",
    "http://www.example.com/a?b=1&c=2",
    "https://x.example/",
    "https://www.weather.com.cn/9277.shtml#%E5%A4%A9",
    "http://very-long-host-name.example.org/path/with/many/segments/and?query=value&other='x'",
];

#[test]
fn a_shared_pass_gives_what_each_page_s_own_pass_gives() {
    with_auditor(|auditor| {
        let shared = template(auditor, &theme).expect("the theme's leave page takes the shared pass");
        for destination in DESTINATIONS {
            let file = format!("public/leave/{}.html", destination.len());
            let rendered = theme(destination);
            let own = auditor.process(&file, PATH, &rendered, DocumentKind::LeavePage).unwrap();
            let from_shared = shared.page(&file, &rendered, &escape(destination)).expect("same rendering");
            assert_eq!(from_shared, own, "{destination}");
            // What the findings are: the http image, at its own column after the destination.
            assert_eq!(own.audit.diagnostics.len(), 1);
            assert_eq!(own.audit.diagnostics[0].file, file);
        }
    });
}

#[test]
fn a_theme_that_treats_destinations_differently_gets_a_pass_per_page() {
    with_auditor(|auditor| {
        // A condition on the scheme: the placeholder (https) renders without the image.
        let scheme_dependent = |destination: &str| {
            let image = if destination.starts_with("http:") {
                format!("<img src=\"{}\">", escape(destination))
            } else {
                String::new()
            };
            format!("{}{image}", theme(destination))
        };
        let shared = template(auditor, &scheme_dependent).expect("the placeholder page itself is fine");
        let destination = "http://www.example.com/";
        let rendered = scheme_dependent(destination);
        assert_eq!(shared.page("f", &rendered, &escape(destination)), None);
        let own = auditor.process("f", PATH, &rendered, DocumentKind::LeavePage).unwrap();
        assert!(own.audit.diagnostics.iter().any(|diagnostic| diagnostic.extra.url.as_deref() == Some(destination)));
        // https destinations still match the placeholder's rendering.
        let https = "https://www.example.com/";
        assert!(shared.page("f", &scheme_dependent(https), &escape(https)).is_some());
    });
}

#[test]
fn a_destination_where_the_pass_reads_refuses_the_shared_pass() {
    let places: &[(&str, &Theme)] = &[
        ("footer text", &|d| theme(d).replace("主办单位", &format!("{} 主办单位", escape(d)))),
        ("image", &|d| format!("{}<img src=\"{}\">", theme(d), escape(d))),
        ("refresh", &|d| format!("<meta http-equiv=\"refresh\" content=\"0; url={}\">{}", escape(d), theme(d))),
        ("style", &|d| format!("<p style=\"background:url({})\"></p>{}", escape(d), theme(d))),
        ("plain link", &|d| format!("<a href=\"{}\">x</a>{}", escape(d), theme(d))),
        ("continue mark on a stylesheet", &|d| {
            format!("<link data-govpress-continue href=\"{}\">{}", escape(d), theme(d))
        }),
        ("unescaped", &|d| format!("<span>{d}</span>{}", theme(d))),
        ("hidden 继续访问", &|d| {
            theme(d).replace("<p><a class=\"button\"", "<p style=\"display:none\"><a class=\"button\"")
        }),
        ("upper-cased", &|d| format!("<span>{}</span>{}", d.to_uppercase(), theme(d))),
    ];
    with_auditor(|auditor| {
        for (place, theme) in places {
            assert!(template(auditor, theme).is_none(), "{place}");
        }
        // Script text and comments are not read by the pass: the shared pass stays.
        let script = |d: &str| format!("<script>var d = \"{}\";</script>{}", escape(d), theme(d));
        assert!(template(auditor, &script).is_some());
    });
}
