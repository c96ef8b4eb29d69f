//! The report as one self-contained HTML file: inline CSS and SVG, no script, no external resource,
//! print CSS for A4 (the assessment is filed on paper or as PDF). Chinese by default.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

use super::svg::{self, escape, Series, PALETTE};
use super::{Assessment, LogStatus};
use crate::diagnostic::{article_zh, Lang};

/// The document title and what the platform is called (a platform report has a section per site).
pub struct ReportHead<'a> {
    /// The platform's name, `None` for one site.
    pub platform: Option<&'a str>,
    pub generated: DateTime<FixedOffset>,
    pub generator: &'a str,
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: #1b1f24; margin: 0 auto; max-width: 60rem; padding: 1.5rem; line-height: 1.6; font-size: 15px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; border-bottom: 3px solid #b71c1c; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #c9ced6; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f1f3f6; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
.missing { color: #b71c1c; font-weight: bold; }
.ok { color: #1e6b30; font-weight: bold; }
.note { color: #4a5159; font-size: .9rem; }
.chart { display: block; max-width: 100%; height: auto; margin: .5rem 0; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: .75rem; overflow-x: auto; font-size: .85rem; white-space: pre-wrap; }
header.report { border-bottom: 1px solid #c9ced6; margin-bottom: 1rem; }
nav ol { margin: .25rem 0; }
@page { size: A4; margin: 15mm 13mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  h2, h3 { break-after: avoid-page; }
  figure, .chart, tr, pre { break-inside: avoid; }
  section.site + section.site { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
figure { margin: 0; }
figcaption { font-size: .85rem; color: #4a5159; }
"#;

fn pick<'t>(lang: Lang, zh: &'t str, en: &'t str) -> &'t str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Hours as hours, or days past two days.
fn duration(lang: Lang, hours: f64) -> String {
    if hours >= 48.0 {
        format!("{:.1} {}", hours / 24.0, pick(lang, "天", "days"))
    } else {
        format!("{hours:.1} {}", pick(lang, "小时", "hours"))
    }
}

fn article(lang: Lang, number: u8) -> String {
    match lang {
        Lang::Zh => article_zh(number),
        Lang::En => format!("Art. {number}"),
    }
}

/// The whole report: one site, or a section per site of a platform.
pub fn render(sites: &[Assessment], head: &ReportHead<'_>, lang: Lang) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = match (head.platform, sites) {
        (Some(platform), _) => platform.to_string(),
        (None, [site]) => site.name.clone(),
        _ => String::new(),
    };
    let heading = pick(lang, "网站安全与合规年度报告", "Annual security and compliance report");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"{}\"><title>{} — {}</title><style>{STYLE}</style></head><body>",
        pick(lang, "zh-CN", "en"),
        escape(head.generator),
        escape(&title),
        heading
    );
    let _ = write!(
        out,
        "<header class=\"report\"><h1>{}</h1><p><strong>{}</strong></p><p class=\"note\">{} {} · {}</p></header>",
        heading,
        escape(&title),
        pick(lang, "生成时间", "Generated"),
        head.generated.format("%Y-%m-%d %H:%M %:z"),
        pick(
            lang,
            "依据《互联网政务应用安全管理规定》第十八条（年度安全评估）、第二十条（日志留存不少于1年）；数据来自站点内容、签名的审核记录档案与运行记录。",
            "For the annual security assessment (article 18) and log retention of at least a year (article 20) of the Regulations on the Security Management of Internet Government Applications; from the site's content, its signed review log and its run history."
        )
    );
    if sites.len() > 1 {
        let _ = write!(out, "<nav><h2>{}</h2><ol>", pick(lang, "平台站点", "Sites of the platform"));
        for (index, site) in sites.iter().enumerate() {
            let label = site.label.as_deref().map(|label| format!(" ({label})")).unwrap_or_default();
            let _ = write!(out, "<li><a href=\"#site-{index}\">{}{}</a></li>", escape(&site.name), escape(&label));
        }
        out.push_str("</ol></nav>");
    }
    for (index, site) in sites.iter().enumerate() {
        site_section(&mut out, index, site, lang, sites.len() > 1);
    }
    retention(&mut out, lang);
    out.push_str("</body></html>\n");
    out
}

fn site_section(out: &mut String, index: usize, site: &Assessment, lang: Lang, platform: bool) {
    let _ = write!(out, "<section class=\"site\" id=\"site-{index}\">");
    if platform {
        let label = site
            .label
            .as_deref()
            .map(|label| format!(" <span class=\"note\">{}</span>", escape(label)))
            .unwrap_or_default();
        let _ = write!(out, "<h2>{}{label}</h2>", escape(&site.name));
    }
    identity(out, site, lang);
    pages(out, site, lang);
    review(out, site, lang);
    findings(out, site, lang);
    links(out, site, lang);
    timeliness(out, site, lang);
    out.push_str("</section>");
}

fn identity(out: &mut String, site: &Assessment, lang: Lang) {
    let _ = write!(
        out,
        "<section class=\"identity\"><h3>{}</h3><table><tbody>",
        pick(lang, "一、网站标识（第八条、第九条）", "1. Site identity (articles 8 and 9)")
    );
    for row in &site.identity {
        let value = match &row.value {
            Some(value) => escape(value),
            None => format!("<span class=\"missing\">{}</span>", pick(lang, "未填写", "missing")),
        };
        let _ = write!(out, "<tr><th scope=\"row\">{}</th><td>{value}</td></tr>", escape(row.label.get(lang)));
    }
    out.push_str("</tbody></table></section>");
}

fn pages(out: &mut String, site: &Assessment, lang: Lang) {
    let _ = write!(
        out,
        "<section class=\"pages\"><h3>{}</h3><p>{} <strong>{}</strong></p>",
        pick(lang, "二、各栏目每月发布的页面", "2. Pages published per section and month"),
        pick(lang, "已发布页面（不含栏目首页）共", "Published pages (section index pages aside):"),
        site.published_pages
    );
    out.push_str(&svg::bar_chart(
        pick(lang, "近 12 个月每月发布的页面数", "Pages published per month, last 12 months"),
        pick(lang, "按页面 date 所在月份统计", "By the month of each page's date"),
        &site.months,
        &site.month_totals,
    ));
    let _ = write!(out, "<table><thead><tr><th>{}</th>", pick(lang, "栏目", "Section"));
    for month in &site.months {
        let _ = write!(out, "<th class=\"number\">{}</th>", escape(month.get(5..).unwrap_or(month)));
    }
    let _ = write!(out, "<th class=\"number\">{}</th></tr></thead><tbody>", pick(lang, "合计", "All"));
    for row in &site.sections {
        let key = if row.key.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"note\">{}/</span>", escape(&row.key))
        };
        let _ = write!(out, "<tr><td>{}{key}</td>", escape(&row.title));
        for value in &row.per_month {
            let _ = write!(out, "<td class=\"number\">{value}</td>");
        }
        let _ = write!(out, "<td class=\"number\">{}</td></tr>", row.total);
    }
    out.push_str("</tbody></table></section>");
}

fn review(out: &mut String, site: &Assessment, lang: Lang) {
    let _ = write!(
        out,
        "<section class=\"review\"><h3>{}</h3>",
        pick(lang, "三、三审周转时间（第十三条）", "3. Review turnaround per stage (article 13)")
    );
    match &site.log {
        LogStatus::Absent => {
            let _ = write!(
                out,
                "<p class=\"missing\">{}</p>",
                pick(lang, "站点没有审核记录档案或审核人员名册。", "The site has no review log or roster.")
            );
        }
        LogStatus::Broken(reason) => {
            let _ = write!(
                out,
                "<p class=\"missing\">{}{}</p>",
                pick(
                    lang,
                    "审核记录档案未通过校验，不据此统计：",
                    "The review log does not verify; no figures are drawn from it: "
                ),
                escape(reason.get(lang))
            );
        }
        LogStatus::Verified { records, head } => {
            let _ = write!(
                out,
                "<p><span class=\"ok\">{}</span> {records} {}；{} <code>{}</code>。{} {}，{} {}。</p>",
                pick(lang, "审核记录档案校验通过：", "The review log verifies:"),
                pick(lang, "条记录，链条与每个 SM2 签名均有效", "records, chain and every SM2 signature valid"),
                pick(lang, "档案头", "head"),
                escape(head.get(..16).unwrap_or(head)),
                pick(lang, "已终审的页面版本", "Page versions through the final stage:"),
                site.signed_off,
                pick(lang, "尚在审核中的页面版本", "still in review:"),
                site.in_review
            );
            let _ = write!(
                out,
                "<table><thead><tr><th>{}</th><th class=\"number\">{}</th><th class=\"number\">{}</th><th class=\"number\">{}</th><th class=\"number\">{}</th></tr></thead><tbody>",
                pick(lang, "环节", "Span"),
                pick(lang, "页面版本数", "Page versions"),
                pick(lang, "中位数", "Median"),
                pick(lang, "90% 分位", "90th percentile"),
                pick(lang, "最长", "Longest")
            );
            for span in &site.turnaround {
                let _ = write!(
                    out,
                    "<tr><td>{} → {}</td><td class=\"number\">{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td></tr>",
                    escape(span.from.get(lang)),
                    escape(&span.to),
                    span.count,
                    duration(lang, span.median_hours),
                    duration(lang, span.p90_hours),
                    duration(lang, span.max_hours)
                );
            }
            let _ = write!(
                out,
                "</tbody></table><p class=\"note\">{}</p>",
                pick(
                    lang,
                    "页面版本以路径与 SM3 摘要区分；“首条记录 → 终审”为该版本第一条审核记录到终审通过的时间，其余为相邻两个环节通过的间隔。签署时间来自签名记录，无法倒签。",
                    "A page version is a path with its SM3 digest; \"first record\" spans run from the version's first record to its final-stage approval, the others between consecutive approvals. Times are the signed records' own."
                )
            );
        }
    }
    out.push_str("</section>");
}

fn days_range(site: &Assessment) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let end = site.now.date_naive();
    let start = site
        .months
        .first()
        .and_then(|month| chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok());
    (start.unwrap_or(end), end)
}

fn findings(out: &mut String, site: &Assessment, lang: Lang) {
    let _ = write!(
        out,
        "<section class=\"findings\"><h3>{}</h3>",
        pick(lang, "四、问题数随时间的变化（按条款）", "4. Findings over time, per article")
    );
    if site.findings.is_empty() {
        let _ = write!(out, "<p class=\"missing\">{}</p>", no_history(lang));
        out.push_str("</section>");
        return;
    }
    let mut articles: Vec<u8> = site.findings.iter().flat_map(|day| day.articles.keys().copied()).collect();
    articles.sort_unstable();
    articles.dedup();
    let names: Vec<String> = articles.iter().map(|number| article(lang, *number)).collect();
    let mut series: Vec<Series<'_>> = articles
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(index, (number, name))| Series {
            name,
            color: PALETTE[index % PALETTE.len()],
            points: site.findings.iter().map(|day| (day.day, *day.articles.get(number).unwrap_or(&0) as f64)).collect(),
        })
        .collect();
    if series.is_empty() {
        series.push(Series {
            name: pick(lang, "问题", "findings"),
            color: PALETTE[2],
            points: site.findings.iter().map(|day| (day.day, 0.0)).collect(),
        });
    }
    let (start, end) = days_range(site);
    out.push_str(&svg::line_chart(
        pick(
            lang,
            "每日最后一次构建或检查的问题数（按条款）",
            "Findings of each day's last build or check, per article",
        ),
        pick(lang, "来自运行记录", "From the run history"),
        start,
        end,
        &series,
    ));
    let last = &site.findings[site.findings.len() - 1];
    let _ = write!(
        out,
        "<p>{} {}：{} {}，{} {}。</p>",
        pick(lang, "最近一次", "Latest,"),
        last.day,
        pick(lang, "错误", "errors"),
        last.errors,
        pick(lang, "警告", "warnings"),
        last.warnings
    );
    history_note(out, site, lang);
    out.push_str("</section>");
}

fn no_history(lang: Lang) -> &'static str {
    pick(
        lang,
        "近 12 个月没有运行记录：govpress build、govpress links（以及 CI 中的 govpress check --record）会写入运行记录（见 README“运行记录”）。",
        "No run history in the last 12 months: govpress build, govpress links (and govpress check --record in CI) write it (README: run history).",
    )
}

fn history_note(out: &mut String, site: &Assessment, lang: Lang) {
    let _ = write!(
        out,
        "<p class=\"note\">{} {}{}</p>",
        pick(lang, "运行记录共", "Run history entries:"),
        site.history_entries,
        if site.history_unreadable > 0 {
            format!("{} {}", pick(lang, "；无法读取的行：", "; unreadable lines:"), site.history_unreadable)
        } else {
            String::new()
        }
    );
}

fn links(out: &mut String, site: &Assessment, lang: Lang) {
    let _ = write!(
        out,
        "<section class=\"links\"><h3>{}</h3>",
        pick(lang, "五、链接状况随时间的变化（第十五条）", "5. Link health over time (article 15)")
    );
    if site.links.is_empty() {
        let _ = write!(
            out,
            "<p class=\"missing\">{}</p></section>",
            pick(
                lang,
                "近 12 个月没有 govpress links 的运行记录：请定期（如每周）在 CI 中运行。",
                "No govpress links run in the last 12 months: run it regularly (weekly) in CI."
            )
        );
        return;
    }
    let broken = pick(lang, "失效", "broken");
    let abnormal = pick(lang, "异常", "abnormal");
    let series = [
        Series {
            name: broken,
            color: PALETTE[1],
            points: site.links.iter().map(|day| (day.day, day.broken as f64)).collect(),
        },
        Series {
            name: abnormal,
            color: PALETTE[3],
            points: site.links.iter().map(|day| (day.day, day.warnings as f64)).collect(),
        },
    ];
    let (start, end) = days_range(site);
    out.push_str(&svg::line_chart(
        pick(lang, "每日最后一次链接检查的失效与异常链接数", "Broken and abnormal links of each day's last link check"),
        pick(lang, "来自运行记录", "From the run history"),
        start,
        end,
        &series,
    ));
    let last = &site.links[site.links.len() - 1];
    let _ = write!(
        out,
        "<p>{} {}：{} {}，{broken} {}，{abnormal} {}。</p></section>",
        pick(lang, "最近一次", "Latest,"),
        last.day,
        pick(lang, "检查链接", "links checked"),
        last.checked,
        last.broken,
        last.warnings
    );
}

fn timeliness(out: &mut String, site: &Assessment, lang: Lang) {
    let _ = write!(
        out,
        "<section class=\"timeliness\"><h3>{}</h3>",
        pick(lang, "六、空白栏目与更新不及时的栏目（第十三条）", "6. Blank and stale sections (article 13)")
    );
    if site.timeliness.is_empty() {
        let _ = write!(
            out,
            "<p class=\"ok\">{}</p></section>",
            pick(
                lang,
                "无空白栏目，各栏目均在更新周期内。",
                "No blank section; every section is within its freshness."
            )
        );
        return;
    }
    let _ = write!(
        out,
        "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>",
        pick(lang, "栏目文件", "Section file"),
        pick(lang, "情况", "Finding")
    );
    for finding in &site.timeliness {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            escape(&finding.file),
            escape(finding.message.get(lang))
        );
    }
    out.push_str("</tbody></table></section>");
}

/// 第二十条: logs kept at least a year. The settings for nginx and logrotate on a Debian-like host.
pub const LOGROTATE_SNIPPET: &str = "/var/log/nginx/*.log {\n    daily\n    rotate 400\n    dateext\n    compress\n    delaycompress\n    missingok\n    notifempty\n    create 0640 www-data adm\n    sharedscripts\n    postrotate\n        invoke-rc.d nginx rotate >/dev/null 2>&1 || true\n    endscript\n}\n";

pub const NGINX_SNIPPET: &str = "log_format govpress '$remote_addr - $remote_user [$time_iso8601] \"$request\" '\n                    '$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time';\naccess_log /var/log/nginx/portal.access.log govpress;\nerror_log  /var/log/nginx/portal.error.log warn;\n";

fn retention(out: &mut String, lang: Lang) {
    let _ = write!(
        out,
        "<section class=\"retention\"><h2>{}</h2><p>{}</p><h3>{}</h3><pre>{}</pre><h3>{}</h3><pre>{}</pre><p class=\"note\">{}</p></section>",
        pick(lang, "七、日志留存设置（第二十条）", "7. Log retention (article 20)"),
        pick(
            lang,
            "网络日志留存不少于1年。以下设置每天轮转一次、保留 400 份（约 13 个月，超出 1 年留有余量）并压缩；日志时间用 ISO 8601，便于与运行记录、审核记录对照。轮转后的日志应另行备份到日志服务器或归档存储，站点关停时随归档一并保存（docs/archive.md）。",
            "Network logs are kept at least one year. These settings rotate daily, keep 400 files (about 13 months, a margin over one year) and compress them; times are ISO 8601 so they line up with the run history and the review log. Copy rotated logs to a log server or archive storage, and keep them with the archive when the site closes (docs/archive.md)."
        ),
        pick(lang, "logrotate：/etc/logrotate.d/nginx", "logrotate: /etc/logrotate.d/nginx"),
        escape(LOGROTATE_SNIPPET),
        pick(lang, "nginx：http {} 或 server {} 中", "nginx: in http {} or server {}"),
        escape(NGINX_SNIPPET),
        pick(
            lang,
            "核对：logrotate -d /etc/logrotate.d/nginx（试运行）；ls /var/log/nginx/ 中最早的 .gz 应早于一年前（站点运行满一年后）。",
            "Check: logrotate -d /etc/logrotate.d/nginx (dry run); once the site is a year old, the oldest .gz in /var/log/nginx/ is over a year old."
        )
    );
}
