//! The default format: one block per diagnostic, Chinese by default.

use govpress::diagnostic::article_zh;
use govpress::{Lang, Report, Severity};

pub fn render(report: &Report, lang: Lang, _colour: bool) -> String {
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        let severity = match (diagnostic.severity, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
        };
        let article = match lang {
            Lang::Zh => article_zh(diagnostic.article),
            Lang::En => format!("article {}", diagnostic.article),
        };
        out.push_str(&format!(
            "{severity}[{}] {}:{}:{}: {} ({article})\n  = {}\n",
            diagnostic.rule,
            diagnostic.file,
            diagnostic.start.line,
            diagnostic.start.column,
            diagnostic.message.get(lang),
            diagnostic.help.get(lang)
        ));
    }
    match lang {
        Lang::Zh => out.push_str(&format!(
            "检查了 {} 个文件：{} 个错误，{} 个警告\n",
            report.files_checked,
            report.errors(),
            report.warnings()
        )),
        Lang::En => out.push_str(&format!(
            "{} files checked: {} errors, {} warnings\n",
            report.files_checked,
            report.errors(),
            report.warnings()
        )),
    }
    out
}
