//! XML text shared by the sitemap, the Atom feeds and the JUnit report (the last two are written by
//! their crates, which escape markup but pass on characters XML 1.0 cannot carry).

/// Text without the characters XML 1.0 cannot carry (replaced by U+FFFD).
pub fn xml_text(text: &str) -> String {
    text.chars().map(|c| if is_forbidden(c) { '\u{fffd}' } else { c }).collect()
}

/// XML-escapes an attribute value (or element content): markup, line breaks as references.
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_forbidden(c) => out.push('\u{fffd}'),
            _ => out.push(character),
        }
    }
    out
}

fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters() {
        assert_eq!(escape_attribute("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
        assert_eq!(escape_attribute("a\u{1}b\nc"), "a\u{fffd}b&#10;c");
        assert_eq!(xml_text("a\u{1}b\nc\t"), "a\u{fffd}b\nc\t");
    }
}
