//! 规范表述 (SPEC §12): wording that must not be published, and what to write instead.
//!
//! Two lists feed one matcher: the built-in list below (well-documented errors in official writing,
//! each citing its public source) and the site's `terms.toml`. A site turns a built-in entry (or one
//! of its own) off by id in `govpress.toml`:
//!
//! ```toml
//! [terms]
//! disable = ["xdhy-bushu"]
//! ```
//!
//! `terms.toml`:
//!
//! ```toml
//! [[term]]
//! id = "bushu"                 # optional; the wrong form when absent
//! wrong = "布署"
//! right = "部署"
//! note = "《现代汉语词典》"
//! except = ["发布署名"]          # optional: longer texts that contain `wrong` and are right
//! ```
//!
//! An entry's `except` texts guard against a wrong form read across a word boundary (发布署名 holds 布署):
//! they are matched too, and the leftmost-longest match wins, so a text inside an exception is no hit.

use std::collections::BTreeSet;

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use aho_corasick::packed;
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use crate::config::ConfigError;
use crate::diagnostic::{Position, Text};
use crate::source::LineIndex;

/// One wording to avoid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub id: String,
    pub wrong: String,
    pub right: String,
    /// The public source (built-in) or the site's note.
    pub note: String,
    pub except: Vec<String>,
    pub built_in: bool,
}

/// The built-in list: (id, wrong, right, source, exceptions). Only entries whose wrong form is an error
/// wherever it stands (no word of standard Chinese contains it across a boundary, bar the exceptions).
const BUILT_IN: &[(&str, &str, &str, &str, &[&str])] = &[
    ("xdhy-bushu", "布署", "部署", XDHY, &["发布署", "公布署", "宣布署", "颁布署", "分布署", "散布署"]),
    ("xdhy-anbujiuban", "按步就班", "按部就班", XDHY, &[]),
    ("xdhy-pobujidai", "迫不急待", "迫不及待", XDHY, &[]),
    ("xdhy-zaijiezaili", "再接再励", "再接再厉", XDHY, &[]),
    ("xdhy-yichoumozhan", "一愁莫展", "一筹莫展", XDHY, &[]),
    ("xdhy-zoutouwulu", "走头无路", "走投无路", XDHY, &[]),
    ("xdhy-moshouchenggui", "默守成规", "墨守成规", XDHY, &[]),
    ("xdhy-jingbingjianzheng", "精兵减政", "精兵简政", XDHY, &[]),
    ("xdhy-bujingerzou", "不径而走", "不胫而走", XDHY, &[]),
    ("xdhy-tanxiaofengsheng", "谈笑风声", "谈笑风生", XDHY, &[]),
    ("xdhy-jinbangtiming", "金榜提名", "金榜题名", XDHY, &[]),
    ("xdhy-lanyuchongshu", "滥芋充数", "滥竽充数", XDHY, &[]),
    ("xdhy-bianbenjiali", "变本加利", "变本加厉", XDHY, &[]),
    ("xdhy-chuqibuyi", "出奇不意", "出其不意", XDHY, &[]),
    ("xdhy-yanjianyigai", "言简意骇", "言简意赅", XDHY, &[]),
    ("xdhy-xunguidaoju", "循规蹈距", "循规蹈矩", XDHY, &[]),
    ("xdhy-yiburongci", "义不容词", "义不容辞", XDHY, &[]),
    ("xdhy-yindizhiyi", "因地治宜", "因地制宜", XDHY, &[]),
    ("xdhy-quanliyifu", "全力以付", "全力以赴", XDHY, &[]),
    ("xdhy-yirujiwang", "一如继往", "一如既往", XDHY, &[]),
    ("xdhy-jiwangkailai", "既往开来", "继往开来", XDHY, &[]),
    ("xdhy-zhenzhizhuojian", "真知卓见", "真知灼见", XDHY, &[]),
    ("xdhy-lijingtuzhi", "厉精图治", "励精图治", XDHY, &[]),
    ("xdhy-chayanguanse", "查言观色", "察言观色", XDHY, &[]),
    ("xdhy-meilunmeihuan", "美仑美奂", "美轮美奂", XDHY, &[]),
    ("xdhy-shuirujiaorong", "水乳交溶", "水乳交融", XDHY, &[]),
    ("xdhy-yiguzuoqi", "一股作气", "一鼓作气", XDHY, &[]),
    ("xdhy-zhuibensuyuan", "追本朔源", "追本溯源", XDHY, &[]),
    ("xdhy-dinglixiangzhu", "鼎立相助", "鼎力相助", XDHY, &[]),
    ("xdhy-fengyongerzhi", "蜂涌而至", "蜂拥而至", XDHY, &[]),
    ("xdhy-zhenhan", "震憾", "震撼", XDHY, &[]),
    ("xdhy-hanxuan", "寒喧", "寒暄", XDHY, &[]),
    ("xdhy-fushe", "幅射", "辐射", XDHY, &[]),
    ("xdhy-guoji", "国藉", "国籍", XDHY, &[]),
    ("xdhy-songchi", "松驰", "松弛", XDHY, &[]),
    ("xdhy-qigai", "气慨", "气概", XDHY, &[]),
    ("xdhy-zuoyouming", "坐右铭", "座右铭", XDHY, &[]),
    ("xdhy-xuanran", "喧染", "渲染", XDHY, &[]),
    ("yixing-zhongdie", "重迭", "重叠", YIXING, &[]),
    ("yixing-langji", "狼籍", "狼藉", YIXING, &[]),
    ("yixing-moca", "磨擦", "摩擦", YIXING, &[]),
    ("yixing-mofang", "摹仿", "模仿", YIXING, &[]),
    ("yixing-hecai", "喝采", "喝彩", YIXING, &[]),
    ("yixing-jingcai", "精采", "精彩", YIXING, &["精采取"]),
    ("yixing-fengfuduocai", "丰富多采", "丰富多彩", YIXING, &[]),
    ("yixing-hongdong", "哄动", "轰动", YIXING, &[]),
    ("yixing-hongyang", "宏扬", "弘扬", YIXING, &[]),
    ("yixing-dafu", "答覆", "答复", YIXING, &[]),
    ("yixing-gufu", "孤负", "辜负", YIXING, &[]),
    ("yixing-luxiang", "录象", "录像", YIXING, &["录象征", "记录象"]),
    ("gbt15834-ellipsis", "。。。", "……", GBT15834, &[]),
];

const XDHY: &str = "《现代汉语词典》（第7版）";
const YIXING: &str = "《第一批异形词整理表》（教育部、国家语委，2001）";
const GBT15834: &str = "GB/T 15834-2011《标点符号用法》4.11（省略号为六个点“……”）";

/// The built-in list as terms.
pub fn built_in() -> Vec<Term> {
    BUILT_IN
        .iter()
        .map(|(id, wrong, right, note, except)| Term {
            id: (*id).to_string(),
            wrong: (*wrong).to_string(),
            right: (*right).to_string(),
            note: (*note).to_string(),
            except: except.iter().map(|text| (*text).to_string()).collect(),
            built_in: true,
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermsFile {
    #[serde(default)]
    term: Vec<TermEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermEntry {
    id: Option<String>,
    wrong: Option<String>,
    right: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    except: Vec<String>,
}

/// Reads a site's `terms.toml`. A malformed file is an error at its line: TOML syntax, an unknown key,
/// a `[[term]]` without `wrong` or `right`, an empty `wrong`, an id given twice.
pub fn parse_terms_toml(text: &str) -> Result<Vec<Term>, ConfigError> {
    let index = LineIndex::new(text);
    let file: TermsFile = toml::from_str(text).map_err(|error| {
        let position = error.span().map_or(Position::START, |span| index.position(text, span.start));
        let message = error.message().trim();
        ConfigError {
            position,
            message: Text::new(format!("terms.toml 格式错误：{message}"), format!("malformed terms.toml: {message}")),
        }
    })?;
    let headers = term_header_positions(text);
    let mut seen = BTreeSet::new();
    let mut terms = Vec::with_capacity(file.term.len());
    for (number, entry) in file.term.into_iter().enumerate() {
        let position = headers.get(number).copied().unwrap_or(Position::START);
        let error = |zh: String, en: String| ConfigError { position, message: Text::new(zh, en) };
        let ordinal = number + 1;
        let wrong = entry.wrong.map(|wrong| wrong.trim().to_string()).unwrap_or_default();
        if wrong.is_empty() {
            return Err(error(
                format!("terms.toml 第 {ordinal} 个 [[term]] 缺少 wrong（不得使用的表述）"),
                format!("[[term]] number {ordinal} in terms.toml has no wrong (the wording to avoid)"),
            ));
        }
        let right = entry.right.map(|right| right.trim().to_string()).unwrap_or_default();
        if right.is_empty() {
            return Err(error(
                format!("terms.toml 中“{wrong}”缺少 right（规范表述）"),
                format!("\"{wrong}\" in terms.toml has no right (the correct wording)"),
            ));
        }
        if right == wrong {
            return Err(error(
                format!("terms.toml 中“{wrong}”的 wrong 与 right 相同"),
                format!("\"{wrong}\" in terms.toml has the same wrong and right"),
            ));
        }
        let id = entry.id.map(|id| id.trim().to_string()).filter(|id| !id.is_empty()).unwrap_or_else(|| wrong.clone());
        if !seen.insert(id.clone()) {
            return Err(error(
                format!("terms.toml 中的 id “{id}”重复"),
                format!("the id \"{id}\" appears twice in terms.toml"),
            ));
        }
        terms.push(Term { id, wrong, right, note: entry.note, except: entry.except, built_in: false });
    }
    Ok(terms)
}

/// Where each `[[term]]` header stands, in order.
fn term_header_positions(text: &str) -> Vec<Position> {
    text.lines()
        .enumerate()
        .filter_map(|(number, line)| {
            let trimmed = line.trim_start();
            let header = trimmed.strip_prefix("[[")?.split("]]").next()?.trim();
            (header == "term").then(|| Position { line: number + 1, column: line.len() - trimmed.len() + 1 })
        })
        .collect()
}

/// What one pattern of the matcher is.
#[derive(Debug, Clone, Copy)]
enum Pattern {
    Wrong(usize),
    Exception,
}

/// The terms in force (built-in and the site's, less the disabled ones) as one Aho-Corasick automaton.
#[derive(Debug, Clone, Default)]
pub struct TermMatcher {
    terms: Vec<Term>,
    patterns: Vec<Pattern>,
    automaton: Option<AhoCorasick>,
    /// The wrong forms' anchors, for `may_hit`: a SIMD (Teddy) search where the CPU has one and the list is
    /// short enough, else none. Not built for WebAssembly, which has no Teddy: the browser's first module
    /// links none of it.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    wrong_forms: Option<packed::Searcher>,
}

/// One hit: the term and its byte range in the text searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'m> {
    pub term: &'m Term,
    pub range: std::ops::Range<usize>,
}

impl TermMatcher {
    /// Built-in entries first, then the site's; a site entry with a built-in's wrong form replaces it.
    pub fn new(site_terms: &[Term], disabled: &[String]) -> TermMatcher {
        let site_wrong: BTreeSet<&str> = site_terms.iter().map(|term| term.wrong.as_str()).collect();
        let terms: Vec<Term> = built_in()
            .into_iter()
            .filter(|term| !site_wrong.contains(term.wrong.as_str()))
            .chain(site_terms.iter().cloned())
            .filter(|term| !disabled.contains(&term.id))
            .collect();
        let mut texts: Vec<&str> = Vec::new();
        let mut patterns = Vec::new();
        for (index, term) in terms.iter().enumerate() {
            texts.push(&term.wrong);
            patterns.push(Pattern::Wrong(index));
            for exception in term.except.iter().filter(|exception| !exception.is_empty()) {
                texts.push(exception);
                patterns.push(Pattern::Exception);
            }
        }
        let automaton = if texts.is_empty() {
            None
        } else {
            AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&texts).ok()
        };
        TermMatcher {
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            wrong_forms: if terms.is_empty() {
                None
            } else {
                packed::Searcher::new(terms.iter().map(|term| anchor(&term.wrong)))
            },
            terms,
            patterns,
            automaton,
        }
    }

    /// Whether `find` may find anything in some part of `text`: false when no wrong form occurs anywhere
    /// in it (every hit is an occurrence of a wrong form). One SIMD pass over a whole page rules out
    /// most pages before the automaton reads any of its spans; without that search, always true.
    pub fn may_hit(&self, text: &str) -> bool {
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if let (Some(_), Some(wrong_forms)) = (&self.automaton, &self.wrong_forms) {
            return wrong_forms.find(text.as_bytes()).is_some();
        }
        let _ = text;
        self.automaton.is_some()
    }

    /// The terms in force.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Every hit in `text`, left to right, none overlapping.
    pub fn find<'m>(&'m self, text: &str) -> Vec<Hit<'m>> {
        let Some(automaton) = &self.automaton else { return Vec::new() };
        automaton
            .find_iter(text)
            .filter_map(|found| match self.patterns[found.pattern().as_usize()] {
                Pattern::Wrong(index) => Some(Hit { term: &self.terms[index], range: found.range() }),
                Pattern::Exception => None,
            })
            .collect()
    }
}

/// The part of a wrong form `may_hit` looks for: its bytes from inside its second character (after that
/// character's first byte), when at least four bytes remain (the SIMD search fingerprints four bytes);
/// else the form less its first character, when at least two characters and four bytes remain; else the
/// whole form. A text without it holds no wrong form. The first characters of the four-character idioms
/// (一, 不, 全, 出…) are among the commonest in Chinese, and each false lead costs a comparison; and the
/// search matches each byte's two halves separately, so a fingerprint of continuation bytes (six bits
/// each) with one lead byte (E4–E9 for most characters: under three bits) lets fewer characters through
/// than one with two lead bytes (check pass: 55 M -> 29 M instructions for this search).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn anchor(wrong: &str) -> &[u8] {
    let mut starts = wrong.char_indices().map(|(at, _)| at).skip(1);
    let second = starts.next().unwrap_or(wrong.len());
    let inside_second = wrong.as_bytes().get(second + 1..).unwrap_or_default();
    if second < wrong.len() && inside_second.len() >= 4 {
        return inside_second;
    }
    let rest = &wrong[second..];
    if rest.len() >= 4 && rest.chars().count() >= 2 {
        rest.as_bytes()
    } else {
        wrong.as_bytes()
    }
}

/// The id of the built-in check of 发文字号 brackets (GB/T 9704-2012 7.2.4: 〔2024〕, not [2024]).
pub const DOC_NUMBER_ID: &str = "gbt9704-doc-number";

/// Every id a `[terms] disable` entry may name: the built-in ones and the site's.
pub fn known_ids(site_terms: &[Term]) -> Vec<String> {
    BUILT_IN
        .iter()
        .map(|(id, ..)| (*id).to_string())
        .chain(std::iter::once(DOC_NUMBER_ID.to_string()))
        .chain(site_terms.iter().map(|term| term.id.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_entries_are_distinct_and_cite_a_source() {
        let terms = built_in();
        let ids: BTreeSet<&str> = terms.iter().map(|term| term.id.as_str()).collect();
        let wrongs: BTreeSet<&str> = terms.iter().map(|term| term.wrong.as_str()).collect();
        assert_eq!(ids.len(), terms.len());
        assert_eq!(wrongs.len(), terms.len());
        for term in &terms {
            assert!(!term.note.is_empty() && term.wrong != term.right, "{term:?}");
            assert!(term.except.iter().all(|exception| exception.contains(&term.wrong)), "{term:?}");
        }
    }

    #[test]
    fn finds_wrong_forms_but_not_inside_exceptions() {
        let matcher = TermMatcher::new(&[], &[]);
        let text = "会议布署了工作，新华社发布署名文章，要再接再励。";
        let hits: Vec<(&str, &str)> =
            matcher.find(text).into_iter().map(|hit| (&text[hit.range], hit.term.right.as_str())).collect();
        assert_eq!(hits, [("布署", "部署"), ("再接再励", "再接再厉")]);
    }

    proptest::proptest! {
        /// `may_hit` is false only where `find` finds nothing.
        #[test]
        fn may_hit_never_hides_a_hit(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "布", "署", "发", "布署", "发布署", "再接再", "励", "厉", "。", "。。", "精采", "取", "录象", "征", "接再励", "径而走", "不", "国藉",
                    "，", "a", " ", "\n", "一如", "继往", "震憾", "重迭", "青兰市",
                ]),
                0..16,
            )
        ) {
            let text: String = pieces.concat();
            let site = parse_terms_toml("[[term]]\nwrong = \"青兰市\"\nright = \"青岚市\"\n").unwrap();
            for matcher in [TermMatcher::new(&[], &[]), TermMatcher::new(&site, &["xdhy-bushu".to_string()])] {
                if !matcher.may_hit(&text) {
                    proptest::prop_assert!(matcher.find(&text).is_empty(), "{text}");
                }
            }
        }
    }

    #[test]
    fn a_text_without_a_wrong_form_may_not_hit() {
        let matcher = TermMatcher::new(&[], &[]);
        assert!(!matcher.may_hit(""));
        assert!(!matcher.may_hit("要再接再厉，一如既往。"));
        assert!(matcher.may_hit("新华社发布署名文章"), "an exception holds a wrong form: the automaton decides");
        assert!(matcher.may_hit("会议布署了工作"));
        assert!(!TermMatcher::new(&[], &["xdhy-bushu".to_string()]).may_hit("会议布署了工作"));
    }

    #[test]
    fn site_terms_add_replace_and_disable() {
        let site =
            parse_terms_toml("[[term]]\nid = \"qinglan\"\nwrong = \"青兰市\"\nright = \"青岚市\"\nnote = \"市名\"\n")
                .unwrap();
        let matcher = TermMatcher::new(&site, &["xdhy-bushu".to_string()]);
        let text = "青兰市布署";
        let hits: Vec<&str> = matcher.find(text).into_iter().map(|hit| hit.term.id.as_str()).collect();
        assert_eq!(hits, ["qinglan"]);
        let disabled = TermMatcher::new(&site, &["qinglan".to_string()]);
        assert_eq!(disabled.find(text).len(), 1);
    }

    #[test]
    fn malformed_files_are_errors_at_their_line() {
        let error = parse_terms_toml("[[term]]\nwrong = \"布署\"\nright = \"部署\n").unwrap_err();
        assert_eq!(error.position.line, 3);
        assert!(error.message.zh.starts_with("terms.toml 格式错误"), "{}", error.message.zh);
        let error =
            parse_terms_toml("[[term]]\nwrong = \"a\"\nright = \"b\"\n\n[[term]]\nwrong = \"c\"\n").unwrap_err();
        assert_eq!(error.position.line, 5);
        assert!(error.message.zh.contains("缺少 right"), "{}", error.message.zh);
        let error = parse_terms_toml("[[term]]\nwrong = \"a\"\nright = \"b\"\nrigth = \"c\"\n").unwrap_err();
        assert_eq!(error.position.line, 4);
        let error = parse_terms_toml(
            "[[term]]\nid = \"x\"\nwrong = \"a\"\nright = \"b\"\n[[term]]\nid = \"x\"\nwrong = \"c\"\nright = \"d\"\n",
        )
        .unwrap_err();
        assert_eq!(error.position.line, 5);
        assert!(parse_terms_toml("").unwrap().is_empty());
    }
}
