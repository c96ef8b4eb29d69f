//! 第十三条 (准确性、严肃性) and SPEC §12: wording that must not be published — the built-in list of
//! well-documented errors (`crate::terms`), the site's `terms.toml`, and the 发文字号 brackets of
//! GB/T 9704-2012 (国办发〔2024〕1号, not [2024] or （2024）).
//!
//! Only visible text is read: prose and the displayed front-matter values (title, description,
//! department), not code spans or blocks, raw HTML, link targets, URLs written out, or front-matter keys.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use regex::Regex;

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::page::{Page, TextKind};
use crate::rules::{PageContext, RuleInfo};
use crate::terms::{Hit, DOC_NUMBER_ID};
use crate::text_scan::{find_all, url_ranges};

pub const WORDING: RuleInfo = RuleInfo {
    id: "terms.wording",
    article: 13,
    severity: Severity::Error,
    summary_zh: "不得使用不规范表述（内置规范表述表、站点 terms.toml、GB/T 9704 发文字号六角括号）",
    summary_en:
        "No non-standard wording (the built-in list, the site's terms.toml, GB/T 9704 document-number brackets)",
};

pub const RULES: &[RuleInfo] = &[WORDING];

/// A 发文字号 whose year is in square, lenticular or round brackets: `国办发[2024]1号`, `青政字（2024）3号`.
static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[发函字][ \t]*([\[【(（])[ \t]*((?:19|20)[0-9０-９]{2}|[１２][０-９]{3})[ \t]*([\]】)）])[ \t]*[0-9０-９]{1,5}[ \t]*号")
        .expect("static regex compiles")
});

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    check_with(context, out, |text| DOC_NUMBER.captures_iter(text).filter_map(|found| doc_number(&found)).collect());
}

/// `check` for a page where `doc_numbers_may_fire` is false: the same diagnostics, without the regex (the
/// browser's first module links none).
pub fn check_wording(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    check_with(context, out, |_| Vec::new());
}

/// A document number written with the wrong brackets: the byte ranges of its opening and closing bracket
/// and of the whole match, in the text searched.
struct DocNumber {
    open: Range<usize>,
    close: Range<usize>,
    whole: Range<usize>,
}

fn doc_number(found: &regex::Captures<'_>) -> Option<DocNumber> {
    let (open, close) = (found.get(1)?.range(), found.get(3)?.range());
    let whole = found.get(0).map_or(open.clone(), |whole| whole.range());
    Some(DocNumber { open, close, whole })
}

/// Whether `DOC_NUMBER` can match anywhere on the page (the visible body text, as `check` reads it):
/// every match starts with 发, 函 or 字, spaces or tabs, then one of its four opening brackets, and ends
/// with 号. False means `check` and `check_wording` give the same diagnostics.
pub fn doc_numbers_may_fire(context: &PageContext<'_, '_>) -> bool {
    let page = context.page;
    if context.config.terms.disable.iter().any(|id| id == DOC_NUMBER_ID) {
        return false;
    }
    visible_spans(page).into_iter().filter(|span| span.start >= page.body_offset).any(|span| {
        let text = &page.source[span];
        text.contains('号')
            && text.match_indices(['发', '函', '字']).any(|(at, word)| {
                let rest = text[at + word.len()..].trim_start_matches([' ', '\t']);
                rest.starts_with(['[', '【', '(', '（'])
            })
    })
}

fn check_with(
    context: &PageContext<'_, '_>,
    out: &mut Vec<Diagnostic>,
    find_doc_numbers: impl Fn(&str) -> Vec<DocNumber>,
) {
    let page = context.page;
    let doc_numbers = !context.config.terms.disable.iter().any(|id| id == DOC_NUMBER_ID);
    // One search of the whole page for the wrong forms rules out most pages before any span is read.
    let terms_may_hit = context.terms.may_hit(page.source);
    // Every document number ends with a digit and 号, and only the body's are read: where the body's such
    // 号 stand, found once, tells which spans may hold one. Most 号 of a page (序号, 编号, 公众号) follow no
    // digit, and a page without any is spared reading its spans.
    let body = page.source.get(page.body_offset..).unwrap_or_default();
    let marks: Vec<usize> = if doc_numbers {
        find_all(body, "号").filter(|&at| may_end_doc_number(body, at)).map(|at| at + page.body_offset).collect()
    } else {
        Vec::new()
    };
    if !terms_may_hit && marks.is_empty() {
        return;
    }
    let holds_mark = |span: &Range<usize>| {
        let first = marks.partition_point(|&at| at < span.start);
        marks.get(first).is_some_and(|&at| at + "号".len() <= span.end)
    };
    for span in visible_spans(page) {
        let text = &page.source[span.clone()];
        // Most spans have no hit: their URLs are found only when a hit needs them.
        let urls = OnceCell::new();
        let outside_urls = |range: &Range<usize>| {
            !urls.get_or_init(|| url_ranges(text)).iter().any(|url| url.start < range.end && range.start < url.end)
        };
        let hits = if terms_may_hit { context.terms.find(text) } else { Vec::new() };
        for hit in hits.into_iter().filter(|hit| outside_urls(&hit.range)) {
            let range = span.start + hit.range.start..span.start + hit.range.end;
            out.push(page.diagnostic_at(range, term_diagnostic(&hit)));
        }
        // In the front matter, `[disclosure] doc_no` has its own rule (disclosure.doc-no): the body only.
        let in_body = span.start >= page.body_offset;
        // Every document number has one of the four opening brackets: the regex runs only where both are.
        if doc_numbers && in_body && holds_mark(&span) && text.contains(['[', '【', '(', '（']) {
            for DocNumber { open, close, whole } in find_doc_numbers(text) {
                if !outside_urls(&whole) {
                    continue;
                }
                let written = &text[open.start..whole.end];
                let right = format!("〔{}〕{}", &text[open.end..close.start].trim(), text[close.end..whole.end].trim());
                let range = span.start + open.start..span.start + whole.end;
                out.push(page.diagnostic_at(range, doc_number_diagnostic(written, &right)));
            }
        }
    }
}

/// Whether the 号 at `at` in `text` may end a `DOC_NUMBER` match: the regex reads a digit (ASCII or
/// full-width) just before it, spaces and tabs aside.
fn may_end_doc_number(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or_default().trim_end_matches([' ', '\t']);
    before.chars().next_back().is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

fn term_diagnostic(hit: &Hit<'_>) -> Diagnostic {
    let term = hit.term;
    let (source_zh, source_en) = if term.note.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("；依据：{}", term.note), format!("; source: {}", term.note))
    };
    let origin_en = if term.built_in { "built-in term" } else { "terms.toml" };
    WORDING.diagnostic(
        Text::new(
            format!("“{}”为不规范表述，应为“{}”（第十三条：准确性、严肃性{source_zh}）", term.wrong, term.right),
            format!(
                "\"{}\" is non-standard wording; write \"{}\" (article 13: accuracy and seriousness{source_en})",
                term.wrong, term.right
            ),
        ),
        Text::new(
            format!(
                "改为“{}”（条目 {}；如确属正确用法，可在 govpress.toml 的 [terms] disable 中关闭）",
                term.right, term.id
            ),
            format!(
                "Write \"{}\" ({origin_en} {}; to turn it off, list its id in [terms] disable in govpress.toml)",
                term.right, term.id
            ),
        ),
    )
}

fn doc_number_diagnostic(written: &str, right: &str) -> Diagnostic {
    WORDING.diagnostic(
        Text::new(
            format!("发文字号“{written}”的年份应用六角括号“〔〕”括入（第十三条：准确性、严肃性；依据：GB/T 9704-2012《党政机关公文格式》7.2.4）"),
            format!("The year of the document number \"{written}\" goes in 〔〕 brackets (article 13; source: GB/T 9704-2012, 7.2.4)"),
        ),
        Text::new(
            format!("改为“{right}”（条目 {DOC_NUMBER_ID}）"),
            format!("Write \"{right}\" (built-in term {DOC_NUMBER_ID})"),
        ),
    )
}

/// The visible prose of a page as maximal spans (text runs that touch are joined), outside code
/// blocks, then each displayed front-matter value.
pub fn visible_spans(page: &Page<'_>) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut code_blocks = 0usize;
    let mut autolinks = 0usize;
    for (event, range) in &page.events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_blocks += 1,
            Event::End(TagEnd::CodeBlock) => code_blocks = code_blocks.saturating_sub(1),
            // `<https://…>`: the text shown is the URL itself.
            Event::Start(Tag::Link { link_type: LinkType::Autolink | LinkType::Email, .. }) => autolinks += 1,
            Event::End(TagEnd::Link) => autolinks = autolinks.saturating_sub(1),
            Event::Text(_) if code_blocks == 0 && autolinks == 0 => match spans.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => spans.push(range.clone()),
            },
            _ => {}
        }
    }
    spans.extend(page.text_runs.iter().filter(|run| run.kind == TextKind::FrontMatter).map(|run| run.range.clone()));
    spans
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{may_end_doc_number, DOC_NUMBER};
    use crate::{Checker, SiteConfig};

    proptest! {
        /// The 号 that ends every document number passes `may_end_doc_number`, so filtering the marks by
        /// it never hides one.
        #[test]
        fn every_doc_number_ends_at_a_kept_mark(
            before in "[发字号 0-9０]{0,6}",
            number in r"[发函字][ \t]{0,2}[\[【(（][ \t]{0,2}((19|20)[0-9０-９]{2}|[１２][０-９]{3})[ \t]{0,2}[\]】)）][ \t]{0,2}[0-9０-９]{1,5}[ \t]{0,2}号",
            after in "[号0-9 ]{0,4}",
        ) {
            let text = format!("{before}{number}{after}");
            let mut found = 0;
            for doc_number in DOC_NUMBER.find_iter(&text) {
                found += 1;
                prop_assert!(may_end_doc_number(&text, doc_number.end() - "号".len()), "{:?}", text);
            }
            prop_assert!(found > 0, "{:?}", text);
        }
    }

    #[test]
    fn marks_after_no_digit_are_dropped() {
        assert!(may_end_doc_number("国办发[2024]12 \t号", "国办发[2024]12 \t".len()));
        assert!(may_end_doc_number("青政字（２０２４）３号", "青政字（２０２４）３".len()));
        assert!(!may_end_doc_number("序号", "序".len()));
        assert!(!may_end_doc_number("号", 0));
    }

    fn hits(source: &str, config: SiteConfig) -> Vec<(usize, usize, String)> {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00").unwrap();
        Checker::new(config)
            .check_page("a.md", source, now)
            .diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.rule == "terms.wording")
            .map(|diagnostic| (diagnostic.start.line, diagnostic.start.column, diagnostic.help.zh))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    const HEAD: &str = "+++\ntitle = \"会议布署\"\ndate = 2024-05-15\n+++\n";

    #[test]
    fn visible_text_only() {
        let source = format!(
            "{HEAD}会议布署了工作。\n\n`布署` 与 [链接](https://example.gov.cn/布署) 不算。\n\n```\n布署\n```\n\n见 <https://www.example.gov.cn/布署> 与 https://www.example.gov.cn/a?q=%E5 。\n"
        );
        let found = hits(&source, SiteConfig::default());
        let places: Vec<(usize, usize)> = found.iter().map(|(line, column, _)| (*line, *column)).collect();
        assert_eq!(places, [(2, 12), (5, 3)]);
        assert!(found[0].2.starts_with("改为“部署”"), "{}", found[0].2);
    }

    #[test]
    fn doc_numbers_need_hexagonal_brackets() {
        let source = format!("{HEAD}根据国办发[2024]12号和青政字（２０２４）３号，以及国办发〔2024〕1号。\n");
        let found = hits(&source, SiteConfig::default());
        let places: Vec<(usize, usize)> = found.iter().map(|(line, column, _)| (*line, *column)).collect();
        assert_eq!(places, [(2, 12), (5, 6), (5, 19)]);
        assert!(found[1].2.starts_with("改为“〔2024〕12号”"), "{}", found[1].2);
    }

    #[test]
    fn disabled_by_id() {
        let mut config = SiteConfig::parse("[terms]\ndisable = [\"xdhy-bushu\", \"gbt9704-doc-number\"]\n").unwrap();
        config.attach_terms(None).unwrap();
        let source = format!("{HEAD}会议布署，国办发[2024]12号。\n");
        assert!(hits(&source, config).is_empty());
        let mut config = SiteConfig::parse("[site]\nname = \"x\"\n[terms]\ndisable = [\"xdhy-bush\"]\n").unwrap();
        match config.attach_terms(None) {
            Err(crate::TermsError::Config(error)) => {
                assert_eq!(error.position.line, 4);
                assert!(error.message.zh.contains("xdhy-bushu"), "{}", error.message.zh);
            }
            other => panic!("{other:?}"),
        }
    }
}
