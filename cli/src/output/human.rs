//! The default format, for people: one block per diagnostic in the manner of rustc and ruff, with the
//! source line and a caret under the span. Chinese by default; every word switches with `--lang en`.

use std::fmt::Write as _;

use govpress::source::LineIndex;
use std::collections::BTreeMap;

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
/// 第二十二条: personal information.
const PERSONAL_DATA_ARTICLE: u8 = 22;
/// Lines wider than this (in terminal columns) are cut around the span.
const MAX_LINE_WIDTH: usize = 100;
/// How much of a cut line to keep before the span.
const CONTEXT_WIDTH: usize = 24;

/// A file as the snippets quote it: its text, line index, and the spans never to quote in clear.
struct Quoted<'a> {
    text: &'a str,
    index: LineIndex,
    /// 第二十二条 spans: personal data that a quote in a CI log would publish again.
    sensitive: Vec<(Position, Position)>,
}

pub fn render(report: &Report, sources: &Sources, lang: Lang, colour: bool) -> String {
    let palette = if colour { &COLOURED } else { &PLAIN };
    // Only the files that have something to show.
    let mut quoted: BTreeMap<&str, Quoted<'_>> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let file = diagnostic.file.as_str();
        if !quoted.contains_key(file) {
            let Some(text) = sources.text(file) else { continue };
            quoted.insert(file, Quoted { text, index: LineIndex::new(text), sensitive: Vec::new() });
        }
        if diagnostic.article == PERSONAL_DATA_ARTICLE {
            if let Some(file) = quoted.get_mut(file) {
                file.sensitive.push((diagnostic.start, diagnostic.end));
            }
        }
    }
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        let source = quoted.get(diagnostic.file.as_str());
        render_diagnostic(&mut out, diagnostic, sources.path(&diagnostic.file), source, lang, palette);
        out.push('\n');
    }
    out.push_str(&summary(report, lang, palette));
    out
}

fn render_diagnostic(
    out: &mut String,
    diagnostic: &Diagnostic,
    path: &str,
    source: Option<&Quoted<'_>>,
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
        diagnostic.message.get(lang)
    );
    let _ = writeln!(out, "{pad}{gutter}-->{reset} {}:{}:{}", path, diagnostic.start.line, diagnostic.start.column);
    if let Some((line_text, underline)) = source.and_then(|source| snippet(diagnostic, source)) {
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
    if let Some(url) = &diagnostic.extra.url {
        let (label, status, empty) = match lang {
            Lang::Zh => ("链接", "状态", "（空）"),
            Lang::En => ("link", "status", "(empty)"),
        };
        let shown = if url.trim().is_empty() { empty } else { url.as_str() };
        let _ = write!(out, "{pad} {gutter}={reset} {label}{colon}{shown}");
        if let Some(final_url) = diagnostic.extra.final_url.as_deref().filter(|final_url| *final_url != url) {
            let _ = write!(out, " → {final_url}");
        }
        if let Some(code) = diagnostic.extra.status {
            let _ = write!(out, "（{status} {code}）");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{pad} {gutter}={reset} {help}{help_word}{reset}{colon}{}", diagnostic.help.get(lang));
}

/// The source line (tabs expanded) and the marker line under the span; `None` when the position is
/// outside the text (for example a file that could not be read). A long line (a Chinese paragraph is often
/// one line) is cut to a window around the span, with `…` where text was left out.
fn snippet(diagnostic: &Diagnostic, source: &Quoted<'_>) -> Option<(String, String)> {
    let Quoted { text, index, sensitive } = source;
    let start = diagnostic.start;
    if start.line == 0 || start.line > index.line_count() {
        return None;
    }
    let line = index.line_text(text, start.line);
    // Each character as shown and its terminal width.
    let mut cells: Vec<(char, usize)> = Vec::with_capacity(line.len());
    let mut line_width = 0;
    for character in line.chars() {
        let width = match character {
            '\t' => TAB_WIDTH - line_width % TAB_WIDTH,
            control if control.is_control() => 0,
            other => other.width().unwrap_or(0),
        };
        line_width += width;
        cells.push((character, width));
    }
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
    let width_of = |range: std::ops::Range<usize>| cells[range].iter().map(|cell| cell.1).sum::<usize>();
    let (mut from, mut to) = (0, cells.len());
    if line_width > MAX_LINE_WIDTH {
        from = span_start;
        while from > 0 && width_of(from - 1..span_start) <= CONTEXT_WIDTH {
            from -= 1;
        }
        to = from;
        while to < cells.len() && width_of(from..to + 1) <= MAX_LINE_WIDTH {
            to += 1;
        }
    }
    for (from, to) in sensitive.iter().filter(|(from, _)| from.line == start.line) {
        let first = (from.column.max(1) - 1).min(cells.len());
        let last = if to.line == from.line { (to.column.max(1) - 1).clamp(first, cells.len()) } else { cells.len() };
        mask_span(&mut cells[first..last]);
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

/// Keeps the first three and last four letters or digits of personal data (as the messages do), masks the rest.
fn mask_span(cells: &mut [(char, usize)]) {
    let alphanumeric = cells.iter().filter(|(character, _)| character.is_ascii_alphanumeric()).count();
    for (seen, (character, _)) in
        cells.iter_mut().filter(|(character, _)| character.is_ascii_alphanumeric()).enumerate()
    {
        if seen >= 3 && seen + 4 < alphanumeric {
            *character = '*';
        }
    }
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

    fn snippet_of(text: &str, start: (usize, usize), end: (usize, usize)) -> Option<(String, String)> {
        let diagnostic = diagnostic(start, end);
        let sensitive = vec![(diagnostic.start, diagnostic.end)];
        snippet(&diagnostic, &Quoted { text, index: LineIndex::new(text), sensitive })
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
        let (line, _) = snippet(&other, &Quoted { text, index: LineIndex::new(text), sensitive: Vec::new() }).unwrap();
        assert!(line.contains("138 1234 5678"), "other articles quote the text as it is");
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
        assert!(snippet_of("abc\n", (9, 1), (9, 1)).is_none());
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
