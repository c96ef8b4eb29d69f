//! Start tags of raw HTML with byte offsets, for the rules that read `src`/`href`/`integrity` in
//! Markdown's raw HTML and for `govpress links`. Read with lol_html, the parser of the build's
//! HTML pass, so `check` and `build` see the same tags and attributes (comments, script text and
//! unquoted or odd spellings included). Values are as written: decode them with `url_judge`.

use std::cell::RefCell;

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
    /// The value as written (character references not decoded).
    pub value: &'a str,
    /// Byte offset of the value (or of the tag, for bare attributes) in the fragment.
    pub value_start: usize,
}

impl StartTag<'_> {
    pub fn attribute(&self, name: &str) -> Option<&Attribute<'_>> {
        self.attributes.iter().find(|attribute| attribute.name == name)
    }
}

/// All start tags of a fragment, in order. A fragment lol_html refuses yields the tags before it.
pub fn start_tags(fragment: &str) -> Vec<StartTag<'_>> {
    // Every start tag begins with `<` and a letter: most text fragments have none.
    if !fragment.as_bytes().windows(2).any(|pair| pair[0] == b'<' && pair[1].is_ascii_alphabetic()) {
        return Vec::new();
    }
    let tags = RefCell::new(Vec::new());
    let settings =
        lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!("*", |element| {
            let location = element.source_location().bytes();
            let attributes = element
                .attributes()
                .iter()
                .map(|attribute| {
                    let range = attribute.value_source_location().map(|location| location.bytes());
                    let value = range.clone().and_then(|range| fragment.get(range)).unwrap_or_default();
                    Attribute {
                        name: attribute.name(),
                        value,
                        value_start: range.map_or(location.start, |range| range.start),
                    }
                })
                .collect();
            tags.borrow_mut().push(StartTag {
                name: element.tag_name(),
                start: location.start,
                end: location.end,
                attributes,
            });
            Ok(())
        }));
    // Errors come only from memory limits or handlers; the tags read so far stand.
    let _ = lol_html::rewrite_str(fragment, settings);
    tags.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tags_attributes_and_offsets() {
        let html = r#"<p>x</p><!-- <img src="no"> --><script src='https://cdn.example.com/a.js' integrity=sha384-x defer>var s = "<img src=no>";</script>"#;
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
        // A tag cut off by the end of input is dropped, as browsers drop it.
        assert!(start_tags("<a href=\"x").is_empty());
        assert!(start_tags("< < <").is_empty());
        assert!(start_tags("<!-- open").is_empty());
    }

    #[test]
    fn reads_attributes_as_the_browser_does() {
        // A `/` between attributes and unquoted values with entities.
        let tags = start_tags("<A/HREF=java&#x09;script:alert(1)>x</A>");
        assert_eq!(tags[0].name, "a");
        assert_eq!(tags[0].attribute("href").unwrap().value, "java&#x09;script:alert(1)");
    }
}
