//! XML escaping shared by the JUnit report and the Atom feeds.

/// Text an XML writer escapes itself, without the characters XML 1.0 cannot carry.
pub fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}') {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// XML-escapes an attribute value; drops characters XML 1.0 cannot carry.
pub fn escape_attribute(text: &str) -> String {
    escape_with(text, true)
}

/// XML-escapes element content, where line breaks stay as they are.
pub fn escape_content(text: &str) -> String {
    escape_with(text, false)
}

fn escape_with(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' if !attribute => out.push(character),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(character),
        }
    }
    out
}
