//! `govpress rules`: every rule with its article, default severity and summary.

use clap::{Args, ValueEnum};
use govpress::rules::all_rules;

use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::output::rule_listing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// 输出格式
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    format: RulesFormat,
    /// 列出内置规范表述条目（terms.wording）：id、错误写法、规范写法、依据；id 可写入 [terms] disable
    #[arg(long)]
    terms: bool,
}

pub fn run(args: RulesArgs, globals: Globals) -> anyhow::Result<u8> {
    if args.terms {
        print!("{}", terms_listing(args.format));
        return Ok(EXIT_OK);
    }
    let rules = all_rules();
    let text = match args.format {
        RulesFormat::Human => rule_listing::human(&rules, globals.lang),
        RulesFormat::Json => rule_listing::json(&rules),
    };
    print!("{text}");
    Ok(EXIT_OK)
}

/// The built-in terms (SPEC §12), one per line or as JSON, with the 发文字号 bracket check last.
fn terms_listing(format: RulesFormat) -> String {
    let terms = govpress::terms::built_in();
    let doc_number =
        (govpress::terms::DOC_NUMBER_ID, "[2024] （2024）", "〔2024〕", "GB/T 9704-2012《党政机关公文格式》7.2.4");
    let rows = terms
        .iter()
        .map(|term| (term.id.as_str(), term.wrong.as_str(), term.right.as_str(), term.note.as_str()))
        .chain(std::iter::once(doc_number));
    match format {
        RulesFormat::Human => {
            rows.map(|(id, wrong, right, note)| format!("{id}\t{wrong} → {right}\t{note}\n")).collect()
        }
        RulesFormat::Json => {
            let entries: Vec<serde_json::Value> = rows
                .map(|(id, wrong, right, note)| serde_json::json!({ "id": id, "wrong": wrong, "right": right, "source": note }))
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&entries).unwrap_or_default())
        }
    }
}
