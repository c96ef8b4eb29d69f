//! Report formats. Every format renders the same `Report` value; none of them reads files.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::ValueEnum;
use govpress::{Lang, Report};

mod github;
mod human;
mod junit;
pub mod rule_listing;
mod sarif;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

/// What the command read, for the renderers: each file's text, and where the file is as seen from the
/// working directory. `Diagnostic::file` is site-relative (SPEC §6); annotations for GitHub, SARIF viewers
/// and terminals need the path from where the command ran (`site/content/a.md` for `govpress check site`).
#[derive(Debug, Default)]
pub struct Sources {
    texts: BTreeMap<String, String>,
    paths: BTreeMap<String, String>,
    /// Every file the command read, whether or not its text is kept (only quoted files need it).
    read: BTreeSet<String>,
    ambiguous: BTreeSet<String>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Records a file under its report name, with its text when it could be read and its path on disk.
    /// Two sites checked at once may both have `content/_index.md`: a name that stands for two files gets
    /// neither text nor path, so no report quotes the wrong file.
    pub fn insert(&mut self, file: &str, text: Option<String>, on_disk: &Path) {
        let path = display_path(on_disk);
        if self.ambiguous.contains(file) {
            return;
        }
        if self.paths.get(file).is_some_and(|known| *known != path) {
            self.texts.remove(file);
            self.paths.remove(file);
            self.read.remove(file);
            self.ambiguous.insert(file.to_string());
            return;
        }
        if let Some(text) = text {
            self.texts.insert(file.to_string(), text);
            self.read.insert(file.to_string());
        }
        self.paths.insert(file.to_string(), path);
    }

    /// Records a file that was read and checked without keeping its text (no finding quotes it).
    pub fn insert_read(&mut self, file: &str, on_disk: &Path) {
        self.insert(file, None, on_disk);
        if !self.ambiguous.contains(file) {
            self.read.insert(file.to_string());
        }
    }

    pub fn text(&self, file: &str) -> Option<&str> {
        self.texts.get(file).map(String::as_str)
    }

    /// The path to show for a report file: from the working directory when known, else the report name.
    pub fn path<'a>(&'a self, file: &'a str) -> &'a str {
        self.paths.get(file).map_or(file, String::as_str)
    }

    /// Takes in another command part's sources under `prefix` (a platform site's directory, so that
    /// `content/a.md` of `sites/portal` is `sites/portal/content/a.md`, SPEC §10).
    pub fn absorb(&mut self, other: Sources, prefix: &str) {
        let name = |file: &str| format!("{prefix}{file}");
        for (file, path) in other.paths {
            let text = other.texts.get(&file).cloned();
            let read = other.read.contains(&file);
            self.insert(&name(&file), text, Path::new(&path));
            if read && !self.ambiguous.contains(&name(&file)) {
                self.read.insert(name(&file));
            }
        }
    }

    /// Every file that was read, by report name, sorted.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.read.iter().map(String::as_str)
    }
}

/// `./site/content/a.md` → `site/content/a.md`, with `/` separators.
fn display_path(path: &Path) -> String {
    let parts: Vec<_> = path
        .components()
        .filter(|component| !matches!(component, std::path::Component::CurDir))
        .map(|component| component.as_os_str().to_string_lossy())
        .collect();
    let joined = parts.join("/");
    // A root component renders as "/" and would double up.
    joined.strip_prefix("//").map_or(joined.clone(), |rest| format!("/{rest}"))
}

/// How to render: language, colour (human only), and whether warnings fail the run (JUnit).
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub lang: Lang,
    pub colour: bool,
    pub deny_warnings: bool,
}

pub fn render(report: &Report, format: Format, sources: &Sources, options: RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, sources, options.lang, options.colour),
        Format::Json => report.to_json(options.lang) + "\n",
        Format::Sarif => sarif::render(report, sources, options.lang),
        Format::Github => github::render(report, sources, options.lang),
        Format::Junit => junit::render(report, sources, options.lang, options.deny_warnings),
    }
}

/// Renders to standard output; colour only for a terminal, and never when `NO_COLOR` is set.
pub fn print(
    report: &Report,
    format: Format,
    sources: &Sources,
    lang: Lang,
    deny_warnings: bool,
) -> anyhow::Result<()> {
    let colour = colour_wanted(std::io::stdout().is_terminal(), |name| std::env::var_os(name));
    let text = render(report, format, sources, RenderOptions { lang, colour, deny_warnings });
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        // `govpress check | head` closing the pipe early is not an error; the exit code still tells.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// `NO_COLOR` (any non-empty value) wins; `CLICOLOR_FORCE` (non-empty, not `0`) colours even a pipe;
/// a terminal that says `TERM=dumb` gets none.
fn colour_wanted(is_terminal: bool, env: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    let set = |name: &str| env(name).is_some_and(|value| !value.is_empty() && value != "0");
    if env("NO_COLOR").is_some_and(|value| !value.is_empty()) {
        return false;
    }
    set("CLICOLOR_FORCE") || (is_terminal && env("TERM").is_none_or(|term| term != "dumb"))
}

pub fn error_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "错误",
        Lang::En => "error",
    }
}

/// Words every format shares.
fn severity_word(severity: govpress::Severity, lang: Lang) -> &'static str {
    match (severity, lang) {
        (govpress::Severity::Error, Lang::Zh) => "错误",
        (govpress::Severity::Warning, Lang::Zh) => "警告",
        (govpress::Severity::Error, Lang::En) => "error",
        (govpress::Severity::Warning, Lang::En) => "warning",
    }
}

/// The article as a reader expects it: 第十四条, or "article 14".
fn article_text(article: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => govpress::diagnostic::article_zh(article),
        Lang::En => format!("article {article}"),
    }
}

/// The message, followed by the attachment's cell, page or paragraph when it has one:
/// `…（位置：工作表「公示」单元格 C7）` / `… (at sheet 公示 cell C7)`. For formats with no place of their own
/// for it (GitHub annotations, JUnit, SARIF's message).
fn located_message(diagnostic: &govpress::Diagnostic, lang: Lang) -> std::borrow::Cow<'_, str> {
    let message = diagnostic.message.get(lang);
    match (&diagnostic.part, lang) {
        (None, _) => message.into(),
        (Some(part), Lang::Zh) => format!("{message}（位置：{}）", part.label(lang)).into(),
        (Some(part), Lang::En) => format!("{message} (at {})", part.label(lang)).into(),
    }
}

/// "3 个错误，1 个警告" / "3 errors, 1 warning".
fn counts_text(report: &Report, lang: Lang) -> String {
    let (errors, warnings) = (report.errors(), report.warnings());
    match lang {
        Lang::Zh => format!("{errors} 个错误，{warnings} 个警告"),
        Lang::En => format!("{errors} {}, {warnings} {}", plural(errors, "error"), plural(warnings, "warning")),
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env_of<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| OsString::from(value))
    }

    #[test]
    fn colour_follows_the_terminal_and_no_color() {
        assert!(colour_wanted(true, env_of(&[])));
        assert!(!colour_wanted(false, env_of(&[])));
        assert!(!colour_wanted(true, env_of(&[("NO_COLOR", "1")])));
        assert!(colour_wanted(true, env_of(&[("NO_COLOR", "")])), "an empty NO_COLOR is unset");
        assert!(colour_wanted(false, env_of(&[("CLICOLOR_FORCE", "1")])));
        assert!(!colour_wanted(false, env_of(&[("CLICOLOR_FORCE", "0")])));
        assert!(!colour_wanted(false, env_of(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])));
        assert!(!colour_wanted(true, env_of(&[("TERM", "dumb")])));
        assert!(colour_wanted(true, env_of(&[("TERM", "xterm-256color")])));
    }

    #[test]
    fn paths_are_shown_from_the_working_directory() {
        assert_eq!(display_path(Path::new("./site/content/a.md")), "site/content/a.md");
        assert_eq!(display_path(Path::new("/tmp/site/./a.md")), "/tmp/site/a.md");
        let mut sources = Sources::new();
        sources.insert("content/a.md", None, &Path::new("site").join("content/a.md"));
        assert_eq!(sources.path("content/a.md"), "site/content/a.md");
        assert_eq!(sources.path("content/b.md"), "content/b.md");
        assert_eq!(sources.files().count(), 0, "only files with text were read");
    }

    #[test]
    fn a_name_standing_for_two_files_is_neither_quoted_nor_located() {
        let mut sources = Sources::new();
        sources.insert("content/_index.md", Some("a".into()), Path::new("one/content/_index.md"));
        sources.insert("content/_index.md", Some("a".into()), Path::new("one/content/_index.md"));
        assert_eq!(sources.text("content/_index.md"), Some("a"), "the same file again is no conflict");
        sources.insert("content/_index.md", Some("b".into()), Path::new("two/content/_index.md"));
        sources.insert("content/_index.md", Some("c".into()), Path::new("three/content/_index.md"));
        assert_eq!(sources.text("content/_index.md"), None);
        assert_eq!(sources.path("content/_index.md"), "content/_index.md");
    }

    #[test]
    fn no_format_shows_redacted_personal_data() {
        use govpress::{Diagnostic, Position, Severity, Text};
        let number = "13812345678";
        let text = format!("“必须下载某某 App 并致电 {number}”办理\n");
        let at = |column| Position { line: 1, column };
        let personal = Diagnostic::new(
            "personal-data.mobile",
            22,
            Severity::Error,
            Text::new("手机号 138****5678", "mobile 138****5678"),
            Text::new("脱敏", "mask it"),
        )
        .at(at(17), at(28))
        .in_file("content/a.md")
        .redacting(number);
        // Another rule quoting the same words, number and all, in its message, help and link.
        let quoting = Diagnostic::new(
            "compatibility.platform",
            11,
            Severity::Warning,
            Text::new(format!("“必须下载某某 App 并致电 {number}”"), format!("\"… call {number}\"")),
            Text::new(format!("改写 {number}"), format!("rewrite {number}")),
        )
        .at(at(1), at(30))
        .in_file("content/a.md")
        .with_url(format!("tel:{number}"));
        let report = Report::new(1, vec![personal, quoting]);
        let mut sources = Sources::new();
        sources.insert("content/a.md", Some(text), Path::new("content/a.md"));
        for format in Format::value_variants() {
            for lang in [Lang::Zh, Lang::En] {
                let options = RenderOptions { lang, colour: false, deny_warnings: false };
                let shown = render(&report, *format, &sources, options);
                assert!(!shown.contains(number), "{format:?} shows {number}:\n{shown}");
                assert!(shown.contains("138****5678"), "{format:?} keeps the masked form:\n{shown}");
            }
        }
    }

    #[test]
    fn counts_read_naturally() {
        let report = Report::default();
        assert_eq!(counts_text(&report, Lang::Zh), "0 个错误，0 个警告");
        assert_eq!(counts_text(&report, Lang::En), "0 errors, 0 warnings");
    }
}
