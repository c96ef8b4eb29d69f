//! The visible text of a parsed page, for the index: taken from the events the page was parsed
//! into once (no second parse), one line per block.

use pulldown_cmark::{Event, TagEnd};

use crate::leave_site::decode_entities;
use crate::page::Page;

/// The text a reader sees in the page body: prose and code, the text inside raw HTML (tags,
/// scripts, styles and comments left out), blocks on lines of their own.
pub fn visible_text(page: &Page<'_>) -> String {
    let mut text = String::with_capacity(page.source.len().saturating_sub(page.body_offset));
    for (event, _) in &page.events {
        match event {
            Event::Text(value) | Event::Code(value) => text.push_str(value),
            Event::InlineMath(value) | Event::DisplayMath(value) => text.push_str(value),
            Event::Html(html) | Event::InlineHtml(html) => push_html_text(&mut text, html),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak | Event::Rule => text.push('\n'),
            Event::End(end) if is_block(end) => text.push('\n'),
            _ => {}
        }
    }
    // Kept for the index until the end of the build: no room for the Markdown syntax left over.
    text.shrink_to_fit();
    text
}

fn is_block(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::Item
            | TagEnd::List(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

/// The character data of an HTML fragment: tags become spaces, `<script>`/`<style>` content and
/// comments are dropped, character references decoded.
fn push_html_text(out: &mut String, html: &str) {
    let mut rest = html;
    let mut data = String::new();
    while let Some(open) = rest.find('<') {
        data.push_str(&rest[..open]);
        rest = &rest[open..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else {
            rest = "";
            break;
        };
        let closing = rest[1..close].starts_with('/');
        let name: String = rest[1..close]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        rest = &rest[close + 1..];
        if name.is_empty() {
            continue;
        }
        data.push(' ');
        if (name == "script" || name == "style") && !closing {
            let end = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = lower.find(&end).map_or("", |at| &rest[at..]);
        }
    }
    data.push_str(rest);
    out.push_str(&decode_entities(&data));
}

#[cfg(test)]
mod tests {
    use super::visible_text;
    use crate::page::Page;

    #[test]
    fn blocks_on_lines_and_html_text_kept() {
        let source = "+++\ntitle = \"t\"\n+++\n# 标题\n\n第一段\n接着 `代码`。\n\n<div>网页<b>文字</b>&amp;<script>var x</script><!-- 注释 --></div>\n\n- 项一\n- 项二\n";
        let (page, _) = Page::parse("content/a.md", source);
        let text = visible_text(&page);
        assert!(text.contains("标题\n"), "{text}");
        assert!(text.contains("第一段 接着 代码。\n"), "{text}");
        assert!(text.contains("网页 文字 &"), "{text}");
        assert!(!text.contains("var x") && !text.contains("注释") && !text.contains("title"), "{text}");
        assert!(text.contains("项一\n") && text.contains("项二\n"), "{text}");
    }
}
