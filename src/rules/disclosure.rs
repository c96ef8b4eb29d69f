//! 第十三条 (准确性): the 政府信息公开 metadata of a document (SPEC §9) is complete and consistent.
//! This module checks a page's own `[disclosure]` table; what needs the whole site (a disclosure
//! section's pages without a table, `repealed_by` naming no page, one 索引号 on two pages) is in
//! `crate::site::disclosure`, with the rules registered here.

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::disclosure::{doc_no_year, DocNoYear, Status};
use crate::page::Page;
use crate::rules::{PageContext, RuleInfo};
use crate::time::Timestamp;

const fn rule(id: &'static str, summary_zh: &'static str, summary_en: &'static str) -> RuleInfo {
    RuleInfo { id, article: 13, severity: Severity::Error, summary_zh, summary_en }
}

pub const MISSING: RuleInfo = rule(
    "disclosure.missing",
    "政府信息公开栏目的文件标注索引号、发文机关、成文日期、主题分类、有效性（[disclosure]）",
    "Documents of a disclosure section carry index_no, issuer, written_at, topic and status ([disclosure])",
);
pub const WRITTEN_AT: RuleInfo = rule(
    "disclosure.written-at",
    "成文日期 written_at 是有效日期，且不晚于发布日期 date",
    "written_at is a valid date, not after the page's date",
);
pub const DOC_NO: RuleInfo = rule(
    "disclosure.doc-no",
    "发文字号的年份用六角括号〔〕括入（GB/T 9704-2012）",
    "The year of a doc_no is enclosed in 六角括号 〔〕 (GB/T 9704-2012)",
);
pub const STATUS: RuleInfo = rule(
    "disclosure.status",
    "有效性 status 只能是 valid、amended 或 repealed，并与 repealed_by、amended_by 相符",
    "status is valid, amended or repealed, and agrees with repealed_by and amended_by",
);
pub const REPLACEMENT: RuleInfo = rule(
    "disclosure.replacement",
    "repealed_by、amended_by 指向站点中存在的页面",
    "repealed_by and amended_by name a page of the site",
);
pub const DUPLICATE_INDEX_NO: RuleInfo =
    rule("disclosure.duplicate-index-no", "索引号在全站唯一", "An index_no is used by one page only");

pub const RULES: &[RuleInfo] = &[MISSING, WRITTEN_AT, DOC_NO, STATUS, REPLACEMENT, DUPLICATE_INDEX_NO];

/// The Chinese name of a key, for messages.
pub fn key_name(key: &str) -> &'static str {
    match key {
        "index_no" => "索引号",
        "issuer" => "发文机关",
        "doc_no" => "发文字号",
        "written_at" => "成文日期",
        "topic" => "主题分类",
        "status" => "有效性",
        "repealed_by" => "废止文件",
        "amended_by" => "修订文件",
        _ => "",
    }
}

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    if !page.front_matter_valid {
        return;
    }
    let Some(disclosure) = page.front_matter.disclosure() else { return };
    let missing = disclosure.missing_keys();
    if !missing.is_empty() {
        let zh: Vec<String> = missing.iter().map(|key| format!("{}（{key}）", key_name(key))).collect();
        out.push(page.diagnostic_at_key(
            "disclosure",
            MISSING.diagnostic(
                Text::new(
                    format!("[disclosure] 缺少{}（第十三条：准确性）", zh.join("、")),
                    format!("[disclosure] lacks {} (article 13: accuracy)", missing.join(", ")),
                ),
                Text::new(
                    "政府信息公开文件须标注索引号、发文机关、成文日期、主题分类、有效性；发文字号有则填写",
                    "A disclosed document states index_no, issuer, written_at, topic and status; doc_no when it has one",
                ),
            ),
        ));
    }
    if let Some(text) = disclosure.value("written_at") {
        check_written_at(page, text, out);
    }
    if let Some(doc_no) = disclosure.value("doc_no") {
        check_doc_no(page, doc_no, out);
    }
    if let Some(text) = disclosure.value("status") {
        let Some(status) = Status::parse(text) else {
            out.push(page.diagnostic_at_key(
                "disclosure.status",
                STATUS.diagnostic(
                    Text::new(
                        format!("有效性 status = \"{text}\" 无效（第十三条：准确性）"),
                        format!("status = \"{text}\" is not valid (article 13: accuracy)"),
                    ),
                    Text::new(
                        "写 \"valid\"（有效）、\"amended\"（已修订）或 \"repealed\"（已废止）",
                        "Write \"valid\", \"amended\" or \"repealed\"",
                    ),
                ),
            ));
            return;
        };
        for (key, wanted) in [("repealed_by", Status::Repealed), ("amended_by", Status::Amended)] {
            if status != wanted && disclosure.value(key).is_some() {
                out.push(page.diagnostic_at_key(
                    &format!("disclosure.{key}"),
                    STATUS.diagnostic(
                        Text::new(
                            format!(
                                "{key} 只用于{}的文件，但 status = \"{}\"（第十三条：准确性）",
                                wanted.label(),
                                status.key()
                            ),
                            format!(
                                "{key} is for {} documents, but status = \"{}\" (article 13: accuracy)",
                                wanted.key(),
                                status.key()
                            ),
                        ),
                        Text::new(
                            format!("把 status 改为 \"{}\"，或删除 {key}", wanted.key()),
                            format!("Set status = \"{}\", or remove {key}", wanted.key()),
                        ),
                    ),
                ));
            }
        }
    }
}

fn check_written_at(page: &Page<'_>, text: &str, out: &mut Vec<Diagnostic>) {
    let Some(written) = Timestamp::parse(text) else {
        out.push(page.diagnostic_at_key(
            "disclosure.written_at",
            WRITTEN_AT.diagnostic(
                Text::new(
                    format!("成文日期“{text}”不是有效日期（第十三条：准确性）"),
                    format!("written_at \"{text}\" is not a valid date (article 13: accuracy)"),
                ),
                Text::new("写成 2024-05-10", "Write 2024-05-10"),
            ),
        ));
        return;
    };
    let Some(date) = page.front_matter.date() else { return };
    if written.china_date() > date.china_date() {
        out.push(page.diagnostic_at_key(
            "disclosure.written_at",
            WRITTEN_AT.diagnostic(
                Text::new(
                    format!(
                        "成文日期 {} 晚于发布日期 {}（第十三条：准确性）",
                        written.china_date().format("%Y-%m-%d"),
                        date.display()
                    ),
                    format!(
                        "written_at {} is after the page's date {} (article 13: accuracy)",
                        written.china_date().format("%Y-%m-%d"),
                        date.display()
                    ),
                ),
                Text::new(
                    "核对 written_at 与 date：文件先成文、后公开",
                    "Check written_at and date: a document is written before it is published",
                ),
            ),
        ));
    }
}

fn check_doc_no(page: &Page<'_>, doc_no: &str, out: &mut Vec<Diagnostic>) {
    let DocNoYear::Wrong { year, wrong, offset } = doc_no_year(doc_no) else { return };
    let diagnostic = DOC_NO.diagnostic(
        Text::new(
            format!("发文字号“{doc_no}”的年份写作“{wrong}”，应使用六角括号：〔{year}〕（第十三条：准确性；GB/T 9704-2012）"),
            format!(
                "doc_no \"{doc_no}\" writes its year as \"{wrong}\": use 六角括号, 〔{year}〕 (article 13: accuracy; GB/T 9704-2012)"
            ),
        ),
        Text::new(
            format!("改为“{}”", doc_no.replacen(wrong, &format!("〔{year}〕"), 1)),
            format!("Write \"{}\"", doc_no.replacen(wrong, &format!("〔{year}〕"), 1)),
        ),
    );
    // Point at the wrong bracket when the value is written on its key's line.
    let key = page.keys.get("disclosure.doc_no");
    let found = page.lines().line_start(key.line).and_then(|start| {
        let line = page.lines().line_text(page.source, key.line);
        line.find(doc_no).map(|at| start + at + offset)
    });
    out.push(match found {
        Some(at) => page.diagnostic_at(at..at + wrong.len(), diagnostic),
        None => page.diagnostic_at_key("disclosure.doc_no", diagnostic),
    });
}
