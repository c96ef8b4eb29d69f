//! 第十六条: nothing that carries a classification marking is published.
//!
//! Two shapes: the 密级 mark 绝密/机密/秘密 followed by ★ (with or without a term: 机密★1年), and
//! the labels 内部资料, 内部文件, 注意保密, 不得外传 (and 请勿外传, 严禁外传) standing as a label: a
//! line or heading of their own, however decorated. Prose that speaks of 国家秘密 or asks readers
//! “请勿将内部资料外传” is not a marking: the regulation itself says such things.

use std::ops::Range;
use std::sync::LazyLock;

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use aho_corasick::packed;
use regex::Regex;

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::normalise::{Normalised, Stretch};
use crate::rules::{PageContext, RuleInfo};
use crate::text_scan::body_and_displayed_values;

pub const CLASSIFICATION: RuleInfo = RuleInfo {
    id: "secrets.classification",
    article: 16,
    severity: Severity::Error,
    summary_zh: "不得发布带密级标志（绝密★、机密★、秘密★）的内容",
    summary_en: "Nothing marked with a classification (绝密★, 机密★, 秘密★) is published",
};

pub const INTERNAL_LABEL: RuleInfo = RuleInfo {
    id: "secrets.internal-label",
    article: 16,
    severity: Severity::Error,
    summary_zh: "不得发布标有“内部资料”“内部文件”“注意保密”“不得外传”的内容",
    summary_en: "Nothing labelled 内部资料, 内部文件, 注意保密 or 不得外传 (internal, confidential) is published",
};

pub const RULES: &[RuleInfo] = &[CLASSIFICATION, INTERNAL_LABEL];

/// 密级 followed by ★, with an optional 保密期限 (★1年, ★6个月, ★长期).
static CLASSIFICATION_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:绝密|机密|秘密)[ \t\u{3000}]*★(?:[ \t\u{3000}]*(?:[0-9０-９]+[ \t]*(?:年|个月|月|日|天)|长期|永久))?",
    )
    .expect("static regex compiles")
});

const LABELS: [&str; 6] = ["内部资料", "内部文件", "注意保密", "不得外传", "请勿外传", "严禁外传"];

static LABEL_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(&LABELS.join("|")).expect("static regex compiles"));

/// ★ and the labels as one SIMD (Teddy) search where the CPU has one: every marking holds one of them,
/// so one pass rules most texts out before either pattern runs (a ★ search and a label search were two
/// passes over every page). Not built for WebAssembly, which has no Teddy.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
static STAR_OR_LABEL: LazyLock<Option<packed::Searcher>> =
    LazyLock::new(|| packed::Searcher::new(LABELS.iter().chain(&["★"])));

/// Whether a text holds a ★ or a label: false means it holds no marking.
fn may_hold_marking(text: &str) -> bool {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    if let Some(searcher) = &*STAR_OR_LABEL {
        return searcher.find(text).is_some();
    }
    text.contains('★') || LABELS.iter().any(|label| text.contains(label))
}

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    let folded = page.folded();
    for range in body_and_displayed_values(page) {
        for finding in markings_in(page.source, &folded.stretch(range)) {
            let diagnostic = diagnostic(&finding);
            out.push(page.diagnostic_at(finding.range, diagnostic));
        }
    }
}

/// Whether `check` can find anything on the page: every marking has a ★ or one of the labels, in the
/// text as `check` reads it (folded). False means `check` gives nothing; the browser's first module,
/// which links no regex, asks this instead of running `check` (docs/checker.md).
pub fn may_fire(context: &PageContext<'_, '_>) -> bool {
    let page = context.page;
    let folded = page.folded();
    body_and_displayed_values(page).into_iter().any(|range| may_hold_marking(folded.stretch(range).text))
}

/// The diagnostic of one marking (also used for the visible text of static HTML).
pub fn diagnostic(finding: &Found) -> Diagnostic {
    match finding.kind {
        Marking::Classification => CLASSIFICATION.diagnostic(
            Text::new(
                format!("内容带有密级标志“{}”，严禁在互联网发布（第十六条）", finding.text),
                format!(
                    "The content carries the classification mark \"{}\" and must not be published (article 16)",
                    finding.text
                ),
            ),
            Text::new(
                "涉密内容不得上网；确已解密的，删除密级标志并按程序审核后再发布",
                "Classified content never goes online; if it was declassified, remove the mark and have it reviewed",
            ),
        ),
        Marking::InternalLabel => INTERNAL_LABEL.diagnostic(
            Text::new(
                format!("内容标有“{}”，属于不得公开的内部信息（第十六条：严禁发布工作秘密）", finding.text),
                format!(
                    "The content is labelled \"{}\" (internal only) and must not be published (article 16: no work secrets)",
                    finding.text
                ),
            ),
            Text::new(
                "确认该内容可以公开：可以公开的删除该标注，不能公开的不要发布",
                "Confirm the content may be public: if so remove the label, if not do not publish it",
            ),
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marking {
    Classification,
    InternalLabel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Marking,
    pub range: Range<usize>,
    pub text: String,
}

/// Markings in `source[range]`, with ranges in the whole source. The text is read folded (full-width
/// digits, ideographic spaces: `机密★１年`), and each marking is quoted as written.
pub fn find_markings(source: &str, range: Range<usize>) -> Vec<Found> {
    let window = &source[range.clone()];
    let mut found = markings_in(window, &Normalised::new(window).stretch(0..window.len()));
    for marking in &mut found {
        marking.range = range.start + marking.range.start..range.start + marking.range.end;
    }
    found
}

/// Markings in a folded stretch of `original`, with ranges in `original`.
fn markings_in(original: &str, stretch: &Stretch<'_>) -> Vec<Found> {
    let mut found = find_in_folded(stretch.text);
    for marking in &mut found {
        marking.range = stretch.range_to_original(marking.range.clone());
        if marking.kind == Marking::Classification {
            marking.text = original[marking.range.clone()].to_string();
        }
    }
    found
}

fn find_in_folded(text: &str) -> Vec<Found> {
    if !may_hold_marking(text) {
        return Vec::new();
    }
    markings_in_folded(text)
}

/// `find_in_folded` without its first search: what a text holding a ★ or a label is read for.
fn markings_in_folded(text: &str) -> Vec<Found> {
    let range = 0..text.len();
    // Every mark has a ★: a byte search rules most texts out before the regex runs.
    let marks = if memchr::memmem::find(text.as_bytes(), "★".as_bytes()).is_some() {
        Some(CLASSIFICATION_MARK.find_iter(text))
    } else {
        None
    };
    let mut found: Vec<Found> = marks
        .into_iter()
        .flatten()
        .map(|mark| Found {
            kind: Marking::Classification,
            range: range.start + mark.start()..range.start + mark.end(),
            text: mark.as_str().to_string(),
        })
        .collect();
    let mut judged_line_end = None;
    for word in LABEL_WORD.find_iter(text) {
        if judged_line_end.is_some_and(|end| word.start() < end) {
            continue;
        }
        let line_start = text[..word.start()].rfind('\n').map_or(0, |newline| newline + 1);
        let line_end = text[word.start()..].find('\n').map_or(text.len(), |newline| word.start() + newline);
        judged_line_end = Some(line_end);
        let line = &text[line_start..line_end];
        if let Some(labels) = label_line(line) {
            found.push(Found {
                kind: Marking::InternalLabel,
                range: range.start + word.start()..range.start + word.end(),
                text: labels.join("、"),
            });
        }
    }
    found.sort_by_key(|found| found.range.start);
    found
}

/// A line that says nothing but labels: `【内部资料】`, `**内部资料 注意保密**`, `# 内部文件`,
/// `- 不得外传。`, `<p>内部资料</p>`.
fn label_line(line: &str) -> Option<Vec<&'static str>> {
    let without_tags = strip_tags(line);
    let mut rest = without_tags.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '#' | '>'));
    // An ordered list marker: `1.` or `1)`.
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && rest[digits..].starts_with(['.', ')']) {
        rest = &rest[digits + 1..];
    }
    let labels: Option<Vec<&'static str>> = rest
        .split(is_decoration)
        .filter(|token| !token.is_empty())
        .map(|token| LABELS.iter().copied().find(|label| *label == token))
        .collect();
    labels.filter(|labels| !labels.is_empty())
}

/// Brackets, emphasis, list and table markers, punctuation and spaces around a label.
fn is_decoration(c: char) -> bool {
    c.is_whitespace() || "*_~`#>-+|[](){}<>【】（）〔〕「」『』《》〈〉：:。.！!，,；;、/·…\"'“”‘’".contains(c)
}

fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Marking, String)> {
        find_markings(text, 0..text.len()).into_iter().map(|found| (found.kind, found.text)).collect()
    }

    proptest::proptest! {
        /// The one search for ★ and the labels finds what the plain searches find, and a text without either has
        /// no marking.
        #[test]
        fn the_first_search_hides_no_marking(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "机密", "绝密", "秘密", "★", "\u{3000}", " ", "1年", "１年", "长期", "内部资料", "内部", "资料", "注意保密",
                    "不得外传", "请勿外传", "严禁", "外传", "\n", "【", "】", "**", "# ", "1. ", "<p>", "</p>", "，", "。", "文件",
                ]),
                0..12,
            )
        ) {
            let text: String = pieces.concat();
            let folded = Normalised::new(&text);
            let plain = folded.text().contains('★') || LABELS.iter().any(|label| folded.text().contains(label));
            proptest::prop_assert_eq!(may_hold_marking(folded.text()), plain);
            if !plain {
                proptest::prop_assert!(markings_in_folded(folded.text()).is_empty(), "{text}");
            }
            proptest::prop_assert_eq!(find_in_folded(folded.text()), markings_in_folded(folded.text()));
        }
    }

    #[test]
    fn classification_marks_need_the_star() {
        assert_eq!(kinds("机密★1年"), [(Marking::Classification, "机密★1年".into())]);
        assert_eq!(kinds("绝密 ★ 长期"), [(Marking::Classification, "绝密 ★ 长期".into())]);
        assert_eq!(kinds("秘密★"), [(Marking::Classification, "秘密★".into())]);
        assert!(kinds("严禁发布国家秘密、工作秘密，保守秘密。").is_empty());
    }

    #[test]
    fn labels_count_only_on_a_line_of_their_own() {
        assert_eq!(kinds("【内部资料】").len(), 1);
        assert_eq!(kinds("**内部资料 注意保密**").len(), 1);
        assert_eq!(kinds("# 内部文件").len(), 1);
        assert_eq!(kinds("1. 不得外传。").len(), 1);
        assert_eq!(kinds("<p align=\"right\">内部资料</p>").len(), 1);
        assert!(kinds("请勿将内部资料外传。").is_empty());
        assert!(kinds("本文不是内部资料，可以公开").is_empty());
        assert!(kinds("内部资料管理办法").is_empty());
    }
}
