//! 第十三条 及时性, as the 政府网站 inspection indicators read it: every page is dated, no section
//! (栏目) is blank, and no section goes longer without a new page than its freshness allows.
//!
//! Freshness of a section, first found wins: `freshness_days` in its `_index.md`; `[checks.freshness]`
//! in the config keyed by the section's path (`"content/news"` or `"news"`); 14 days for news-like
//! sections (`section_kind = "news"`, or a title with 要闻/动态/新闻); 180 days for notices and
//! policies (`section_kind = "notice"`/`"policy"`, or a title with 通知/公告/政策/文件); otherwise
//! none. A freshness of 0 turns the check off for that section.

use chrono::{DateTime, FixedOffset};

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Position, Severity, Text};
use crate::front_matter::FrontMatter;
use crate::rules::{PageContext, RuleInfo};
use crate::site::{Section, SiteModel};
use crate::time::{china_offset, Timestamp};

const fn rule(id: &'static str, summary_zh: &'static str, summary_en: &'static str) -> RuleInfo {
    RuleInfo { id, article: 13, severity: Severity::Warning, summary_zh, summary_en }
}

pub const MISSING_DATE: RuleInfo =
    rule("timeliness.missing-date", "页面须标注发布日期 date", "Every page states its publication date");
pub const INVALID_DATE: RuleInfo =
    rule("timeliness.invalid-date", "发布日期 date 须是有效日期", "The publication date must be a valid date");
pub const BLANK_SECTION: RuleInfo =
    rule("timeliness.blank-section", "栏目不得为空（空白栏目）", "A section (栏目) is not blank");
pub const STALE_SECTION: RuleInfo = rule(
    "timeliness.stale-section",
    "栏目须按更新周期发布新内容（动态类 14 天，通知公告、政策文件类 180 天）",
    "A section gets new pages within its freshness (news 14 days, notices and policies 180)",
);

pub const FUTURE_DATE: RuleInfo = RuleInfo {
    id: "timeliness.future-date",
    article: 13,
    severity: Severity::Error,
    summary_zh: "页面日期不得晚于当前时间（伪造发稿日期）；定时发布的页面用 publish_at",
    summary_en: "A page is not dated after now (a faked date); scheduled pages use publish_at",
};
pub const STALE_HOME: RuleInfo = rule(
    "timeliness.stale-home",
    "首页最新内容不得超过 14 天未更新（content/_index.md 的 freshness_days 可调整）",
    "The home page's newest item is at most 14 days old (freshness_days in content/_index.md changes it)",
);

pub const REVIEW_DATE: RuleInfo = rule(
    "timeliness.review-date",
    "页面日期与终审签署时间相差不得超过 30 天（[review] date_tolerance_days 可调整；伪造发稿日期）",
    "A page's date is within 30 days of its final-stage signature ([review] date_tolerance_days changes it)",
);

pub const RULES: &[RuleInfo] =
    &[MISSING_DATE, INVALID_DATE, FUTURE_DATE, BLANK_SECTION, STALE_SECTION, STALE_HOME, REVIEW_DATE];

/// How old the newest page of the site may be (首页不更新, inspection indicators).
const HOME_DAYS: u32 = 14;

const NEWS_DAYS: u32 = 14;
const NOTICE_DAYS: u32 = 180;

pub fn check_page(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    if page.is_section_index() || !page.front_matter_valid {
        return;
    }
    match page.front_matter.date.as_deref() {
        None => {
            let opening = page.keys.opening;
            out.push(
                MISSING_DATE
                    .diagnostic(
                        Text::new(
                            "页面没有发布日期 date，读者无法判断信息是否及时（第十三条）",
                            "The page has no date, so readers cannot tell whether it is current (article 13)",
                        ),
                        Text::new("在前置元数据中加入 date = 2024-05-15", "Add date = 2024-05-15 to the front matter"),
                    )
                    .at(opening, opening)
                    .in_file(page.path),
            );
        }
        Some(text) if Timestamp::parse(text).is_none() => {
            out.push(page.diagnostic_at_key(
                "date",
                INVALID_DATE.diagnostic(
                    Text::new(
                        format!("发布日期“{text}”不是有效日期（第十三条）"),
                        format!("The date \"{text}\" is not a valid date (article 13)"),
                    ),
                    Text::new(
                        "写成 2024-05-15 或 2024-05-15T09:00:00+08:00",
                        "Write 2024-05-15 or 2024-05-15T09:00:00+08:00",
                    ),
                ),
            ));
        }
        Some(text) => {
            let scheduled = page.front_matter.is_scheduled(context.now);
            let today = context.now.with_timezone(&china_offset()).date_naive();
            if let Some(date) = Timestamp::parse(text).filter(|date| date.china_date() > today && !scheduled) {
                out.push(page.diagnostic_at_key("date", future(&date, today)));
            }
        }
    }
    if let Some(text) = page.front_matter.publish_at.as_deref().filter(|text| Timestamp::parse(text).is_none()) {
        out.push(page.diagnostic_at_key(
            "publish_at",
            INVALID_DATE.diagnostic(
                Text::new(
                    format!("定时发布时间 publish_at“{text}”不是有效时间（第十三条）"),
                    format!("publish_at \"{text}\" is not a valid time (article 13)"),
                ),
                Text::new("写成 2024-05-15T09:00:00+08:00", "Write 2024-05-15T09:00:00+08:00"),
            ),
        ));
    }
}

fn future(date: &Timestamp, today: chrono::NaiveDate) -> Diagnostic {
    let shown = date.display();
    FUTURE_DATE.diagnostic(
        Text::new(
            format!("页面日期 {shown} 晚于今天（{today}），属于伪造发稿日期（第十三条：准确性）"),
            format!("The page is dated {shown}, after today ({today}): a faked publication date (article 13: accuracy)"),
        ),
        Text::new(
            "写实际发布日期；要到时再发布的页面，加 publish_at = 发布时间（构建在该时间前不发布它）",
            "Give the real publication date; for a page to appear later, add publish_at (the build leaves it out until then)",
        ),
    )
}

/// Blank and stale sections, one warning on each such section's `_index.md`. Sections are the site
/// model's (a page belongs to the nearest enclosing `_index.md`), so the verdict is about the 栏目 as
/// published: a section is blank when neither it nor any section inside it lists a published page.
pub fn check_sections(config: &SiteConfig, model: &SiteModel, now: DateTime<FixedOffset>) -> Vec<Diagnostic> {
    let mut sections: Vec<&Section> = model.sections.iter().filter(|section| !section.key.is_empty()).collect();
    sections.sort_by(|left, right| {
        model.pages[left.index_page].source_path.cmp(&model.pages[right.index_page].source_path)
    });
    let today = now.with_timezone(&china_offset()).date_naive();
    let mut out = Vec::new();
    for section in sections {
        let index_page = &model.pages[section.index_page];
        let directory = index_page.source_path.strip_suffix("/_index.md").unwrap_or(&index_page.source_path);
        let members = model.pages_within(&section.key);
        let front_matter = &index_page.front_matter;
        let name =
            front_matter.title.clone().unwrap_or_else(|| directory.rsplit('/').next().unwrap_or(directory).into());
        if members.is_empty() {
            out.push(blank(&name, directory).in_file(&index_page.source_path));
            continue;
        }
        let Some(days) = freshness(config, front_matter, directory).filter(|days| *days > 0) else { continue };
        let Some(newest) = members.iter().filter_map(|&index| model.pages[index].date).max_by_key(Timestamp::instant)
        else {
            continue; // undated pages carry their own warning
        };
        let age = (today - newest.china_date()).num_days();
        if age > i64::from(days) {
            out.push(stale(&name, &newest, age, days).in_file(&index_page.source_path));
        }
    }
    out.extend(stale_home(model, today));
    out
}

/// 首页不更新: the newest dated page of the whole site is older than the home page's freshness
/// (`freshness_days` in `content/_index.md`, default 14; 0 turns it off). Only sites with a home page.
fn stale_home(model: &SiteModel, today: chrono::NaiveDate) -> Option<Diagnostic> {
    let home = model.pages.iter().find(|page| page.source_path == "content/_index.md")?;
    let days = home.front_matter.freshness_days.unwrap_or(HOME_DAYS);
    if days == 0 {
        return None;
    }
    let newest = model
        .pages
        .iter()
        .filter(|page| !page.is_section_index)
        .filter_map(|page| page.date)
        .filter(|date| date.china_date() <= today)
        .max_by_key(Timestamp::instant)?;
    let age = (today - newest.china_date()).num_days();
    (age > i64::from(days)).then(|| {
        let date = newest.display();
        STALE_HOME
            .diagnostic(
                Text::new(
                    format!("首页最新的内容发布于 {date}，已 {age} 天未更新，超过 {days} 天（第十三条：及时性；首页不更新）"),
                    format!("The newest item on the home page is from {date}: {age} days without an update, more than {days} (article 13: timeliness)"),
                ),
                Text::new(
                    "及时发布新内容；首页更新周期不同的，在 content/_index.md 中设置 freshness_days",
                    "Publish new pages; for a different cycle, set freshness_days in content/_index.md",
                ),
            )
            .at(Position::START, Position::START)
            .in_file(&home.source_path)
    })
}

/// The freshness of a section in days, if it has one; `section` is its `_index.md`'s front matter.
pub fn freshness(config: &SiteConfig, section: &FrontMatter, directory: &str) -> Option<u32> {
    if let Some(days) = section.freshness_days {
        return Some(days);
    }
    let short = directory.strip_prefix("content/").unwrap_or(directory);
    let configured = config.checks.freshness.iter().find(|(key, _)| {
        let key = key.trim_matches('/');
        key == directory || key == short
    });
    if let Some((_, days)) = configured {
        return Some(*days);
    }
    match section.section_kind.as_deref() {
        Some("news") => return Some(NEWS_DAYS),
        Some("notice" | "policy") => return Some(NOTICE_DAYS),
        Some(_) => return None,
        None => {}
    }
    let title = section.title.as_deref().unwrap_or_default();
    if ["要闻", "动态", "新闻"].iter().any(|word| title.contains(word)) {
        Some(NEWS_DAYS)
    } else if ["通知", "公告", "政策", "文件"].iter().any(|word| title.contains(word)) {
        Some(NOTICE_DAYS)
    } else {
        None
    }
}

fn blank(name: &str, directory: &str) -> Diagnostic {
    BLANK_SECTION
        .diagnostic(
            Text::new(
                format!("栏目“{name}”（{directory}）没有任何已发布的页面，属于空白栏目（第十三条：及时性）"),
                format!("The section \"{name}\" ({directory}) has no published pages: a blank section (article 13: timeliness)"),
            ),
            Text::new(
                "在该栏目中发布内容，或删除、合并这个栏目",
                "Publish pages in the section, or remove or merge it",
            ),
        )
        .at(Position::START, Position::START)
}

fn stale(name: &str, newest: &Timestamp, age: i64, days: u32) -> Diagnostic {
    let date = newest.display();
    STALE_SECTION
        .diagnostic(
            Text::new(
                format!("栏目“{name}”最新的页面发布于 {date}，已 {age} 天未更新，超过 {days} 天的更新周期（第十三条：及时性）"),
                format!("The newest page of the section \"{name}\" is from {date}: {age} days without an update, more than its {days}-day freshness (article 13: timeliness)"),
            ),
            Text::new(
                "及时发布新内容；更新周期不同的，在 _index.md 中设置 freshness_days",
                "Publish new pages; if the section has a different cycle, set freshness_days in its _index.md",
            ),
        )
        .at(Position::START, Position::START)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageHead;

    fn page(path: &str, title: &str, date: Option<&str>) -> (String, String) {
        let date = date.map(|date| format!("date = {date}\n")).unwrap_or_default();
        (path.to_string(), format!("+++\ntitle = \"{title}\"\n{date}+++\n"))
    }

    fn model(pages: &[(String, String)]) -> SiteModel {
        let heads: Vec<_> = pages.iter().map(|(_, text)| PageHead::read(text)).collect();
        SiteModel::new(
            pages
                .iter()
                .zip(&heads)
                .enumerate()
                .map(|(index, ((path, _), head))| (index, path.as_str(), &head.front_matter)),
        )
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2024-06-30T12:00:00+08:00").unwrap()
    }

    fn rules(pages: &[(String, String)]) -> Vec<(&'static str, String)> {
        check_sections(&SiteConfig::default(), &model(pages), now())
            .into_iter()
            .map(|diagnostic| (diagnostic.rule, diagnostic.file))
            .collect()
    }

    #[test]
    fn blank_sections_count_subsections_but_not_drafts() {
        let draft = (
            "content/news/a.md".to_string(),
            "+++\ntitle = \"草稿\"\ndate = 2024-06-29\ndraft = true\n+++\n".to_string(),
        );
        let pages = [
            page("content/_index.md", "首页", None),
            page("content/news/_index.md", "新闻动态", None),
            draft,
            page("content/policy/_index.md", "政策文件", None),
            page("content/policy/2024/a.md", "文件", Some("2024-06-01")),
            page("content/guide/_index.md", "办事指南", None),
            page("content/guide/local/_index.md", "本地", None),
            page("content/guide/local/a.md", "指南", Some("2024-06-01")),
        ];
        assert_eq!(
            rules(&pages),
            [
                ("timeliness.blank-section", "content/news/_index.md".to_string()),
                ("timeliness.stale-home", "content/_index.md".to_string()),
            ]
        );
    }

    #[test]
    fn the_home_page_goes_stale_after_fourteen_days_unless_told_otherwise() {
        let fresh = [page("content/_index.md", "首页", None), page("content/a.md", "新", Some("2024-06-20"))];
        assert!(rules(&fresh).is_empty());
        let stale = [page("content/_index.md", "首页", None), page("content/a.md", "旧", Some("2024-06-01"))];
        assert_eq!(rules(&stale), [("timeliness.stale-home", "content/_index.md".to_string())]);
        let off = [
            ("content/_index.md".to_string(), "+++\ntitle = \"首页\"\nfreshness_days = 0\n+++\n".to_string()),
            page("content/a.md", "旧", Some("2024-06-01")),
        ];
        assert!(rules(&off).is_empty());
        // A page dated in the future (itself an error) does not keep the home page fresh.
        let future = [
            page("content/_index.md", "首页", None),
            page("content/a.md", "旧", Some("2024-06-01")),
            page("content/b.md", "未来", Some("2095-01-01")),
        ];
        assert_eq!(rules(&future), [("timeliness.stale-home", "content/_index.md".to_string())]);
    }

    #[test]
    fn sections_are_the_published_ones() {
        // A page in a directory without `_index.md` is listed in the nearest section; a draft
        // `_index.md` publishes no section, so it cannot be a blank one.
        let draft_section =
            ("content/events/_index.md".to_string(), "+++\ntitle = \"活动\"\ndraft = true\n+++\n".to_string());
        let pages = [
            page("content/notices/_index.md", "通知公告", None),
            page("content/notices/old/_index.md", "历史通知", None),
            page("content/notices/x/a.md", "旧通知", Some("2023-01-01")),
            draft_section,
        ];
        assert_eq!(
            rules(&pages),
            [
                ("timeliness.stale-section", "content/notices/_index.md".to_string()),
                ("timeliness.blank-section", "content/notices/old/_index.md".to_string()),
            ]
        );
    }

    #[test]
    fn staleness_follows_the_section_kind() {
        let pages = [
            page("content/news/_index.md", "新闻动态", None),
            page("content/news/a.md", "旧闻", Some("2024-06-01")),
            page("content/notices/_index.md", "通知公告", None),
            page("content/notices/a.md", "通知", Some("2024-06-01")),
            page("content/about/_index.md", "机构概况", None),
            page("content/about/a.md", "简介", Some("2001-01-01")),
        ];
        assert_eq!(rules(&pages), [("timeliness.stale-section", "content/news/_index.md".to_string())]);
    }

    #[test]
    fn configured_freshness_wins() {
        let config = SiteConfig::parse("[checks.freshness]\n\"content/about\" = 30\nnews = 0\n").unwrap();
        let pages = [
            page("content/news/_index.md", "新闻动态", None),
            page("content/news/a.md", "旧闻", Some("2020-06-01")),
            page("content/about/_index.md", "机构概况", None),
            page("content/about/a.md", "简介", Some("2024-05-01")),
        ];
        let found: Vec<_> = check_sections(&config, &model(&pages), now()).into_iter().map(|d| d.file).collect();
        assert_eq!(found, ["content/about/_index.md"]);
    }
}
