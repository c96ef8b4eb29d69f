//! A small scanner for start tags in raw HTML fragments, with byte offsets, for the rules that
//! read `src`/`href`/`style` attributes. Rendering sanitises with a real HTML parser; this only finds.

/// One start tag found in a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag<'a> {
    /// Lower-cased tag name.
    pub name: String,
    /// Byte range of the whole tag in the fragment.
    pub start: usize,
    pub end: usize,
    pub attributes: Vec<Attribute<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// Lower-cased attribute name.
    pub name: String,
    pub value: &'a str,
    /// Byte offset of the value (or of the name, for bare attributes) in the fragment.
    pub value_start: usize,
}

impl StartTag<'_> {
    pub fn attribute(&self, name: &str) -> Option<&Attribute<'_>> {
        self.attributes.iter().find(|attribute| attribute.name == name)
    }
}

/// All start tags of a fragment, in order. Comments are skipped; malformed tags end the scan quietly.
pub fn start_tags(fragment: &str) -> Vec<StartTag<'_>> {
    let bytes = fragment.as_bytes();
    let mut tags = Vec::new();
    let mut cursor = 0;
    while let Some(found) = fragment[cursor..].find('<') {
        let start = cursor + found;
        if fragment[start..].starts_with("<!--") {
            cursor = fragment[start..].find("-->").map_or(fragment.len(), |end| start + end + 3);
            continue;
        }
        let name_start = start + 1;
        let name_end = name_start
            + bytes[name_start..].iter().take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-').count();
        if name_end == name_start {
            cursor = start + 1;
            continue;
        }
        let (attributes, end) = attributes(fragment, name_end);
        tags.push(StartTag { name: fragment[name_start..name_end].to_ascii_lowercase(), start, end, attributes });
        cursor = end.max(start + 1);
    }
    tags
}

fn attributes(fragment: &str, mut cursor: usize) -> (Vec<Attribute<'_>>, usize) {
    let bytes = fragment.as_bytes();
    let mut attributes = Vec::new();
    loop {
        while cursor < bytes.len() && (bytes[cursor].is_ascii_whitespace() || bytes[cursor] == b'/') {
            cursor += 1;
        }
        if cursor >= bytes.len() {
            return (attributes, cursor);
        }
        if bytes[cursor] == b'>' {
            return (attributes, cursor + 1);
        }
        let name_start = cursor;
        while cursor < bytes.len()
            && !bytes[cursor].is_ascii_whitespace()
            && !matches!(bytes[cursor], b'=' | b'>' | b'/')
        {
            cursor += 1;
        }
        let name = fragment[name_start..cursor].to_ascii_lowercase();
        while cursor < bytes.len() && bytes[cursor].is_ascii_whitespace() {
            cursor += 1;
        }
        if cursor < bytes.len() && bytes[cursor] == b'=' {
            cursor += 1;
            while cursor < bytes.len() && bytes[cursor].is_ascii_whitespace() {
                cursor += 1;
            }
            let (value_start, value_end, next) = match bytes.get(cursor) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let value_start = cursor + 1;
                    let value_end =
                        fragment[value_start..].find(quote as char).map_or(fragment.len(), |end| value_start + end);
                    (value_start, value_end, (value_end + 1).min(fragment.len()))
                }
                _ => {
                    let value_end = cursor
                        + bytes[cursor..]
                            .iter()
                            .take_while(|byte| !byte.is_ascii_whitespace() && **byte != b'>')
                            .count();
                    (cursor, value_end, value_end)
                }
            };
            attributes.push(Attribute { name, value: &fragment[value_start..value_end], value_start });
            cursor = next;
        } else if !name.is_empty() {
            attributes.push(Attribute { name, value: "", value_start: name_start });
        } else {
            cursor += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tags_attributes_and_offsets() {
        let html = r#"<p>x</p><!-- <img src="no"> --><script src='https://cdn.example.com/a.js' integrity=sha384-x defer></script>"#;
        let tags = start_tags(html);
        let names: Vec<_> = tags.iter().map(|tag| tag.name.as_str()).collect();
        assert_eq!(names, ["p", "script"]);
        let src = tags[1].attribute("src").unwrap();
        assert_eq!(src.value, "https://cdn.example.com/a.js");
        assert_eq!(&html[src.value_start..src.value_start + 5], "https");
        assert_eq!(tags[1].attribute("integrity").unwrap().value, "sha384-x");
        assert_eq!(tags[1].attribute("defer").unwrap().value, "");
    }

    #[test]
    fn unterminated_input_does_not_loop() {
        assert_eq!(start_tags("<a href=\"x").len(), 1);
        assert!(start_tags("< < <").is_empty());
        assert!(start_tags("<!-- open").is_empty());
    }
}
