//! Byte offsets to 1-based line/column positions.

use crate::diagnostic::Position;

/// Line starts of one source text, so offsets turn into positions in O(log n).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(source.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|index| index + 1));
        LineIndex { line_starts }
    }

    /// The position of a byte offset; offsets inside a multi-byte character or past the end are clamped.
    pub fn position(&self, source: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = source[line_start..offset].chars().count() + 1;
        Position { line, column }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'a>(&self, source: &'a str, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(source.len(), |&next| next);
        source[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line.wrapping_sub(1)).copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

fn floor_char_boundary(source: &str, mut offset: usize) -> usize {
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let source = "标题\n第二行 abc\n";
        let index = LineIndex::new(source);
        assert_eq!(index.position(source, 0), Position { line: 1, column: 1 });
        let offset = source.find("abc").unwrap();
        assert_eq!(index.position(source, offset), Position { line: 2, column: 5 });
        assert_eq!(index.line_text(source, 2), "第二行 abc");
        assert_eq!(index.line_text(source, 9), "");
    }
}
