//! 第十四条: reprints name their source site, link and time.

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::{PageContext, RuleInfo};
use crate::time::Timestamp;

const fn rule(id: &'static str, summary_zh: &'static str, summary_en: &'static str) -> RuleInfo {
    RuleInfo { id, article: 14, severity: Severity::Error, summary_zh, summary_en }
}

pub const KIND: RuleInfo = rule(
    "reprint.kind",
    "kind 只能是 original 或 reprint，带转载信息的页面必须标为 reprint",
    "kind is original or reprint; a page with reprint data must say reprint",
);
pub const SOURCE_NAME: RuleInfo =
    rule("reprint.source-name", "转载页面标注转载来源网站", "A reprint names its source site");
pub const SOURCE_URL: RuleInfo = rule(
    "reprint.source-url",
    "转载页面标注转载链接（http/https 绝对地址）",
    "A reprint links its source with an absolute http(s) URL",
);
pub const REPRINTED_AT: RuleInfo = rule(
    "reprint.reprinted-at",
    "转载页面标注转载时间，不晚于现在、不早于发布日期",
    "A reprint states when it was reprinted: not in the future, not before its date",
);

pub const RULES: &[RuleInfo] = &[KIND, SOURCE_NAME, SOURCE_URL, REPRINTED_AT];

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    let front_matter = &page.front_matter;
    match front_matter.kind.as_deref() {
        None | Some("original") => {
            if front_matter.reprint.is_some() {
                out.push(page.diagnostic_at_key(
                    "reprint",
                    KIND.diagnostic(
                        Text::new("页面含 [reprint] 转载信息，但 kind 不是 \"reprint\"，转载来源不会显示（第十四条）", "The page has [reprint] data but kind is not \"reprint\", so the source would not be shown (article 14)"),
                        Text::new("把 kind 改为 \"reprint\"，或删除 [reprint]", "Set kind = \"reprint\", or remove [reprint]"),
                    ),
                ));
            }
            return;
        }
        Some("reprint") => {}
        Some(other) => {
            out.push(page.diagnostic_at_key(
                "kind",
                KIND.diagnostic(
                    Text::new(
                        format!(
                            "kind = \"{other}\" 无效，只能是 \"original\"（原创）或 \"reprint\"（转载）（第十四条）"
                        ),
                        format!("kind = \"{other}\" is not valid: use \"original\" or \"reprint\" (article 14)"),
                    ),
                    Text::new(
                        "原创写 \"original\"，转载写 \"reprint\" 并填写 [reprint]",
                        "Write \"original\", or \"reprint\" with a [reprint] table",
                    ),
                ),
            ));
            return;
        }
    }
    let source = front_matter.reprint.clone().unwrap_or_default();
    if source.source_name.as_deref().is_none_or(|name| name.trim().is_empty()) {
        out.push(page.diagnostic_at_key(
            "reprint.source_name",
            SOURCE_NAME.diagnostic(
                Text::new(
                    "转载页面缺少转载来源网站（第十四条）",
                    "The reprint does not name its source site (article 14)",
                ),
                Text::new(
                    "在 [reprint] 中填写 source_name，例如 \"中国网信网\"",
                    "Set source_name in [reprint], e.g. \"中国网信网\"",
                ),
            ),
        ));
    }
    check_source_url(context, source.source_url.as_deref(), out);
    check_reprinted_at(context, source.reprinted_at.as_deref(), out);
}

fn check_source_url(context: &PageContext<'_, '_>, source_url: Option<&str>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    let Some(source_url) = source_url.map(str::trim).filter(|url| !url.is_empty()) else {
        out.push(page.diagnostic_at_key(
            "reprint.source_url",
            SOURCE_URL.diagnostic(
                Text::new("转载页面缺少转载链接（第十四条）", "The reprint has no source link (article 14)"),
                Text::new("在 [reprint] 中填写 source_url", "Set source_url in [reprint]"),
            ),
        ));
        return;
    };
    let valid = url::Url::parse(source_url).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|host| !host.is_empty())
    });
    if !valid {
        out.push(page.diagnostic_at_key(
            "reprint.source_url",
            SOURCE_URL.diagnostic(
                Text::new(
                    format!("转载链接“{source_url}”不是 http(s) 绝对地址（第十四条）"),
                    format!("The source link \"{source_url}\" is not an absolute http(s) URL (article 14)"),
                ),
                Text::new(
                    "填写原文的完整网址，以 https:// 开头",
                    "Give the original's full address, starting with https://",
                ),
            ),
        ));
    }
}

fn check_reprinted_at(context: &PageContext<'_, '_>, reprinted_at: Option<&str>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    let Some(text) = reprinted_at.map(str::trim).filter(|text| !text.is_empty()) else {
        out.push(page.diagnostic_at_key(
            "reprint.reprinted_at",
            REPRINTED_AT.diagnostic(
                Text::new(
                    "转载页面缺少转载时间（第十四条）",
                    "The reprint does not state when it was reprinted (article 14)",
                ),
                Text::new(
                    "在 [reprint] 中填写 reprinted_at，例如 2024-05-16T09:00:00+08:00",
                    "Set reprinted_at in [reprint], e.g. 2024-05-16T09:00:00+08:00",
                ),
            ),
        ));
        return;
    };
    let Some(reprinted) = Timestamp::parse(text) else {
        out.push(page.diagnostic_at_key(
            "reprint.reprinted_at",
            REPRINTED_AT.diagnostic(
                Text::new(
                    format!("转载时间“{text}”无法识别（第十四条）"),
                    format!("The reprint time \"{text}\" is not a date (article 14)"),
                ),
                Text::new(
                    "写成 2024-05-16T09:00:00+08:00 或 2024-05-16",
                    "Write 2024-05-16T09:00:00+08:00 or 2024-05-16",
                ),
            ),
        ));
        return;
    };
    if reprinted.instant() > context.now {
        out.push(page.diagnostic_at_key(
            "reprint.reprinted_at",
            REPRINTED_AT.diagnostic(
                Text::new(
                    format!("转载时间 {} 晚于当前时间（第十四条：须准确标注转载时间）", reprinted.display()),
                    format!(
                        "The reprint time {} is in the future (article 14: state it accurately)",
                        reprinted.display()
                    ),
                ),
                Text::new("填写实际转载的时间", "Give the time the page was actually reprinted"),
            ),
        ));
    }
    if let Some(date) = page.front_matter.date() {
        if reprinted.china_date() < date.china_date() {
            out.push(page.diagnostic_at_key(
                "reprint.reprinted_at",
                REPRINTED_AT.diagnostic(
                    Text::new(
                        format!("转载时间 {} 早于页面日期 {}（第十四条）", reprinted.display(), date.display()),
                        format!(
                            "The reprint time {} is before the page's date {} (article 14)",
                            reprinted.display(),
                            date.display()
                        ),
                    ),
                    Text::new(
                        "核对 date 与 reprinted_at：转载不能早于发布",
                        "Check date and reprinted_at: a reprint cannot precede its date",
                    ),
                ),
            ));
        }
    }
}
