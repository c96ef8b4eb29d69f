//! Line and column of many byte offsets in one forward sweep over the text: linear in the text
//! however many offsets share a line (100,000 links on one line cost one walk of that line, not one
//! walk from the line start per link).

use crate::diagnostic::Position;

/// The positions of `offsets` (in any order) in `text`, in the order given. Offsets inside a
/// character or past the end are clamped, as `LineIndex::position` does.
pub(super) fn positions(text: &str, offsets: &[usize]) -> Vec<Position> {
    sweep(text, offsets).0
}

/// The positions and how many characters the sweep stepped over (never more than the text has).
fn sweep(text: &str, offsets: &[usize]) -> (Vec<Position>, usize) {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&index| offsets[index]);
    let mut out = vec![Position::START; offsets.len()];
    let mut cursor = 0;
    let mut line = 1;
    let mut column = 1;
    let mut steps = 0;
    for index in order {
        let target = floor_char_boundary(text, offsets[index].min(text.len()));
        if let Some(between) = text.get(cursor..target) {
            for character in between.chars() {
                steps += 1;
                if character == '\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            cursor = target;
        }
        out[index] = Position { line, column };
    }
    (out, steps)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::LineIndex;

    #[test]
    fn agrees_with_the_line_index() {
        let text = "标题\n第二行 <a href=x>abc</a>\n\n末行";
        let offsets = [text.find("abc").unwrap(), 0, text.len(), text.find("末").unwrap(), 1, text.find('<').unwrap()];
        let index = LineIndex::new(text);
        let expected: Vec<_> = offsets.iter().map(|&offset| index.position(text, offset)).collect();
        assert_eq!(positions(text, &offsets), expected);
    }

    #[test]
    fn many_offsets_on_one_line_cost_one_walk() {
        for links in [1_000, 2_000, 4_000] {
            let line = "<a href=\"/x\">链接</a>".repeat(links);
            let offsets: Vec<usize> = line.match_indices("<a").map(|(offset, _)| offset).collect();
            let (found, steps) = sweep(&line, &offsets);
            assert_eq!(found.len(), links);
            assert_eq!(found[links - 1].column, (links - 1) * 19 + 1);
            // Linear: never more steps than the line has characters.
            assert!(steps <= line.chars().count(), "{links} links: {steps} steps");
        }
    }
}
