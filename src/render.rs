//! A parsed page's Markdown body → sanitised HTML. Reuses `Page::events` (parse once); raw HTML
//! goes through `ammonia` (no scripts, no event handlers, no `javascript:`), and frames survive only
//! when they load from a government or allowed host.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

#[cfg(feature = "render")]
use crate::hosts::{Destination, HostClassifier};
#[cfg(feature = "render")]
use crate::html_depth::too_deep;
#[cfg(feature = "render")]
use crate::leave_site::decode_entities;
use crate::page::Page;
use crate::rules::links::{parse_target, LinkTarget, MalformedReason};

/// A heading of the body, with the id its anchor uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The rendered body of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBody {
    pub html: String,
    pub headings: Vec<Heading>,
}

/// Rewrites a Markdown link destination (e.g. `../news/a.md` → `/news/a/`); `None` keeps it.
pub type LinkResolver<'r> = &'r dyn Fn(&str) -> Option<String>;

#[cfg(feature = "render")]
/// Renders bodies; build it once (the sanitiser's tables are not free) and share it across threads.
pub struct Renderer<'h> {
    hosts: &'h HostClassifier,
    sanitiser: ammonia::Builder<'static>,
}

#[cfg(feature = "render")]
impl std::fmt::Debug for Renderer<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Renderer").finish_non_exhaustive()
    }
}

#[cfg(feature = "render")]
/// CSS properties raw HTML may set inline: layout and colour only, nothing that loads a URL.
const STYLE_PROPERTIES: [&str; 24] = [
    "text-align",
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "font-size",
    "text-decoration",
    "vertical-align",
    "line-height",
    "width",
    "height",
    "max-width",
    "display",
    "visibility",
    "position",
    "left",
    "top",
    "right",
    "bottom",
    "text-indent",
    "margin",
    "padding",
    "border",
    "overflow",
];

#[cfg(feature = "render")]
impl<'h> Renderer<'h> {
    pub fn new(hosts: &'h HostClassifier) -> Renderer<'h> {
        Renderer { hosts, sanitiser: sanitiser() }
    }

    /// The body of a page as sanitised HTML.
    pub fn render(&self, page: &Page<'_>) -> RenderedBody {
        self.render_with(page, None)
    }

    /// Same, rewriting Markdown link destinations through `resolve` (the build maps `*.md` to URLs).
    pub fn render_with(&self, page: &Page<'_>, resolve: Option<LinkResolver<'_>>) -> RenderedBody {
        let has_raw_html = page.events.iter().any(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)));
        // Nesting past the limit would take the sanitiser's parser quadratic time (`limits.nesting`
        // reports it): such a page shows its raw HTML as text instead.
        let escape_raw_html = has_raw_html && too_deep(page).is_some();
        let (events, headings) = prepare_events(page, resolve, escape_raw_html);
        let mut raw = String::with_capacity(page.source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut raw, events.into_iter());
        // Without raw HTML, pulldown-cmark's output is safe by construction (text and attributes are
        // escaped, unsafe link schemes were neutralised above), so the costly sanitiser pass is skipped.
        if !has_raw_html || escape_raw_html {
            return RenderedBody { html: raw, headings };
        }
        let cleaned = self.sanitiser.clean(&raw).to_string();
        RenderedBody { html: self.drop_foreign_frames(cleaned), headings }
    }

    /// `<iframe>`s survive only from government or allowed hosts (第十五条 applies to embedded pages too).
    fn drop_foreign_frames(&self, html: String) -> String {
        if !html.contains("<iframe") {
            return html;
        }
        let hosts = self.hosts;
        let settings = lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!(
            "iframe",
            |element| {
                let allowed =
                    element.get_attribute("src").is_some_and(|src| frame_allowed(hosts, &decode_entities(&src)));
                if !allowed {
                    element.remove();
                }
                Ok(())
            }
        ));
        // Ammonia's output is well-formed; should lol_html still refuse it, drop every frame.
        lol_html::rewrite_str(&html, settings).unwrap_or_else(|_| html.replace("<iframe", "<span hidden").to_string())
    }
}

#[cfg(feature = "render")]
/// The preview of a page body (the browser's preview pane): rendered, sanitised, and with the
/// leave-site rewriting of the site's config applied, as the build would publish it.
pub fn preview(page: &Page<'_>, checker: &crate::Checker) -> String {
    let body = Renderer::new(checker.hosts()).render(page);
    let leave = crate::leave_site::LeaveSite::new(checker.config(), checker.hosts());
    // Sanitised HTML always parses; if it ever did not, show nothing rather than unrewritten links.
    leave.rewrite(&body.html).map(|rewritten| rewritten.html).unwrap_or_default()
}

#[cfg(feature = "render")]
fn frame_allowed(hosts: &HostClassifier, src: &str) -> bool {
    match parse_target(src) {
        LinkTarget::Relative => true,
        LinkTarget::Web(url) => url.host_str().is_some_and(|host| {
            matches!(hosts.classify_host(host), Destination::Government | Destination::Internal | Destination::Allowed)
        }),
        _ => false,
    }
}

#[cfg(feature = "render")]
fn sanitiser() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["iframe", "input", "section", "figure", "figcaption", "caption", "tfoot"])
        .add_generic_attributes(["id", "style"])
        .filter_style_properties(STYLE_PROPERTIES.into_iter().collect())
        .add_tag_attributes("iframe", ["src", "width", "height", "title", "allowfullscreen", "loading"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("img", ["loading"])
        .add_tag_attributes("ol", ["type"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .allowed_classes(HashMap::from([
            ("div", HashSet::from(["footnote-definition"])),
            ("sup", HashSet::from(["footnote-reference", "footnote-definition-label"])),
            ("span", HashSet::from(["footnote-definition-label"])),
            ("li", HashSet::from(["task-list-item"])),
            ("code", HashSet::from(["language-text"])),
        ]));
    builder
}

/// The body's headings with the ids `Renderer::render` gives their anchors, without rendering: what
/// the check needs of a page (links to `#anchors`), in builds without the sanitiser too.
pub fn headings(page: &Page<'_>) -> Vec<Heading> {
    prepare_events(page, None, false).1
}

/// Page events with resolved links and stable heading ids; also the list of headings.
fn prepare_events<'a>(
    page: &Page<'a>,
    resolve: Option<LinkResolver<'_>>,
    escape_raw_html: bool,
) -> (Vec<Event<'a>>, Vec<Heading>) {
    let mut events: Vec<Event<'a>> = Vec::with_capacity(page.events.len());
    let mut headings = Vec::new();
    let mut heading_ids = HeadingIds::default();
    // Explicit ids (`{#id}`) are claimed first so generated ones never collide with them.
    for (event, _) in &page.events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            heading_ids.claim(id.to_string());
        }
    }
    let mut open_heading: Option<(usize, String)> = None;
    for (event, _) in &page.events {
        let event = match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let resolved = resolve.and_then(|resolve| resolve(dest_url)).map(CowStr::from);
                Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: safe_url(resolved.unwrap_or_else(|| dest_url.clone())),
                    title: title.clone(),
                    id: id.clone(),
                })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => Event::Start(Tag::Image {
                link_type: *link_type,
                dest_url: safe_url(dest_url.clone()),
                title: title.clone(),
                id: id.clone(),
            }),
            Event::Start(Tag::Heading { .. }) => {
                open_heading = Some((events.len(), String::new()));
                event.clone()
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, heading_text)) = open_heading.as_mut() {
                    heading_text.push_str(text);
                }
                event.clone()
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, text)) = open_heading.take() {
                    if let Event::Start(Tag::Heading { level, id, classes, attrs }) = &events[start] {
                        let id = match id {
                            Some(id) => id.to_string(),
                            None => heading_ids.unique(&slug(&text)),
                        };
                        headings.push(Heading { level: *level as u8, id: id.clone(), text: text.trim().to_string() });
                        events[start] = Event::Start(Tag::Heading {
                            level: *level,
                            id: Some(CowStr::from(id)),
                            classes: classes.clone(),
                            attrs: attrs.clone(),
                        });
                    }
                }
                event.clone()
            }
            Event::Html(html) | Event::InlineHtml(html) if escape_raw_html => Event::Text(html.clone()),
            _ => event.clone(),
        };
        events.push(event);
    }
    (events, headings)
}

/// `javascript:`, `data:` and other schemes become an inert `#` (the check refuses them anyway).
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    match parse_target(&url) {
        LinkTarget::Javascript | LinkTarget::Malformed(MalformedReason::Scheme) => CowStr::Borrowed("#"),
        _ => url,
    }
}

/// A heading id that keeps Chinese text readable: letters and digits of any script, lower-cased,
/// with spaces and dashes folded into single dashes. `关于 2024 年 Plan` → `关于-2024-年-plan`.
pub fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for character in text.trim().chars() {
        if character.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(character.to_lowercase());
        } else if character.is_whitespace() || matches!(character, '-' | '_' | '.' | '·') {
            pending_dash = true;
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// The heading ids handed out so far. Each base remembers the next suffix to try, so n headings
/// with one title cost about n probes, not n²/2 (every skipped suffix is an id already taken).
#[derive(Debug, Default)]
struct HeadingIds {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Candidates tried, for the test that shows the work stays linear.
    probes: usize,
}

impl HeadingIds {
    fn claim(&mut self, id: String) {
        self.used.insert(id);
    }

    /// `base`, or the first free `base-1`, `base-2`, …
    fn unique(&mut self, base: &str) -> String {
        self.probes += 1;
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let counter = self.next_suffix.entry(base.to_string()).or_insert(1);
        loop {
            let candidate = format!("{base}-{counter}");
            *counter += 1;
            self.probes += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(all(test, feature = "render"))]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    fn render(source: &str) -> RenderedBody {
        let config = SiteConfig::parse(
            "[site]\nbase_url = \"https://www.example.gov.cn\"\n[links]\nallow = [\"player.example.com\"]\n",
        )
        .unwrap();
        let hosts = HostClassifier::new(&config);
        let (page, _) = Page::parse("content/a.md", source);
        Renderer::new(&hosts).render(&page)
    }

    #[test]
    fn headings_get_stable_chinese_friendly_ids() {
        let body = render("+++\ntitle = \"t\"\n+++\n# 关于 2024 年 Plan\n\n## 通知\n\n## 通知\n\n## 其他 {#custom}\n");
        let ids: Vec<_> = body.headings.iter().map(|heading| heading.id.as_str()).collect();
        assert_eq!(ids, ["关于-2024-年-plan", "通知", "通知-1", "custom"]);
        assert!(body.html.contains("<h2 id=\"通知-1\">通知</h2>"), "{}", body.html);
    }

    #[test]
    fn tables_footnotes_strikethrough_and_tasks_render() {
        let body =
            render("| 项目 | 时间 |\n|:--|--:|\n| 宣传周 | 5月 |\n\n~~旧~~ 注释[^1]\n\n[^1]: 说明\n\n- [x] 完成\n");
        assert!(body.html.contains("<table>"), "{}", body.html);
        assert!(body.html.contains("text-align:right") || body.html.contains("text-align: right"), "{}", body.html);
        assert!(body.html.contains("<del>旧</del>"));
        assert!(body.html.contains("class=\"footnote-reference\""));
        assert!(body.html.contains("type=\"checkbox\""), "{}", body.html);
    }

    #[test]
    fn raw_html_is_sanitised() {
        let body = render(
            "<p onclick=\"steal()\">正文</p>\n\n<script>alert(1)</script>\n\n[点我](javascript:alert(1)) <a href=\"JAVASCRIPT:x\">x</a>\n",
        );
        assert!(!body.html.contains("onclick"));
        assert!(!body.html.contains("<script"));
        assert!(!body.html.to_ascii_lowercase().contains("javascript:"), "{}", body.html);
        assert!(body.html.contains("正文"));
    }

    #[test]
    fn markdown_without_raw_html_is_safe_without_the_sanitiser() {
        let body = render("[点我](javascript:alert(1)) ![图](data:image/png;base64,AAAA) [ok](/a/) <https://www.gov.cn/>\n\n\"<引号>\" & 号\n");
        assert!(!body.html.to_ascii_lowercase().contains("javascript:"), "{}", body.html);
        assert!(!body.html.contains("data:"), "{}", body.html);
        assert!(body.html.contains("href=\"/a/\""));
        assert!(body.html.contains("\"&lt;引号&gt;\" &amp; 号"), "{}", body.html);
    }

    #[test]
    fn frames_only_from_government_or_allowed_hosts() {
        let body = render(
            "<iframe src=\"https://www.gov.cn/video\"></iframe>\n\n<iframe src=\"https://player.example.com/v\"></iframe>\n\n<iframe src=\"https://evil.example.net/x\"></iframe>\n\n<iframe src=\"https://www.gov.cn.evil.com/x\"></iframe>\n",
        );
        assert!(body.html.contains("https://www.gov.cn/video"));
        assert!(body.html.contains("https://player.example.com/v"));
        assert!(!body.html.contains("evil"), "{}", body.html);
    }

    #[test]
    fn links_are_resolved_when_asked() {
        let config = SiteConfig::default();
        let hosts = HostClassifier::new(&config);
        let (page, _) = Page::parse("content/a.md", "[下一篇](b.md#x) [外链](https://example.com)\n");
        let resolve = |url: &str| url.strip_suffix(".md#x").map(|stem| format!("/news/{stem}/#x"));
        let body = Renderer::new(&hosts).render_with(&page, Some(&resolve));
        assert!(body.html.contains("href=\"/news/b/#x\""), "{}", body.html);
        assert!(body.html.contains("href=\"https://example.com\""));
    }

    #[test]
    fn preview_applies_the_leave_site_rewriting() {
        let checker = crate::Checker::new(SiteConfig::parse("[site]\nname = \"示例\"\n").unwrap());
        let (page, _) =
            Page::parse("a.md", "[外链](https://example.com/) [政府](https://www.gov.cn/) <script>x</script>\n");
        let html = preview(&page, &checker);
        assert!(
            html.contains(&format!("href=\"/leave/{}.html\"", crate::leave_site::leave_hash("https://example.com/"))),
            "{html}"
        );
        assert!(html.contains("href=\"https://www.gov.cn/\""));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn many_identical_headings_cost_a_probe_each() {
        let mut ids = HeadingIds::default();
        // `section-3` is taken first, as an explicit `{#section-3}` would be.
        ids.claim("section-3".to_string());
        let generated: Vec<String> = (0..2_000).map(|_| ids.unique("section")).collect();
        assert_eq!(generated[..4], ["section", "section-1", "section-2", "section-4"]);
        assert_eq!(generated.iter().collect::<HashSet<_>>().len(), 2_000, "ids are unique");
        // One probe per heading plus one per suffix skipped: linear, where restarting at `-1`
        // for every duplicate took about two million.
        assert!(ids.probes <= 2 * 2_000 + 1, "{} probes", ids.probes);
    }

    #[test]
    fn html_nested_past_the_limit_is_shown_as_text_not_parsed() {
        let source = format!("{}<script>alert(1)</script>正文", "<div>".repeat(crate::html_depth::NESTING_LIMIT + 1));
        let body = render(&source);
        assert!(!body.html.contains("<div>"), "raw HTML is escaped");
        assert!(!body.html.contains("<script"));
        assert!(body.html.contains("&lt;div&gt;"));
    }

    #[test]
    fn slugs_fold_punctuation() {
        assert_eq!(slug("  一、总体要求 "), "一总体要求");
        assert_eq!(slug("Hello  World--2"), "hello-world-2");
        assert_eq!(slug("？？"), "section");
    }
}
