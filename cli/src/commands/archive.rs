//! `govpress archive [DIR] --out FILE` and `govpress archive verify FILE --public-key KEY`: the signed
//! decommissioning archive (第十二条 完成数据归档, SPEC §11, docs/archive.md). The core owns the manifest
//! and decides what must never be archived (`govpress::archive`); this module packs and reads the file.
//!
//! Format: a gzip-compressed tar (flate2, already in the tree for the search index; gzip is the format
//! every system can still open in twenty years), members `site/…` (the site directory) and `output/…`
//! (the built site), and last `GOVPRESS-ARCHIVE.json`: size and SM3 of every member, signed by the
//! unit's publisher key.

mod create;
mod verify;

use clap::{Args, Subcommand};

use crate::globals::Globals;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ArchiveArgs {
    #[command(subcommand)]
    command: Option<ArchiveCommand>,
    #[command(flatten)]
    create: create::CreateArgs,
}

#[derive(Debug, Subcommand)]
enum ArchiveCommand {
    /// 离线核验归档文件：逐字节比对签名清单，指出被改动、缺失、多出的成员与无效签名
    Verify(verify::VerifyArgs),
}

pub fn run(args: ArchiveArgs, globals: Globals) -> anyhow::Result<u8> {
    match args.command {
        Some(ArchiveCommand::Verify(verify)) => verify::run(verify, globals),
        None => create::run(args.create, globals),
    }
}
