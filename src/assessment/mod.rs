//! The compliance report (SPEC §11) for the annual security assessment (第十八条) and inspections:
//! a typed model built from the site's pages, its signed review log and its run history, and one
//! self-contained HTML file rendered from it (`html`, charts from `svg`). Pure: the CLI reads the files
//! and the clock and writes the file.

pub mod html;
pub mod svg;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate};

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Text};
use crate::history::History;
use crate::review::Record;
use crate::site::SiteModel;
use crate::time::china_offset;

/// How many months the page and history charts cover (第二十条: a year).
pub const MONTHS: usize = 12;

/// What the review log gave the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogStatus {
    /// No log (or no roster) in the site.
    Absent,
    /// Chain and every signature verified: the record count and the head hash.
    Verified { records: usize, head: String },
    /// The log does not verify: the turnaround figures are not shown.
    Broken(Text),
}

/// Everything the report is made from.
pub struct AssessmentInput<'a> {
    pub config: &'a SiteConfig,
    pub model: &'a SiteModel,
    /// The records of the verified log (empty unless `log` is `Verified`).
    pub records: &'a [Record],
    pub log: LogStatus,
    pub history: &'a History,
    pub now: DateTime<FixedOffset>,
    /// The site's place in a platform (`sites/fgw`), `None` for a site on its own.
    pub label: Option<String>,
}

/// One row of the identity table: a label and its value (`None`: missing, shown as such).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRow {
    pub label: Text,
    pub value: Option<String>,
}

/// Pages per month of one top section (栏目), with the pages of its subsections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRow {
    pub key: String,
    pub title: String,
    /// Every published page of the section, whatever its date.
    pub total: usize,
    pub per_month: Vec<usize>,
}

/// Time between two points of the review of a page version (SM3 digest): from its first record, or
/// from the approval of one stage to the approval of the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Turnaround {
    pub from: Text,
    pub to: String,
    pub count: usize,
    pub median_hours: f64,
    pub p90_hours: f64,
    pub max_hours: f64,
}

/// One day of the history: the last run of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingsDay {
    pub day: NaiveDate,
    pub errors: usize,
    pub warnings: usize,
    pub articles: BTreeMap<u8, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinksDay {
    pub day: NaiveDate,
    pub checked: usize,
    pub broken: usize,
    pub warnings: usize,
}

/// The report of one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub name: String,
    pub label: Option<String>,
    pub now: DateTime<FixedOffset>,
    pub identity: Vec<IdentityRow>,
    /// `2025-12` … `2026-11`: the twelve months ending with now's.
    pub months: Vec<String>,
    pub sections: Vec<SectionRow>,
    pub month_totals: Vec<usize>,
    pub published_pages: usize,
    pub log: LogStatus,
    pub turnaround: Vec<Turnaround>,
    /// Page versions that reached the final stage, and those still on their way.
    pub signed_off: usize,
    pub in_review: usize,
    pub findings: Vec<FindingsDay>,
    pub links: Vec<LinksDay>,
    pub history_entries: usize,
    pub history_unreadable: usize,
    /// Blank and stale sections (第十三条 及时性), as `govpress check` reports them.
    pub timeliness: Vec<Diagnostic>,
}

/// Builds the report model.
pub fn assess(input: &AssessmentInput<'_>) -> Assessment {
    let config = input.config;
    let now = input.now.with_timezone(&china_offset());
    let months = month_starts(now.date_naive());
    let (sections, month_totals) = pages_per_month(input.model, &months);
    let (turnaround, signed_off, in_review) = if matches!(input.log, LogStatus::Verified { .. }) {
        turnaround(input.records, &config.review.stages)
    } else {
        (Vec::new(), 0, 0)
    };
    let since = months.first().copied().unwrap_or_else(|| now.date_naive());
    let (findings, links) = history_days(input.history, since);
    Assessment {
        name: config.site.name.clone().unwrap_or_default(),
        label: input.label.clone(),
        now: input.now,
        identity: identity(config),
        months: months.iter().map(|month| month.format("%Y-%m").to_string()).collect(),
        sections,
        month_totals,
        published_pages: input.model.pages.iter().filter(|page| !page.is_section_index).count(),
        log: input.log.clone(),
        turnaround,
        signed_off,
        in_review,
        findings,
        links,
        history_entries: input.history.entries.len(),
        history_unreadable: input.history.unreadable_lines.len(),
        timeliness: crate::rules::timeliness::check_sections(config, input.model, input.now),
    }
}

fn identity(config: &SiteConfig) -> Vec<IdentityRow> {
    let row = |zh: &str, en: &str, value: &Option<String>| IdentityRow {
        label: Text::new(zh, en),
        value: value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_string),
    };
    let kind = match config.site.org_kind {
        crate::config::OrgKind::PartyGovernment => Text::new("党政机关", "party or government organ"),
        crate::config::OrgKind::PublicInstitution => Text::new("事业单位", "public institution"),
    };
    vec![
        row("网站名称", "Site name", &config.site.name),
        row("网址", "Address", &config.site.base_url),
        IdentityRow {
            label: Text::new("开办主体类型", "Kind of sponsor"),
            value: Some(format!("{} / {}", kind.zh, kind.en)),
        },
        row("主办单位", "Sponsor", &config.identity.sponsor),
        row("网上标识编号", "Online mark (网上标识) number", &config.identity.conac_id),
        row("网站标识码", "Site code (网站标识码)", &config.identity.site_code),
        row("ICP 备案号", "ICP filing number", &config.identity.icp),
        row("公安机关备案号", "Public security filing number", &config.identity.psb),
        row("联系方式", "Contact", &config.identity.contact),
    ]
}

/// The first day of each of the twelve months ending with `today`'s.
fn month_starts(today: NaiveDate) -> Vec<NaiveDate> {
    let current = today.with_day(1).unwrap_or(today);
    (0..MONTHS)
        .rev()
        .filter_map(|back| current.checked_sub_months(Months::new(u32::try_from(back).unwrap_or(0))))
        .collect()
}

fn month_index(months: &[NaiveDate], day: NaiveDate) -> Option<usize> {
    let first = *months.first()?;
    if day < first {
        return None;
    }
    let index =
        (day.year() - first.year()) * 12 + i32::try_from(day.month()).ok()? - i32::try_from(first.month()).ok()?;
    usize::try_from(index).ok().filter(|index| *index < months.len())
}

fn pages_per_month(model: &SiteModel, months: &[NaiveDate]) -> (Vec<SectionRow>, Vec<usize>) {
    let mut totals = vec![0; months.len()];
    let mut rows = Vec::new();
    let mut listed = vec![false; model.pages.len()];
    let count = |indices: &[usize], listed: &mut Vec<bool>| {
        let mut per_month = vec![0; months.len()];
        let mut total = 0;
        for &index in indices {
            let Some(page) = model.pages.get(index).filter(|page| !page.is_section_index) else { continue };
            if std::mem::replace(&mut listed[index], true) {
                continue;
            }
            total += 1;
            if let Some(month) = page.date.and_then(|date| month_index(months, date.china_date())) {
                per_month[month] += 1;
            }
        }
        (total, per_month)
    };
    let mut top: Vec<_> = model.top_sections().collect();
    top.sort_by(|left, right| left.weight.cmp(&right.weight).then_with(|| left.key.cmp(&right.key)));
    for section in top {
        let (total, per_month) = count(&model.pages_within(&section.key), &mut listed);
        let title = model.pages.get(section.index_page).map(|page| page.title().to_string()).unwrap_or_default();
        rows.push(SectionRow { key: section.key.clone(), title, total, per_month });
    }
    let rest: Vec<usize> = (0..model.pages.len()).collect();
    let (total, per_month) = count(&rest, &mut listed);
    if total > 0 {
        rows.push(SectionRow {
            key: String::new(), title: "首页及其他 / home and other".into(), total, per_month
        });
    }
    for row in &rows {
        for (sum, value) in totals.iter_mut().zip(&row.per_month) {
            *sum += value;
        }
    }
    (rows, totals)
}

/// Turnaround per stage from the verified records: for every page version (path and SM3 digest), the
/// hours from its first record to each stage's first approval, and between consecutive stages.
fn turnaround(records: &[Record], stages: &[String]) -> (Vec<Turnaround>, usize, usize) {
    #[derive(Default)]
    struct Times {
        first: Option<DateTime<FixedOffset>>,
        approved: Vec<Option<DateTime<FixedOffset>>>,
    }
    let mut versions: HashMap<(&str, &str), Times> = HashMap::new();
    for record in records {
        let Some(time) = record.signed_at() else { continue };
        let stage = stages.iter().position(|stage| *stage == record.stage);
        for page in &record.pages {
            let times = versions.entry((page.path.as_str(), page.sm3.as_str())).or_default();
            if times.approved.is_empty() {
                times.approved = vec![None; stages.len()];
            }
            times.first = Some(times.first.map_or(time, |first| first.min(time)));
            if let (Some(stage), crate::review::Decision::Approve) = (stage, record.decision) {
                let slot = &mut times.approved[stage];
                *slot = Some(slot.map_or(time, |at: DateTime<FixedOffset>| at.min(time)));
            }
        }
    }
    let last = stages.len().saturating_sub(1);
    let mut spans: Vec<Vec<f64>> = vec![Vec::new(); stages.len() + 1];
    let (mut signed_off, mut in_review) = (0, 0);
    let hours =
        |from: DateTime<FixedOffset>, to: DateTime<FixedOffset>| (to - from).num_seconds().max(0) as f64 / 3600.0;
    for times in versions.values() {
        let Some(first) = times.first else { continue };
        match times.approved.get(last).copied().flatten() {
            Some(final_at) => {
                signed_off += 1;
                spans[0].push(hours(first, final_at));
            }
            None => in_review += 1,
        }
        // spans[1 + i]: from stage i's approval to stage i + 1's.
        for (pair, span) in times.approved.windows(2).zip(spans.iter_mut().skip(1)) {
            if let [Some(from), Some(to)] = pair {
                if to >= from {
                    span.push(hours(*from, *to));
                }
            }
        }
    }
    let mut out = Vec::new();
    let final_stage = stages.get(last).cloned().unwrap_or_default();
    let labels = std::iter::once((Text::new("首条记录", "first record"), final_stage)).chain(
        (1..stages.len())
            .map(|stage| (Text::new(stages[stage - 1].clone(), stages[stage - 1].clone()), stages[stage].clone())),
    );
    for ((from, to), mut values) in labels.zip(spans) {
        values.sort_by(f64::total_cmp);
        let pick = |fraction: f64| {
            if values.is_empty() {
                return 0.0;
            }
            let index = ((values.len() - 1) as f64 * fraction).round() as usize;
            values[index.min(values.len() - 1)]
        };
        out.push(Turnaround {
            from,
            to,
            count: values.len(),
            median_hours: pick(0.5),
            p90_hours: pick(0.9),
            max_hours: values.last().copied().unwrap_or(0.0),
        });
    }
    (out, signed_off, in_review)
}

/// The last `build`/`check` run and the last `links` run of each day since `since`.
fn history_days(history: &History, since: NaiveDate) -> (Vec<FindingsDay>, Vec<LinksDay>) {
    let mut findings: BTreeMap<NaiveDate, FindingsDay> = BTreeMap::new();
    let mut links: BTreeMap<NaiveDate, LinksDay> = BTreeMap::new();
    for entry in &history.entries {
        let Some(time) = entry.time() else { continue };
        let day = time.with_timezone(&china_offset()).date_naive();
        if day < since {
            continue;
        }
        match entry.command.as_str() {
            "links" => {
                let tally = entry.links.unwrap_or_default();
                links.insert(
                    day,
                    LinksDay { day, checked: tally.checked, broken: tally.broken, warnings: tally.warnings },
                );
            }
            _ => {
                findings.insert(
                    day,
                    FindingsDay {
                        day,
                        errors: entry.errors,
                        warnings: entry.warnings,
                        articles: entry.articles.clone(),
                    },
                );
            }
        }
    }
    (findings.into_values().collect(), links.into_values().collect())
}

#[cfg(test)]
mod tests;
