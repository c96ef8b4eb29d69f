//! One module per command.

use clap::Subcommand;

use crate::Globals;

pub mod check;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查站点目录或单个 Markdown 文件，不写任何文件
    Check(check::CheckArgs),
}

pub fn run(command: Command, globals: Globals) -> anyhow::Result<u8> {
    match command {
        Command::Check(args) => check::run(args, globals),
    }
}
