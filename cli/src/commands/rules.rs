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
}

pub fn run(args: RulesArgs, globals: Globals) -> anyhow::Result<u8> {
    let rules = all_rules();
    let text = match args.format {
        RulesFormat::Human => rule_listing::human(&rules, globals.lang),
        RulesFormat::Json => rule_listing::json(&rules),
    };
    print!("{text}");
    Ok(EXIT_OK)
}
