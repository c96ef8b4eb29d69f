//! GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request.
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`

use std::fmt::Write as _;

use govpress::{Lang, Report, Severity};

use super::{article_text, counts_text, located_message, Sources};

pub fn render(report: &Report, sources: &Sources, lang: Lang) -> String {
    let redactor = report.redactor();
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let (end_line, end_column) = if diagnostic.end > diagnostic.start {
            (diagnostic.end.line, diagnostic.end.column)
        } else {
            (diagnostic.start.line, diagnostic.start.column)
        };
        let title = format!("{} ({})", diagnostic.rule, article_text(diagnostic.article, lang));
        let help_word = match lang {
            Lang::Zh => "帮助：",
            Lang::En => "Help: ",
        };
        let message = format!("{}\n{help_word}{}", located_message(diagnostic, lang), diagnostic.help.get(lang));
        let message = redactor.apply(&message);
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={end_line},endColumn={end_column},title={}::{}",
            escape_property(sources.path(&diagnostic.file)),
            diagnostic.start.line,
            diagnostic.start.column,
            escape_property(&title),
            escape_data(&message),
        );
    }
    // A plain line (not a command) for the log.
    let _ = match lang {
        Lang::Zh => writeln!(out, "govpress：检查了 {} 个文件，{}", report.files_checked, counts_text(report, lang)),
        Lang::En => writeln!(out, "govpress: {} files checked, {}", report.files_checked, counts_text(report, lang)),
    };
    out
}

/// The escaping GitHub's runner undoes in a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// In properties `:` and `,` separate fields, so they are escaped too.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
