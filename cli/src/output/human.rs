//! The default format, for people: one block per diagnostic in the manner of rustc and ruff, with the
//! source line and a caret under the span. Chinese by default; every word switches with `--lang en`.

use std::fmt::Write as _;

use std::collections::HashMap;

use govpress::redaction::{self, Redactor};
use govpress::source::LineIndex;
use govpress::{Diagnostic, Lang, Position, Report, Severity};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{article_text, counts_text, severity_word, Sources};

/// ANSI styles; all empty without colour, so the layout is the same either way.
struct Palette {
    error: &'static str,
    warning: &'static str,
    emphasis: &'static str,
    gutter: &'static str,
    help: &'static str,
    reset: &'static str,
}

const COLOURED: Palette = Palette {
    error: "\x1b[1;31m",
    warning: "\x1b[1;33m",
    emphasis: "\x1b[1m",
    gutter: "\x1b[1;34m",
    help: "\x1b[1;36m",
    reset: "\x1b[0m",
};

const PLAIN: Palette = Palette { error: "", warning: "", emphasis: "", gutter: "", help: "", reset: "" };

const TAB_WIDTH: usize = 4;
/// Lines wider than this (in terminal columns) are cut around the span.
const MAX_LINE_WIDTH: usize = 100;
/// How much of a cut line to keep before the span.
const CONTEXT_WIDTH: usize = 24;
/// At most this many characters are quoted, however narrow (zero-width characters take no columns).
const MAX_QUOTED_CHARS: usize = 4 * MAX_LINE_WIDTH;

/// One source line as the snippets quote it, laid out once for all the diagnostics on it: each
/// character as shown (personal data already masked) with its terminal width, and the running widths.
struct QuotedLine {
    cells: Vec<(char, usize)>,
    /// `widths[i]` is the width of the first `i` cells.
    widths: Vec<usize>,
}

impl QuotedLine {
    /// Lays out `line`, masking the redacted spans that start on it (their first three and last four
    /// letters or digits stay, as in the messages).
    fn new(line: &str, line_number: usize, redacted: &[(Position, Position)]) -> QuotedLine {
        let mut cells: Vec<(char, usize)> = Vec::with_capacity(line.len());
        let mut widths = Vec::with_capacity(line.len() + 1);
        let mut line_width = 0;
        widths.push(0);
        for character in line.chars() {
            let width = match character {
                '\t' => TAB_WIDTH - line_width % TAB_WIDTH,
                control if control.is_control() => 0,
                other => other.width().unwrap_or(0),
            };
            line_width += width;
            cells.push((character, width));
            widths.push(line_width);
        }
        for (from, to) in redacted.iter().filter(|(from, _)| from.line == line_number) {
            let first = (from.column.max(1) - 1).min(cells.len());
            let last =
                if to.line == from.line { (to.column.max(1) - 1).clamp(first, cells.len()) } else { cells.len() };
            let span = &mut cells[first..last];
            let mut characters: Vec<char> = span.iter().map(|cell| cell.0).collect();
            redaction::mask_chars(&mut characters);
            for (cell, character) in span.iter_mut().zip(characters) {
                cell.0 = character;
            }
        }
        QuotedLine { cells, widths }
    }

    fn width(&self, range: std::ops::Range<usize>) -> usize {
        self.widths[range.end] - self.widths[range.start]
    }
}

pub fn render(report: &Report, sources: &Sources, lang: Lang, colour: bool) -> String {
    let palette = if colour { &COLOURED } else { &PLAIN };
    let redactor = report.redactor();
    // Redacted spans by file: a quote of any line never shows them in clear, whoever's diagnostic quotes it.
    let mut redacted: HashMap<&str, Vec<(Position, Position)>> = HashMap::new();
    for diagnostic in report.diagnostics.iter().filter(|diagnostic| diagnostic.redacted.is_some()) {
        redacted.entry(diagnostic.file.as_str()).or_default().push((diagnostic.start, diagnostic.end));
    }
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    // Diagnostics come sorted by file and position, so those on one line follow each other: each line
    // is laid out once, not once per diagnostic (a long line with many findings stays linear).
    let mut current: Option<(&str, usize, QuotedLine)> = None;
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        let file = diagnostic.file.as_str();
        let line_number = diagnostic.start.line;
        let quoted = match sources.text(file) {
            Some(text) if line_number >= 1 => {
                let stale = current.as_ref().is_none_or(|(known, line, _)| (*known, *line) != (file, line_number));
                if stale {
                    let index = indexes.entry(file).or_insert_with(|| LineIndex::new(text));
                    let line = (line_number <= index.line_count()).then(|| {
                        let spans = redacted.get(file).map_or(&[][..], Vec::as_slice);
                        QuotedLine::new(index.line_text(text, line_number), line_number, spans)
                    });
                    current = line.map(|line| (file, line_number, line));
                }
                current.as_ref().map(|(_, _, line)| line)
            }
            _ => None,
        };
        render_diagnostic(&mut out, diagnostic, sources.path(file), quoted, &redactor, lang, palette);
        out.push('\n');
    }
    out.push_str(&summary(report, lang, palette));
    out
}

fn render_diagnostic(
    out: &mut String,
    diagnostic: &Diagnostic,
    path: &str,
    line: Option<&QuotedLine>,
    redactor: &Redactor,
    lang: Lang,
    palette: &Palette,
) {
    let Palette { emphasis, gutter, help, reset, .. } = palette;
    let severity_style = match diagnostic.severity {
        Severity::Error => palette.error,
        Severity::Warning => palette.warning,
    };
    let colon = match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    };
    let line_number = diagnostic.start.line.to_string();
    let pad = " ".repeat(line_number.len());
    let _ = writeln!(
        out,
        "{severity_style}{}[{}]{reset}{emphasis}{colon}{}{reset}",
        severity_word(diagnostic.severity, lang),
        diagnostic.rule,
        redactor.apply(diagnostic.message.get(lang))
    );
    let _ = writeln!(out, "{pad}{gutter}-->{reset} {}:{}:{}", path, diagnostic.start.line, diagnostic.start.column);
    if let Some((line_text, underline)) = line.and_then(|line| snippet(diagnostic, line)) {
        let _ = writeln!(out, "{pad} {gutter}|{reset}");
        let _ = writeln!(out, "{gutter}{line_number} |{reset} {line_text}");
        let _ = writeln!(out, "{pad} {gutter}|{reset} {severity_style}{underline}{reset}");
    }
    let (basis, help_word) = match lang {
        Lang::Zh => {
            (format!("依据：《互联网政务应用安全管理规定》{}", article_text(diagnostic.article, Lang::Zh)), "帮助")
        }
        Lang::En => (
            format!(
                "basis: {} of the Provisions on the Security Management of Internet Government Applications",
                article_text(diagnostic.article, Lang::En)
            ),
            "help",
        ),
    };
    let _ = writeln!(out, "{pad} {gutter}={reset} {basis}");
    if let Some(part) = &diagnostic.part {
        let label = match lang {
            Lang::Zh => "位置",
            Lang::En => "in",
        };
        let _ = writeln!(out, "{pad} {gutter}={reset} {label}{colon}{}", part.label(lang));
    }
    if let Some(url) = &diagnostic.extra.url {
        let (label, status, empty) = match lang {
            Lang::Zh => ("链接", "状态", "（空）"),
            Lang::En => ("link", "status", "(empty)"),
        };
        let shown = if url.trim().is_empty() { empty.into() } else { redactor.apply(url) };
        let _ = write!(out, "{pad} {gutter}={reset} {label}{colon}{shown}");
        if let Some(final_url) = diagnostic.extra.final_url.as_deref().filter(|final_url| *final_url != url) {
            let _ = write!(out, " → {}", redactor.apply(final_url));
        }
        if let Some(code) = diagnostic.extra.status {
            let _ = write!(out, "（{status} {code}）");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{pad} {gutter}={reset} {help}{help_word}{reset}{colon}{}",
        redactor.apply(diagnostic.help.get(lang))
    );
}

/// The source line (tabs expanded) and the marker line under the span; `None` when the position is
/// outside the line. A long line (a Chinese paragraph is often one line) is cut to a window around the
/// span, with `…` where text was left out. Costs the window, not the line.
fn snippet(diagnostic: &Diagnostic, line: &QuotedLine) -> Option<(String, String)> {
    let start = diagnostic.start;
    let cells = &line.cells;
    if start.column == 0 || start.column > cells.len() + 1 {
        return None;
    }
    let span_start = start.column - 1;
    let span_end = if diagnostic.end.line == start.line && diagnostic.end.column > start.column {
        (diagnostic.end.column - 1).min(cells.len())
    } else if diagnostic.end.line > start.line {
        cells.len()
    } else {
        span_start
    };
    let (mut from, mut to) = (0, cells.len());
    if line.width(0..cells.len()) > MAX_LINE_WIDTH || cells.len() > MAX_QUOTED_CHARS {
        // The widest context before the span that fits, then as much after it as the line allows.
        let context_floor = line.widths[span_start].saturating_sub(CONTEXT_WIDTH);
        from = line.widths[..=span_start].partition_point(|&width| width < context_floor);
        from = from.max(span_start.saturating_sub(MAX_QUOTED_CHARS / 4));
        let limit = line.widths[from] + MAX_LINE_WIDTH;
        to = from + line.widths[from..].partition_point(|&width| width <= limit) - 1;
        to = to.min(from + MAX_QUOTED_CHARS);
    }
    let (prefix, suffix) = (if from > 0 { "…" } else { "" }, if to < cells.len() { "…" } else { "" });
    let mut shown = String::from(prefix);
    let mut marker = " ".repeat(prefix.width());
    for (index, &(character, width)) in cells.iter().enumerate().take(to).skip(from) {
        if character == '\t' {
            shown.extend(std::iter::repeat_n(' ', width));
        } else if !character.is_control() {
            shown.push(character);
        }
        if index < span_start {
            marker.extend(std::iter::repeat_n(' ', width));
        } else if index < span_end {
            marker.extend(std::iter::repeat_n('^', width));
        }
    }
    shown.push_str(suffix);
    // A point span, or a span at the end of the line: one caret where it starts.
    if !marker.contains('^') {
        marker.push('^');
    }
    Some((shown, marker.trim_end().to_string()))
}

fn summary(report: &Report, lang: Lang, palette: &Palette) -> String {
    let Palette { emphasis, reset, .. } = palette;
    let files = report.files_checked;
    let verdict = if report.errors() > 0 {
        palette.error
    } else if report.warnings() > 0 {
        palette.warning
    } else {
        emphasis
    };
    let counts = counts_text(report, lang);
    match (lang, report.diagnostics.is_empty()) {
        (Lang::Zh, true) => format!("{emphasis}检查了 {files} 个文件：未发现问题{reset}\n"),
        (Lang::Zh, false) => format!("{verdict}检查了 {files} 个文件：{counts}{reset}\n"),
        (Lang::En, true) => {
            format!("{emphasis}Checked {files} {}: no problems found{reset}\n", super::plural(files, "file"))
        }
        (Lang::En, false) => format!("{verdict}Checked {files} {}: {counts}{reset}\n", super::plural(files, "file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govpress::{Position, Text};

    fn diagnostic(start: (usize, usize), end: (usize, usize)) -> Diagnostic {
        Diagnostic::new(
            "personal-data.mobile",
            22,
            Severity::Error,
            Text::new("页面含未脱敏的手机号码（第二十二条）", "The page shows an unmasked mobile number (article 22)"),
            Text::new("隐去中间四位，例如 138****0000", "Mask the middle four digits, e.g. 138****0000"),
        )
        .at(Position { line: start.0, column: start.1 }, Position { line: end.0, column: end.1 })
        .in_file("content/a.md")
    }

    fn quoted(text: &str, line: usize, redacted: &[(Position, Position)]) -> QuotedLine {
        QuotedLine::new(LineIndex::new(text).line_text(text, line), line, redacted)
    }

    fn snippet_of(text: &str, start: (usize, usize), end: (usize, usize)) -> Option<(String, String)> {
        let diagnostic = diagnostic(start, end);
        snippet(&diagnostic, &quoted(text, start.0, &[(diagnostic.start, diagnostic.end)]))
    }

    #[test]
    fn carets_line_up_under_wide_characters() {
        let text = "标题\n联系电话：13800138000。\n";
        let (line, marker) = snippet_of(text, (2, 6), (2, 17)).unwrap();
        assert_eq!(line, "联系电话：138****8000。");
        // Five CJK characters are ten terminal columns wide.
        assert_eq!(marker, format!("{}{}", " ".repeat(10), "^".repeat(11)));
    }

    #[test]
    fn personal_data_is_masked_in_the_quote() {
        let text = "联系电话：138 1234 5678，身份证 11010519491231002X\n";
        let (line, marker) = snippet_of(text, (1, 6), (1, 19)).unwrap();
        assert_eq!(line, "联系电话：138 **** 5678，身份证 11010519491231002X");
        assert_eq!(marker.trim_start().len(), 13, "the span keeps its width");
        let mut other = diagnostic((1, 6), (1, 19));
        other.article = 16;
        let (line, _) = snippet(&other, &quoted(text, 1, &[])).unwrap();
        assert!(line.contains("138 1234 5678"), "text nobody redacts is quoted as it is");
    }

    #[test]
    fn point_spans_tabs_and_out_of_range_positions() {
        let (_, marker) = snippet_of("a = 1\n", (1, 1), (1, 1)).unwrap();
        assert_eq!(marker, "^");
        let (line, marker) = snippet_of("\tx = 1\n", (1, 2), (1, 3)).unwrap();
        assert_eq!(line, "    x = 1");
        assert_eq!(marker, "    ^");
        let (_, marker) = snippet_of("abc\n", (1, 4), (1, 4)).unwrap();
        assert_eq!(marker, "   ^", "a caret just past the end of the line");
        let (_, marker) = snippet_of("abc\ndef\n", (1, 2), (2, 2)).unwrap();
        assert_eq!(marker, " ^^", "a multi-line span underlines to the end of its first line");
        assert!(snippet_of("abc\n", (1, 9), (1, 9)).is_none());
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let before = "各部门要切实加强网络安全管理工作。".repeat(4);
        let after = "严格落实信息发布审核制度。".repeat(6);
        let text = format!("{before}联系电话：13812345678{after}\n");
        let column = before.chars().count() + 6;
        let (line, marker) = snippet_of(&text, (1, column), (1, column + 11)).unwrap();
        assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
        assert!(line.width() <= MAX_LINE_WIDTH + 2, "{line}");
        let caret = marker.find('^').unwrap();
        let under: String = line
            .chars()
            .scan(0, |width, character| {
                let here = *width;
                *width += character.width().unwrap_or(0);
                Some((here, character))
            })
            .filter(|(here, _)| *here >= caret && *here < caret + 11)
            .map(|(_, character)| character)
            .collect();
        assert_eq!(under, "138****5678", "the carets sit under the (masked) number");
        // A short line is shown whole.
        let (line, _) = snippet_of("短行：13812345678\n", (1, 4), (1, 15)).unwrap();
        assert_eq!(line, "短行：138****5678");
    }

    #[test]
    fn colour_only_adds_escape_codes() {
        let text = "联系电话：13800138000\n".to_string();
        let mut sources = Sources::new();
        sources.insert("content/a.md", Some(text), std::path::Path::new("site/content/a.md"));
        let report = Report::new(1, vec![diagnostic((1, 6), (1, 17))]);
        let plain = render(&report, &sources, Lang::Zh, false);
        let coloured = render(&report, &sources, Lang::Zh, true);
        assert!(!plain.contains('\x1b'));
        assert!(plain.contains(" --> site/content/a.md:1:6\n"), "the path from the working directory: {plain}");
        assert!(coloured.contains("\x1b[1;31m错误[personal-data.mobile]"));
        let stripped = coloured.replace(COLOURED.error, "").replace(COLOURED.emphasis, "");
        let stripped =
            [COLOURED.gutter, COLOURED.help, COLOURED.reset].iter().fold(stripped, |text, code| text.replace(code, ""));
        assert_eq!(stripped, plain);
    }
}
