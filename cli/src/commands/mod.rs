//! One module per command.

use clap::Subcommand;

use crate::Globals;

pub mod check;
pub mod rules;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查站点目录或单个 Markdown 文件，不写任何文件
    Check(check::CheckArgs),
    /// 列出全部规则：编号、依据条款、默认级别、说明
    Rules(rules::RulesArgs),
}

pub fn run(command: Command, globals: Globals) -> anyhow::Result<u8> {
    match command {
        Command::Check(args) => check::run(args, globals),
        Command::Rules(args) => rules::run(args, globals),
    }
}
