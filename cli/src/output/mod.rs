//! Report formats. Every format renders the same `Report` value.

use std::io::Write;

use clap::ValueEnum;
use govpress::{Lang, Report};

mod human;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

pub fn render(report: &Report, format: Format, lang: Lang) -> String {
    match format {
        Format::Human => human::render(report, lang, false),
        Format::Json => report.to_json(lang) + "\n",
        // SARIF, GitHub and JUnit renderers are being written; until then they fall back to JSON.
        Format::Sarif | Format::Github | Format::Junit => report.to_json(lang) + "\n",
    }
}

pub fn print(report: &Report, format: Format, lang: Lang) -> anyhow::Result<()> {
    let text = match format {
        Format::Human => human::render(report, lang, std::io::IsTerminal::is_terminal(&std::io::stdout())),
        _ => render(report, format, lang),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

pub fn error_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "错误",
        Lang::En => "error",
    }
}
