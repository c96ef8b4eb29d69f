//! 第十一条: services support open standards; they neither require a specific browser, office suite
//! or plug-in (first paragraph) nor bind users to one platform's app (second paragraph).
//!
//! What fires is a requirement, not a mention: 请使用IE浏览器, 仅支持360浏览器, 建议使用谷歌浏览器访问,
//! ActiveX, 请安装…控件, 仅支持WPS, 须下载…APP才能办理, 关注…公众号后方可办理. “本站支持各主流浏览器”,
//! “建议使用Chrome、Firefox等主流浏览器” and negations (“无需安装任何控件”, “不使用ActiveX”) do not.
//! The body is read as written (markup included, so emphasis cannot hide a phrase), plus the
//! displayed front-matter values.

use std::ops::Range;
use std::sync::LazyLock;

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use aho_corasick::packed;
use aho_corasick::AhoCorasick;
use regex::{Regex, RegexSet};

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::normalise::{Normalised, Stretch};
use crate::rules::{PageContext, RuleInfo};
use crate::text_scan::body_and_displayed_values;

pub const BROWSER: RuleInfo = RuleInfo {
    id: "compatibility.browser",
    article: 11,
    severity: Severity::Warning,
    summary_zh: "不得要求用户使用特定浏览器",
    summary_en: "Do not require a specific browser",
};

pub const PLUGIN: RuleInfo = RuleInfo {
    id: "compatibility.plugin",
    article: 11,
    severity: Severity::Warning,
    summary_zh: "不得依赖 ActiveX 或要求安装浏览器控件、插件",
    summary_en: "Do not rely on ActiveX or require browser controls and plug-ins",
};

pub const OFFICE: RuleInfo = RuleInfo {
    id: "compatibility.office",
    article: 11,
    severity: Severity::Warning,
    summary_zh: "不得要求用户使用特定办公软件",
    summary_en: "Do not require a specific office suite",
};

pub const PLATFORM: RuleInfo = RuleInfo {
    id: "compatibility.platform",
    article: 11,
    severity: Severity::Warning,
    summary_zh: "不得绑定单一互联网平台，不得以下载、注册特定应用作为获取服务的前提",
    summary_en: "Do not bind a service to one platform or make installing a specific app a precondition",
};

pub const RULES: &[RuleInfo] = &[BROWSER, PLUGIN, OFFICE, PLATFORM];

/// Within one clause: no sentence-ending punctuation or line break.
const CLAUSE: &str = r"[^。；！？!?;\n]";
const BROWSERS: &str = r"(?:IE|Internet Explorer|(?i:internet explorer|chrome|firefox|edge|safari|opera)|360|谷歌|火狐|搜狗|猎豹|遨游|微软|QQ)";
const OFFICE_SUITES: &str = r"(?:WPS|(?:Microsoft|微软)?\s*(?:Office|Word|Excel)|永中|金山)";
const MUST: &str = r"(?:请|须|需|需要|必须|只能|仅能|仅可|只可|要)";
/// A requirement without the polite 请 (请关注…公众号 invites, it does not require).
const STRICT_MUST: &str = r"(?:须|需|需要|必须|只能|仅能|仅可|只可|务必|一律|应当|应)";
/// Within one part of a clause: also no comma or enumeration comma.
const SUBCLAUSE: &str = r"[^。；！？!?;\n，,、]";
/// Named internet platforms, their apps and accounts on them. An account counts when a platform or a
/// quoted app name comes before it (须注册“某某”账号, 微信账号), not the site's own (须注册本网站账号).
const PLATFORM_THINGS: &str = r"(?:APP|App|app|客户端|公众号|小程序|服务号|视频号|微信|支付宝|抖音|快手|微博|钉钉|淘宝|云闪付|美团|百度|(?:QQ|平台|[”」』\x22])(?:账号|帐号|账户|帐户))";

/// The phrase shapes, one list per rule; each shape is tried as part of one combined scan.
fn shapes() -> [(&'static RuleInfo, Vec<String>); 4] {
    [
        (
            &BROWSER,
            vec![
                format!(
                    r"{MUST}(?:您)?(?:先)?(?:使用|用|在|通过|选用|采用|安装){CLAUSE}{{0,16}}?{BROWSERS}{CLAUSE}{{0,12}}?浏览器"
                ),
                format!(
                    r"(?:仅|只)(?:支持|适用于|适配|兼容|可用|能用|可在|能在|可以在|能够在){CLAUSE}{{0,16}}?{BROWSERS}{CLAUSE}{{0,12}}?浏览器"
                ),
                r"(?:仅|只)(?:支持|适用于|兼容)\s*(?:IE|Internet Explorer)\s*[0-9]*".to_string(),
                format!(r"建议(?:您)?(?:使用|采用|用|在|选用){CLAUSE}{{0,16}}?{BROWSERS}{CLAUSE}{{0,12}}?浏览器"),
                format!(
                    r"{MUST}{CLAUSE}{{0,12}}?(?:切换|设置|调整|开启|打开|设为){CLAUSE}{{0,8}}?(?:兼容模式|兼容性视图|极速模式)"
                ),
            ],
        ),
        (
            &PLUGIN,
            vec![
                r"(?i:activex)".to_string(),
                format!(
                    r"{MUST}(?:先)?(?:下载)?(?:并)?(?:安装|加载|启用|运行){CLAUSE}{{0,20}}?(?:控件|插件|加载项|(?i:flash))"
                ),
                r"(?i)<object[\s/][^>]*classid\s*=".to_string(),
            ],
        ),
        (
            &OFFICE,
            vec![
                format!(r"(?:仅|只)(?:支持|能|可|能用|可用|可以用){CLAUSE}{{0,12}}?{OFFICE_SUITES}"),
                format!(
                    r"{MUST}(?:使用|用|安装){CLAUSE}{{0,6}}?{OFFICE_SUITES}{CLAUSE}{{0,8}}?(?:打开|编辑|填写|查看|阅读)"
                ),
            ],
        ),
        (
            &PLATFORM,
            vec![
                // A precondition: 须下载…APP, 须先注册“某某”账号, 必须关注…公众号, 需使用微信扫码.
                format!(
                    r"{STRICT_MUST}(?:先|在)?(?:下载|安装|注册|关注|登录|使用|绑定|通过|用){CLAUSE}{{0,20}}?{PLATFORM_THINGS}"
                ),
                // 请下载…APP办理, 请先注册…账号 (an invitation to follow an account is not a precondition).
                format!(r"请(?:先)?(?:下载|安装|注册|登录|绑定){CLAUSE}{{0,20}}?{PLATFORM_THINGS}"),
                // 下载…APP后方可办理, 关注…公众号才能预约.
                format!(
                    r"(?:下载|安装|注册|关注|登录|使用|绑定){CLAUSE}{{0,20}}?{PLATFORM_THINGS}{CLAUSE}{{0,8}}?(?:才能|才可|方可|方能)"
                ),
                // The only channel: 仅支持微信扫码, 只能通过“某某”小程序办理, 仅限支付宝缴费.
                format!(
                    r"(?:仅|只)(?:能|可|可以|支持|限|接受)(?:通过|使用|用|在|于|登录)?{SUBCLAUSE}{{0,20}}?{PLATFORM_THINGS}"
                ),
            ],
        ),
    ]
}

/// Every shape names what it requires (a browser, a control, an office suite, an app): one literal
/// scan for those words finds the few places where the phrase regexes need to run at all. Browser
/// names only count next to 浏览器 or after 仅支持 and the like, so those stand for them. Every word is at
/// least three bytes and ASCII words are listed in their usual spellings rather than case-folded: the
/// fast (Teddy) literal search fingerprints the first three bytes, and a two-byte word or a
/// case-folded set makes it slower than the Markdown parse.
const REQUIRED_THINGS: &[&str] = &[
    "浏览器",
    "兼容模式",
    "兼容性视图",
    "极速模式",
    "控件",
    "插件",
    "加载项",
    "永中",
    "金山",
    "客户端",
    "公众号",
    "小程序",
    "服务号",
    "微信",
    "支付宝",
    "抖音",
    "微博",
    "视频号",
    "快手",
    "钉钉",
    "淘宝",
    "云闪付",
    "美团",
    "百度",
    "账号",
    "帐号",
    "账户",
    "帐户",
    "仅支持",
    "只支持",
    "仅适用",
    "只适用",
    "仅兼容",
    "只兼容",
    "Internet Explorer",
    "ActiveX",
    "activex",
    "ACTIVEX",
    "Activex",
    "classid",
    "CLASSID",
    "Flash",
    "flash",
    "FLASH",
    "WPS",
    "wps",
    "Wps",
    "Office",
    "office",
    "OFFICE",
    "Word",
    "word",
    "WORD",
    "Excel",
    "excel",
    "EXCEL",
    "APP",
    "App",
    "app",
];

/// How far around a required thing a phrase can reach, in bytes (the longest shape is ~30 characters).
const REACH_BEFORE: usize = 240;
const REACH_AFTER: usize = 160;

/// One scan finds candidates; the set tells which rule a candidate belongs to.
struct Matchers {
    required_things: Regex,
    combined: Regex,
    by_rule: Vec<(&'static RuleInfo, RegexSet)>,
}

static MATCHERS: LazyLock<Matchers> = LazyLock::new(|| {
    let shapes = shapes();
    let all: Vec<String> =
        shapes.iter().flat_map(|(_, patterns)| patterns.iter().map(|p| format!("(?:{p})"))).collect();
    Matchers {
        required_things: Regex::new(&REQUIRED_THINGS.join("|")).expect("static regex compiles"),
        combined: Regex::new(&all.join("|")).expect("static regex compiles"),
        by_rule: shapes
            .into_iter()
            .map(|(rule, patterns)| (rule, RegexSet::new(patterns).expect("static regex compiles")))
            .collect(),
    }
});

/// The same words as two SIMD (Teddy) searches where the CPU has them: the Chinese words from their
/// second byte (so the four bytes the search fingerprints hold one lead byte, which tells few characters
/// apart, and three continuation bytes), and the ASCII words. A text where neither finds anything holds
/// no required thing. Not built for WebAssembly, which has no Teddy.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
static REQUIRED_THINGS_BY_SCRIPT: LazyLock<Option<[packed::Searcher; 2]>> = LazyLock::new(|| {
    let (ascii, chinese): (Vec<&str>, Vec<&str>) = REQUIRED_THINGS.iter().partition(|word| word.is_ascii());
    let chinese = chinese.into_iter().map(|word| word.as_bytes().get(1..).unwrap_or_default());
    Some([packed::Searcher::new(chinese)?, packed::Searcher::new(ascii)?])
});

/// Whether a text may hold a required thing: false means `find_in_folded` finds nothing in it.
fn may_hold_required_thing(text: &str) -> bool {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    if let Some(searchers) = &*REQUIRED_THINGS_BY_SCRIPT {
        return searchers.iter().any(|searcher| searcher.find(text.as_bytes()).is_some());
    }
    let _ = text;
    true
}

/// The same words as an Aho-Corasick automaton, for `may_fire`: no regex.
static REQUIRED_THINGS_ANYWHERE: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(REQUIRED_THINGS).expect("static word list builds"));

/// Whether `check` can find anything on the page: it only looks around a required thing, in the text as
/// it reads it (folded). False means `check` gives nothing; the browser's first module, which links no
/// regex, asks this instead of running `check` (docs/checker.md).
pub fn may_fire(context: &PageContext<'_, '_>) -> bool {
    let page = context.page;
    let folded = page.folded();
    body_and_displayed_values(page)
        .into_iter()
        .any(|range| REQUIRED_THINGS_ANYWHERE.is_match(folded.stretch(range).text))
}

/// Lists of mainstream browsers and negations are not requirements.
const NOT_A_REQUIREMENT: [&str; 7] = ["等", "主流", "任意", "任一", "各种", "常用", "常见"];
const NEGATIONS: [&str; 5] = ["不", "无", "免", "没有", "未"];

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    let folded = page.folded();
    for range in body_and_displayed_values(page) {
        for (rule, found) in requirements_in(&folded.stretch(range)) {
            let phrase = shorten(&page.source[found.clone()]);
            out.push(page.diagnostic_at(found, diagnostic(rule, &phrase)));
        }
    }
}

fn diagnostic(rule: &RuleInfo, phrase: &str) -> Diagnostic {
    let (message, help) = match rule.id {
        "compatibility.browser" => (
            Text::new(
                format!("“{phrase}”要求用户使用特定浏览器（第十一条：不得要求用户使用特定浏览器访问）"),
                format!("\"{phrase}\" requires a particular browser (article 11: users must not be required to use one)"),
            ),
            Text::new(
                "按开放标准开发，确保各主流浏览器都能正常使用，并删除这类要求",
                "Build to open standards so every mainstream browser works, and remove the requirement",
            ),
        ),
        "compatibility.plugin" => (
            Text::new(
                format!("“{phrase}”依赖 ActiveX 或要求安装控件、插件（第十一条：应支持开放标准）"),
                format!("\"{phrase}\" relies on ActiveX or requires installing a control or plug-in (article 11: support open standards)"),
            ),
            Text::new(
                "改用无需插件的网页技术（HTML5、WebCrypto 等）",
                "Use web technology that needs no plug-in (HTML5, WebCrypto)",
            ),
        ),
        "compatibility.office" => (
            Text::new(
                format!("“{phrase}”要求用户使用特定办公软件（第十一条）"),
                format!("\"{phrase}\" requires a particular office suite (article 11)"),
            ),
            Text::new(
                "提供开放格式（如 PDF、OFD、ODF）的文件，不指定办公软件",
                "Provide files in open formats (PDF, OFD, ODF) without naming an office suite",
            ),
        ),
        _ => (
            Text::new(
                format!("“{phrase}”把下载、注册或关注特定平台应用作为办理前提（第十一条：不得绑定单一互联网平台）"),
                format!("\"{phrase}\" makes one platform's app a precondition of the service (article 11: do not bind services to a single platform)"),
            ),
            Text::new(
                "同时提供网站等不依赖特定平台的办理渠道，并删除“须”“才能”“方可”这类前提",
                "Offer a channel that needs no particular platform (the web site itself) and drop the precondition",
            ),
        ),
    };
    rule.diagnostic(message, help)
}

/// Requirements written in `source[range]`, with ranges in the whole source. The text is read folded
/// (`ＩＥ浏览器`, `ＡＰＰ` as pasted from Word read as `IE浏览器`, `APP`).
pub fn find_requirements(source: &str, range: Range<usize>) -> Vec<(&'static RuleInfo, Range<usize>)> {
    let window = &source[range.clone()];
    requirements_in(&Normalised::new(window).stretch(0..window.len()))
        .into_iter()
        .map(|(rule, found)| (rule, range.start + found.start..range.start + found.end))
        .collect()
}

/// Requirements in a folded stretch, with ranges in the text it was folded from.
fn requirements_in(stretch: &Stretch<'_>) -> Vec<(&'static RuleInfo, Range<usize>)> {
    find_in_folded(stretch.text).into_iter().map(|(rule, found)| (rule, stretch.range_to_original(found))).collect()
}

fn find_in_folded(text: &str) -> Vec<(&'static RuleInfo, Range<usize>)> {
    if !may_hold_required_thing(text) {
        return Vec::new();
    }
    requirements_around_things(text)
}

/// `find_in_folded` without its first search: the phrases around each required thing.
fn requirements_around_things(text: &str) -> Vec<(&'static RuleInfo, Range<usize>)> {
    let range = 0..text.len();
    let matchers = &*MATCHERS;
    let mut found = Vec::new();
    for window in windows(text, matchers.required_things.find_iter(text).map(|thing| thing.range())) {
        let window_text = &text[window.clone()];
        for candidate in matchers.combined.find_iter(window_text) {
            let phrase = candidate.as_str();
            let Some((rule, _)) = matchers.by_rule.iter().find(|(_, set)| set.is_match(phrase)) else { continue };
            let listing = rule.id == BROWSER.id && NOT_A_REQUIREMENT.iter().any(|word| phrase.contains(word));
            if listing || negated(&window_text[..candidate.start()]) {
                continue;
            }
            if rule.id == PLATFORM.id && (own_platform(phrase) || has_alternative(window_text, candidate.range())) {
                continue;
            }
            let start = range.start + window.start + candidate.start();
            found.push((*rule, start..start + phrase.len()));
        }
    }
    found
}

/// The stretches of `text` around each required thing, merged where they overlap.
fn windows(text: &str, things: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut windows: Vec<Range<usize>> = Vec::new();
    for thing in things {
        let start = floor_boundary(text, thing.start.saturating_sub(REACH_BEFORE));
        let end = ceil_boundary(text, (thing.end + REACH_AFTER).min(text.len()));
        match windows.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => windows.push(start..end),
        }
    }
    windows
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// Whether the few characters before a phrase negate it (无需安装…, 不使用ActiveX): the last
/// `NEGATION_REACH` characters of its clause. Only those are read, however long the clause, so a window
/// without punctuation costs a constant per candidate rather than its whole length.
fn negated(before: &str) -> bool {
    let reach = before.char_indices().rev().nth(NEGATION_REACH - 1).map_or(0, |(index, _)| index);
    let tail = &before[reach..];
    let clause = tail.rsplit(['。', '；', '！', '？', '，', '\n']).next().unwrap_or(tail);
    NEGATIONS.iter().any(|word| clause.contains(word))
}

/// The government's own platforms (统一身份认证, 政务服务网/平台, this site) are not a third party's.
fn own_platform(phrase: &str) -> bool {
    ["政务", "政府", "统一身份认证", "本站", "本网站", "本平台", "本系统", "门户"]
        .iter()
        .any(|word| phrase.contains(word))
}

/// Whether the sentence around a platform phrase offers another channel (也可通过…, …或登录本网站), or the
/// phrase names several platforms (仅支持微信、支付宝等): then no single platform is the only way. Reads at
/// most `ALTERNATIVE_REACH` characters each side, so a sentence without end costs a constant per phrase.
fn has_alternative(text: &str, phrase: Range<usize>) -> bool {
    let before_start =
        text[..phrase.start].char_indices().rev().nth(ALTERNATIVE_REACH - 1).map_or(0, |(index, _)| index);
    let after_end =
        text[phrase.end..].char_indices().nth(ALTERNATIVE_REACH).map_or(text.len(), |(index, _)| phrase.end + index);
    let ends = ['。', '；', '！', '？', '!', '?', ';', '\n'];
    let before = &text[before_start..phrase.start];
    let before = before.rsplit(ends).next().unwrap_or(before);
    let after = &text[phrase.end..after_end];
    let after = after.split(ends).next().unwrap_or(after);
    let sentence = [before, &text[phrase.clone()], after];
    let alternative = ["或", "也可", "还可", "亦可", "也能", "以及"];
    if sentence.iter().any(|part| alternative.iter().any(|word| part.contains(word))) {
        return true;
    }
    // 仅支持微信、支付宝等: a list right after the phrase.
    let next: String = after.chars().take(3).collect();
    next.starts_with('、') || next.starts_with('等') || next.starts_with('和') || next.starts_with('及')
}

/// How many characters around a platform phrase are read for another channel.
const ALTERNATIVE_REACH: usize = 60;

/// How many characters before a phrase may negate it.
const NEGATION_REACH: usize = 4;

fn shorten(phrase: &str) -> String {
    const LIMIT: usize = 40;
    let phrase: String = phrase.trim().chars().filter(|c| !matches!(c, '*' | '`')).collect();
    if phrase.chars().count() <= LIMIT {
        phrase
    } else {
        format!("{}…", phrase.chars().take(LIMIT).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<&'static str> {
        find_requirements(text, 0..text.len()).into_iter().map(|(rule, _)| rule.id).collect()
    }

    proptest::proptest! {
        /// The two searches by script let through every text holding a required thing, and so hide no
        /// requirement.
        #[test]
        fn the_searches_by_script_hide_no_requirement(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "请使用", "IE", "浏览器", "浏览", "器", "仅支持", "仅", "支持", "WPS", "W", "PS", "ＡＰＰ", "APP", "Ap", "p", "须下载",
                    "“市民通”", "才能办理", "控件", "安装", "ActiveX", "Active", "X", "微信", "公众号", "账号", "Internet Explorer",
                    "Internet", " ", "\u{3000}", "，", "。", "\n", "Word", "wor", "d", "Excel", "classid", "<object ", "览器", "信",
                ]),
                0..12,
            )
        ) {
            let text: String = pieces.concat();
            let folded = Normalised::new(&text);
            let text = folded.text();
            if MATCHERS.required_things.is_match(text) {
                proptest::prop_assert!(may_hold_required_thing(text), "{}", text);
            }
            let key = |found: Vec<(&'static RuleInfo, Range<usize>)>| -> Vec<(&'static str, Range<usize>)> {
                found.into_iter().map(|(rule, range)| (rule.id, range)).collect()
            };
            proptest::prop_assert_eq!(key(find_in_folded(text)), key(requirements_around_things(text)));
        }
    }

    #[test]
    fn requirements_fire() {
        assert_eq!(rules("请使用IE浏览器访问本系统。"), ["compatibility.browser"]);
        assert_eq!(rules("本系统仅支持IE8"), ["compatibility.browser"]);
        assert_eq!(rules("建议使用360安全浏览器访问"), ["compatibility.browser"]);
        assert_eq!(rules("请先下载并安装签章控件"), ["compatibility.plugin"]);
        assert_eq!(rules("<object classid=\"clsid:1234\"></object>"), ["compatibility.plugin"]);
        assert_eq!(rules("附件仅支持WPS打开"), ["compatibility.office"]);
        assert_eq!(rules("须下载“市民通”APP才能办理"), ["compatibility.platform"]);
        assert_eq!(rules("关注“示例发布”微信公众号后方可办理"), ["compatibility.platform"]);
        assert_eq!(rules("仅能通过微信办理"), ["compatibility.platform"]);
    }

    #[test]
    fn single_platform_channels_fire() {
        for text in [
            "缴费仅支持微信扫码支付。",
            "办理前须先注册“青岚通”账号。",
            "申请人需先注册某平台账号后提交材料。",
            "本事项只能通过“青岚办事”小程序办理。",
            "下载“青岚通”APP后方可预约。",
            "须使用支付宝扫码登录。",
            "预约仅限通过“青岚通”APP提交。",
            "请先下载“青岚通”客户端再办理。",
            "办理须使用ＡＰＰ扫码。",
        ] {
            assert_eq!(rules(text), ["compatibility.platform"], "{text}");
        }
    }

    #[test]
    fn official_accounts_and_several_channels_stay_quiet() {
        for text in [
            "欢迎关注“青岚发布”微信公众号、微博和抖音号。",
            "请关注“青岚发布”微信公众号，及时获取政务信息。",
            "政务新媒体矩阵：微信公众号“青岚发布”；新浪微博“@青岚发布”；抖音号“青岚发布”。",
            "群众可通过本网站办理，也可通过“青岚通”APP或微信小程序办理。",
            "须下载“青岚通”APP或登录本网站办理。",
            "仅支持微信、支付宝等扫码支付。",
            "申请人须先注册省政务服务网账号。",
            "无需下载任何APP即可办理。",
            "本网站提供网页、APP、小程序等多种办理渠道。",
        ] {
            assert!(rules(text).is_empty(), "{text}: {:?}", rules(text));
        }
    }

    #[test]
    fn mentions_and_open_statements_do_not() {
        assert!(rules("本站支持各主流浏览器。").is_empty());
        assert!(rules("建议使用Chrome、Firefox等主流浏览器访问").is_empty());
        assert!(rules("本站无需安装任何控件").is_empty());
        assert!(rules("本站不使用ActiveX技术").is_empty());
        assert_eq!(rules("如页面不能正常显示，请使用IE浏览器"), ["compatibility.browser"]);
        assert!(rules("也可下载“市民通”APP办理").is_empty());
        assert!(rules("附件为 PDF 格式").is_empty());
    }
}
