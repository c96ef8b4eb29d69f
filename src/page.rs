//! A Markdown page parsed once: front matter, Markdown events with offsets, links and text runs.
//! Checking, rendering and link extraction all read this one value.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diagnostic::{Diagnostic, Position, Text};
use crate::front_matter::{self, FrontMatter, FrontMatterError, KeyLines};
use crate::html_scan;
use crate::normalise::Normalised;
use crate::source::LineIndex;
use crate::text_scan;
use crate::url_judge::decode_attribute;

/// The Markdown extensions govpress renders (and so must check the same way).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What kind of reference a URL is: links navigate, the rest load resources into the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Link,
    Image,
    Script,
    Style,
    Frame,
    Media,
    Object,
}

impl LinkKind {
    /// Resources are fetched when the page loads (第二十九条 applies to them).
    pub fn is_resource(self) -> bool {
        self != LinkKind::Link
    }
}

/// One URL the page refers to, where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub url: String,
    pub kind: LinkKind,
    /// Byte range in the whole source (the URL itself for raw HTML; the link or image for Markdown).
    pub range: Range<usize>,
    /// Set for raw HTML tags: the `integrity` attribute, if any (第二十七条).
    pub integrity: Option<String>,
    pub from_html: bool,
    /// Raw HTML only: the value with its character references decoded as the browser's tokenizer does
    /// (`java&colon;script:`), when that differs from `url`. Decoded here, where the tag is read, so the
    /// rules never decode (and a page without raw HTML links no entity table).
    pub decoded: Option<String>,
}

impl LinkRef {
    /// The URL as the browser reads it: Markdown destinations come decoded, raw HTML values get `decoded`.
    pub fn target(&self) -> &str {
        self.decoded.as_deref().unwrap_or(&self.url)
    }
}

/// A run of prose (or code, or raw HTML) with its byte range in the whole source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRun {
    pub range: Range<usize>,
    pub kind: TextKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Prose,
    Code,
    Html,
    /// A front-matter value that is displayed (title, description, reprint source name).
    FrontMatter,
}

#[derive(Debug)]
pub struct Page<'a> {
    /// Site-relative path, e.g. `content/news/a.md`.
    pub path: &'a str,
    pub source: &'a str,
    /// Line starts, built the first time a position is asked for (`lines`): most pages have no finding.
    lines: OnceLock<LineIndex>,
    /// Shared with the site model's page (`crate::site::SitePage`): read once, never copied.
    pub front_matter: Arc<FrontMatter>,
    pub keys: KeyLines,
    pub has_front_matter: bool,
    /// False when the front matter is missing or could not be read (already reported), so rules
    /// about its keys stay quiet instead of reporting every key as missing.
    pub front_matter_valid: bool,
    pub body_offset: usize,
    pub events: Vec<(Event<'a>, Range<usize>)>,
    pub links: Vec<LinkRef>,
    pub text_runs: Vec<TextRun>,
    /// The whole source folded (`crate::normalise`), built the first time a text rule asks: the rules
    /// that read folded text (personal data, secrets, compatibility) share this one pass.
    folded: OnceLock<Normalised<'a>>,
}

/// A page's front matter, read before its body: the site model (URLs, sections, titles, dates) is
/// built from these, and each one is then moved into the `Page` its body is parsed into, so the front
/// matter is parsed once per page.
#[derive(Debug)]
pub struct PageHead {
    /// Shared with the site model, which keeps it after the page is processed.
    pub front_matter: Arc<FrontMatter>,
    pub keys: KeyLines,
    pub has_front_matter: bool,
    pub body_offset: usize,
    /// Front-matter problems, not yet located in a file.
    problems: Vec<Diagnostic>,
}

impl PageHead {
    /// Splits and parses the front matter only.
    pub fn read(source: &str) -> PageHead {
        PageHead::read_with(source, |source, split| Some(front_matter::parse(source, split)))
            .expect("the full front-matter reader always reads")
    }

    /// `read` for TOML front matter (or none): `None` for YAML (see `front_matter::parse_toml_only`).
    pub fn read_toml_only(source: &str) -> Option<PageHead> {
        PageHead::read_with(source, front_matter::parse_toml_only)
    }

    fn read_with(
        source: &str,
        parse: impl FnOnce(&str, &front_matter::Split<'_>) -> Option<Result<(FrontMatter, KeyLines), FrontMatterError>>,
    ) -> Option<PageHead> {
        #[cfg(test)]
        parse_counts::count(|counts| counts.heads += 1);
        let (front_matter, keys, has_front_matter, body_offset, problems) = match front_matter::split(source) {
            Ok(split) => match parse(source, &split)? {
                Ok((front_matter, keys)) => (front_matter, keys, true, split.body_offset, Vec::new()),
                Err(error) => (
                    FrontMatter::default(),
                    KeyLines::default(),
                    true,
                    split.body_offset,
                    vec![front_matter_diagnostic(&error)],
                ),
            },
            Err(error) => {
                (FrontMatter::default(), KeyLines::default(), false, 0, vec![front_matter_diagnostic(&error)])
            }
        };
        Some(PageHead { front_matter: Arc::new(front_matter), keys, has_front_matter, body_offset, problems })
    }

    /// False when the front matter is missing or could not be read.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

impl<'a> Page<'a> {
    /// Parses a page. Front-matter problems come back as diagnostics; the body is parsed regardless
    /// so one broken key does not hide the rest of the page's findings.
    pub fn parse(path: &'a str, source: &'a str) -> (Page<'a>, Vec<Diagnostic>) {
        Page::with_head(path, source, PageHead::read(source))
    }

    /// Parses the body of a page whose front matter was already read (`head` must come from `source`).
    pub fn with_head(path: &'a str, source: &'a str, head: PageHead) -> (Page<'a>, Vec<Diagnostic>) {
        Page::assemble(path, source, head, |fragment, offset| Some(html_links(fragment, offset)))
            .expect("the raw-HTML reader always reads")
    }

    /// Like `parse`, for a page with TOML front matter (or none) and no raw HTML: `None` for YAML front
    /// matter or any raw HTML in the body (a tag, a comment, an HTML block). The browser's first module
    /// checks drafts with this, and so links neither lol_html nor a YAML parser; a page it refuses waits
    /// for the full checking module (docs/checker.md).
    pub fn parse_markdown_only(path: &'a str, source: &'a str) -> Option<(Page<'a>, Vec<Diagnostic>)> {
        Page::assemble(path, source, PageHead::read_toml_only(source)?, |_, _| None)
    }

    /// The body parse behind `with_head` and `parse_markdown_only`. `html_links` reads the links of a raw
    /// HTML fragment at a byte offset, or refuses the page with `None`; generic, so the Markdown-only
    /// path links no HTML reader.
    fn assemble(
        path: &'a str,
        source: &'a str,
        head: PageHead,
        html_links: impl FnMut(&str, usize) -> Option<Vec<LinkRef>>,
    ) -> Option<(Page<'a>, Vec<Diagnostic>)> {
        #[cfg(test)]
        parse_counts::count(|counts| counts.bodies += 1);
        let PageHead { front_matter, keys, has_front_matter, body_offset, problems: diagnostics } = head;
        let body_offset = body_offset.min(source.len());
        let body = source.get(body_offset..).unwrap_or_default();
        // Sized for typical prose (about one event per 24 bytes) so the vector rarely regrows.
        let mut events = Vec::with_capacity(body.len() / 24 + 8);
        events.extend(
            Parser::new_ext(body, markdown_options())
                .into_offset_iter()
                .map(|(event, range)| (event, range.start + body_offset..range.end + body_offset)),
        );
        let (links, mut text_runs) = collect_links_and_text(source, &events, html_links)?;
        text_runs.extend(front_matter_text_runs(source, &front_matter, &keys));
        let front_matter_valid = diagnostics.is_empty();
        let page = Page {
            path,
            source,
            lines: OnceLock::new(),
            front_matter,
            keys,
            has_front_matter,
            front_matter_valid,
            body_offset,
            events,
            links,
            text_runs,
            folded: OnceLock::new(),
        };
        let diagnostics = diagnostics.into_iter().map(|diagnostic| diagnostic.in_file(path)).collect();
        Some((page, diagnostics))
    }

    /// The whole source folded, with its map back to the source. Folding is one character for one
    /// character, so the folded form of any stretch `source[range]` (on character boundaries) is
    /// `folded().text()[folded().range_to_folded(range)]`.
    pub fn folded(&self) -> &Normalised<'a> {
        self.folded.get_or_init(|| Normalised::new(self.source))
    }

    /// The source's line index.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.source))
    }

    pub fn position(&self, offset: usize) -> Position {
        self.lines().position(self.source, offset)
    }

    /// A diagnostic spanning a byte range of this page.
    pub fn diagnostic_at(&self, range: Range<usize>, diagnostic: Diagnostic) -> Diagnostic {
        diagnostic.at(self.position(range.start), self.position(range.end)).in_file(self.path)
    }

    /// A diagnostic on a front-matter key's line (or its table, or the opening fence).
    pub fn diagnostic_at_key(&self, dotted_key: &str, diagnostic: Diagnostic) -> Diagnostic {
        let position = self.keys.get(dotted_key);
        diagnostic.at(position, position).in_file(self.path)
    }

    /// `_index.md` pages define sections (栏目).
    pub fn is_section_index(&self) -> bool {
        self.path.rsplit('/').next() == Some("_index.md")
    }

    pub fn text(&self, run: &TextRun) -> &'a str {
        &self.source[run.range.clone()]
    }
}

fn front_matter_diagnostic(error: &FrontMatterError) -> Diagnostic {
    let (rule, message, help, position) = match error {
        FrontMatterError::TooDeep { position, limit } => {
            let (message, help) = crate::rules::limits::front_matter_too_deep(*limit);
            return crate::rules::limits::NESTING.diagnostic(message, help).at(*position, *position);
        }
        FrontMatterError::Missing => (
            &crate::rules::front_matter::MISSING,
            Text::new("页面缺少前置元数据（+++ 包围的 TOML 或 --- 包围的 YAML），无法审核与发布（第十三条）", "The page has no front matter (TOML between +++ or YAML between ---), so it cannot be reviewed or published (article 13)"),
            Text::new("在文件开头加入 +++ 包围的 title、date、department 等字段", "Start the file with a +++ block holding title, date, department"),
            Position::START,
        ),
        FrontMatterError::Unterminated { fence } => (
            &crate::rules::front_matter::UNTERMINATED,
            Text::new(format!("前置元数据没有结束行 {fence}（第十三条）"), format!("The front matter is never closed with {fence} (article 13)")),
            Text::new(format!("在元数据结束处加一行 {fence}"), format!("Add a line {fence} where the front matter ends")),
            Position::START,
        ),
        FrontMatterError::Syntax { position, message } => (
            &crate::rules::front_matter::SYNTAX,
            Text::new(format!("前置元数据格式错误：{message}（第十三条）"), format!("Malformed front matter: {message} (article 13)")),
            Text::new("按 TOML（+++）或 YAML（---）语法修正该行", "Fix this line according to TOML (+++) or YAML (---) syntax"),
            *position,
        ),
    };
    rule.diagnostic(message, help).at(position, position)
}

fn collect_links_and_text(
    source: &str,
    events: &[(Event<'_>, Range<usize>)],
    mut html_links: impl FnMut(&str, usize) -> Option<Vec<LinkRef>>,
) -> Option<(Vec<LinkRef>, Vec<TextRun>)> {
    let mut links = Vec::new();
    // Counted first (a cheap pass) so the vector is allocated once, to its size: it otherwise regrew
    // five or six times per page.
    let runs = events
        .iter()
        .filter(|(event, _)| matches!(event, Event::Text(_) | Event::Code(_) | Event::Html(_) | Event::InlineHtml(_)))
        .count();
    let mut text_runs = Vec::with_capacity(runs + FRONT_MATTER_RUNS);
    for (event, range) in events {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => links.push(markdown_link(dest_url, LinkKind::Link, range)),
            Event::Start(Tag::Image { dest_url, .. }) => links.push(markdown_link(dest_url, LinkKind::Image, range)),
            Event::Text(_) => text_runs.push(TextRun { range: range.clone(), kind: TextKind::Prose }),
            Event::Code(_) => text_runs.push(TextRun { range: range.clone(), kind: TextKind::Code }),
            Event::Html(_) | Event::InlineHtml(_) => {
                text_runs.push(TextRun { range: range.clone(), kind: TextKind::Html });
                links.extend(html_links(&source[range.clone()], range.start)?);
            }
            _ => {}
        }
    }
    Some((links, text_runs))
}

fn markdown_link(dest_url: &str, kind: LinkKind, range: &Range<usize>) -> LinkRef {
    LinkRef { url: dest_url.to_string(), kind, range: range.clone(), integrity: None, from_html: false, decoded: None }
}

/// URL-bearing attributes of raw HTML tags.
fn html_links(fragment: &str, fragment_offset: usize) -> Vec<LinkRef> {
    let mut links = Vec::new();
    for tag in html_scan::start_tags(fragment) {
        let rel_stylesheet = tag
            .attribute("rel")
            .is_some_and(|rel| rel.value.to_ascii_lowercase().split_whitespace().any(|word| word == "stylesheet"));
        let (attribute, kind) = match tag.name.as_str() {
            "a" | "area" => ("href", LinkKind::Link),
            "img" => ("src", LinkKind::Image),
            "script" => ("src", LinkKind::Script),
            "link" if rel_stylesheet => ("href", LinkKind::Style),
            "iframe" | "frame" => ("src", LinkKind::Frame),
            "video" | "audio" | "source" | "track" => ("src", LinkKind::Media),
            "embed" => ("src", LinkKind::Object),
            "object" => ("data", LinkKind::Object),
            _ => continue,
        };
        if let Some(found) = tag.attribute(attribute) {
            let start = fragment_offset + found.value_start;
            let url = found.value.trim();
            let decoded = match decode_attribute(url) {
                Cow::Owned(decoded) => Some(decoded),
                Cow::Borrowed(_) => None,
            };
            links.push(LinkRef {
                url: url.to_string(),
                kind,
                range: start..start + found.value.len(),
                integrity: tag.attribute("integrity").map(|integrity| integrity.value.to_string()),
                from_html: true,
                decoded,
            });
        }
    }
    links
}

/// How many front-matter values `front_matter_text_runs` may add.
const FRONT_MATTER_RUNS: usize = 6;

/// Displayed front-matter values are published too: scan them like prose.
fn front_matter_text_runs(source: &str, front_matter: &FrontMatter, keys: &KeyLines) -> Vec<TextRun> {
    let displayed: [(&str, Option<&str>); FRONT_MATTER_RUNS] = [
        ("title", front_matter.title.as_deref()),
        ("description", front_matter.description.as_deref()),
        ("department", front_matter.department.as_deref()),
        ("disclosure.issuer", front_matter.disclosure().and_then(|disclosure| disclosure.issuer.as_deref())),
        ("disclosure.doc_no", front_matter.disclosure().and_then(|disclosure| disclosure.doc_no.as_deref())),
        ("disclosure.topic", front_matter.disclosure().and_then(|disclosure| disclosure.topic.as_deref())),
    ];
    let mut runs = Vec::new();
    for (key, value) in displayed {
        let Some(value) = value else { continue };
        let Some((line_start, line)) = keys.line(source, key) else { continue };
        if let Some(found) = first_on_line(line, value) {
            let start = line_start + found;
            runs.push(TextRun { range: start..start + value.len(), kind: TextKind::FrontMatter });
        }
    }
    runs
}

/// The first occurrence of a displayed value on its line: `find_first`, with a shortcut for the usual
/// `key = "value"`, where the value starts after the first quote and nothing before that quote holds it.
fn first_on_line(line: &str, value: &str) -> Option<usize> {
    if let Some(quote) = line.bytes().position(|byte| byte == b'"') {
        let after = quote + 1;
        let starts_there = line.as_bytes().get(after..).is_some_and(|rest| rest.starts_with(value.as_bytes()));
        // An occurrence starting at or before the quote ends within `value.len()` bytes after it.
        let earlier = line.as_bytes().get(..quote + value.len()).unwrap_or(line.as_bytes());
        if starts_there && !value.is_empty() && !earlier.windows(value.len()).any(|window| window == value.as_bytes()) {
            return Some(after);
        }
    }
    text_scan::find_first(line, value)
}

/// How many front matters and bodies this thread parsed: lets tests prove "parse once".
#[cfg(test)]
pub mod parse_counts {
    use std::cell::Cell;

    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct ParseCounts {
        pub heads: usize,
        pub bodies: usize,
    }

    thread_local! {
        static COUNTS: Cell<ParseCounts> = const { Cell::new(ParseCounts { heads: 0, bodies: 0 }) };
    }

    pub(crate) fn count(change: impl FnOnce(&mut ParseCounts)) {
        COUNTS.with(|cell| {
            let mut counts = cell.get();
            change(&mut counts);
            cell.set(counts);
        });
    }

    /// The counts so far on this thread, resetting them.
    pub fn take() -> ParseCounts {
        COUNTS.with(|cell| cell.replace(ParseCounts::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_links_images_html_and_text_once() {
        let source = "+++\ntitle = \"标题\"\n+++\n见[网信网](https://www.cac.gov.cn)和![图](http://img.example.com/a.png)。\n\n<script src=\"https://cdn.example.com/x.js\"></script>\n";
        let (page, diagnostics) = Page::parse("content/a.md", source);
        assert!(diagnostics.is_empty());
        let urls: Vec<_> = page.links.iter().map(|link| (link.url.as_str(), link.kind)).collect();
        assert_eq!(
            urls,
            [
                ("https://www.cac.gov.cn", LinkKind::Link),
                ("http://img.example.com/a.png", LinkKind::Image),
                ("https://cdn.example.com/x.js", LinkKind::Script)
            ]
        );
        assert_eq!(page.position(page.links[0].range.start), Position { line: 4, column: 2 });
        assert_eq!(page.position(page.links[2].range.start), Position { line: 6, column: 14 });
        assert!(page.text_runs.iter().any(|run| run.kind == TextKind::FrontMatter && page.text(run) == "标题"));
    }

    #[test]
    fn displayed_disclosure_values_are_scanned_like_prose() {
        let source = "+++\ntitle = \"通知\"\n[disclosure]\nissuer = \"青岚市人民政府\"\ndoc_no = \"青政发〔2024〕1号\"\ntopic = \"综合政务\"\nindex_no = \"X/2024-00001\"\n+++\n";
        let (page, _) = Page::parse("content/a.md", source);
        let runs: Vec<_> =
            page.text_runs.iter().filter(|run| run.kind == TextKind::FrontMatter).map(|run| page.text(run)).collect();
        assert_eq!(runs, ["通知", "青岚市人民政府", "青政发〔2024〕1号", "综合政务"]);
    }

    proptest::proptest! {
        /// The shortcut for `key = "value"` lines finds the first occurrence, as the plain search does.
        #[test]
        fn first_on_line_is_the_first_occurrence(
            line in "[a\"= 标题]{0,12}",
            value in "[a\" 标题]{0,4}",
        ) {
            proptest::prop_assert_eq!(first_on_line(&line, &value), line.find(value.as_str()));
        }
    }

    #[test]
    fn a_page_without_front_matter_is_still_parsed() {
        let (page, diagnostics) = Page::parse("a.md", "# 标题\n正文");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule, "front-matter.missing");
        assert!(!page.text_runs.is_empty());
    }
}
