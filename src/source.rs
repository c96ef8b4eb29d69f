//! Byte offsets to 1-based line/column positions.

use crate::diagnostic::Position;

/// Line starts of one source text, so offsets turn into positions in O(log n). Lines longer than
/// `CHECKPOINT_SPACING` bytes also get checkpoints with their column known, so a column is counted
/// over at most that many bytes however long the line (a minified 1 MB line with a finding every
/// few bytes would otherwise be recounted from its start for each finding).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Byte offsets inside long lines (char boundaries, ascending) and the 0-based column there.
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between checkpoints in a long line: the most a column lookup counts.
const CHECKPOINT_SPACING: usize = 1024;

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(source.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|index| index + 1));
        let mut checkpoints = Vec::new();
        let line_ends = line_starts.iter().skip(1).copied().chain(std::iter::once(source.len()));
        for (start, end) in line_starts.iter().copied().zip(line_ends) {
            if end - start > CHECKPOINT_SPACING {
                add_checkpoints(source, start, end, &mut checkpoints);
            }
        }
        LineIndex { line_starts, checkpoints }
    }

    /// The position of a byte offset; offsets inside a multi-byte character or past the end are clamped.
    pub fn position(&self, source: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let (counted_from, column_there) = self.column_anchor(line, offset);
        let column = column_there + source.get(counted_from..offset).map_or(0, |text| text.chars().count()) + 1;
        Position { line, column }
    }

    /// The nearest point at or before `offset` on its (1-based) line whose column is known.
    fn column_anchor(&self, line: usize, offset: usize) -> (usize, usize) {
        let line_start = self.line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let nearest = self.checkpoints.partition_point(|&(at, _)| at <= offset);
        match nearest.checked_sub(1).and_then(|index| self.checkpoints.get(index)) {
            Some(&(at, column)) if at >= line_start => (at, column),
            _ => (line_start, 0),
        }
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

/// Checkpoints every `CHECKPOINT_SPACING` bytes (moved back to a char boundary) of `source[start..end]`.
fn add_checkpoints(source: &str, start: usize, end: usize, checkpoints: &mut Vec<(usize, usize)>) {
    let mut at = start;
    let mut column = 0;
    while end - at > CHECKPOINT_SPACING {
        let next = floor_char_boundary(source, at + CHECKPOINT_SPACING);
        column += source[at..next].chars().count();
        checkpoints.push((next, column));
        at = next;
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

    #[test]
    fn long_lines_are_counted_from_a_nearby_checkpoint() {
        // Three long lines of mixed one- and three-byte characters, then a short one.
        let long_line = "政务a".repeat(3_000);
        let source = format!("{long_line}\n{long_line}\n{long_line}\nend");
        let index = LineIndex::new(&source);
        for (offset, _) in source.char_indices().step_by(97) {
            let line = source[..offset].matches('\n').count() + 1;
            let line_start = source[..offset].rfind('\n').map_or(0, |newline| newline + 1);
            let expected = Position { line, column: source[line_start..offset].chars().count() + 1 };
            assert_eq!(index.position(&source, offset), expected, "offset {offset}");
            // The work per lookup: the bytes counted stay under the spacing, wherever the offset is.
            let (counted_from, _) = index.column_anchor(line, offset);
            assert!(offset - counted_from <= CHECKPOINT_SPACING, "counted {} bytes", offset - counted_from);
        }
    }
}
