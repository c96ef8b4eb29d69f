//! `govpress review …`: sign pages, show their state, verify and export the archive (第十三条).
//! The core decides; this module finds the site, reads the roster and the log, and appends under a lock.

mod archive;
mod certify;
mod report;
mod sign;

use clap::{Args, Subcommand};

use crate::globals::Globals;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    command: ReviewCommand,
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// 签核页面：一次调用写入一条签名记录，覆盖所列全部页面（文件或目录）
    Sign(sign::SignArgs),
    /// 每个页面的签核状态：已签核、待签环节、内容已变更、已退回
    Status(report::StatusArgs),
    /// 校验整个审核记录档案的链条与每一个签名
    Verify(report::VerifyArgs),
    /// 导出审核记录档案（CSV 或 JSON），用于归档
    Export(report::ExportArgs),
    /// 输出一条记录的规范字节（签名所覆盖的内容）及签名，便于用 OpenSSL 独立验证
    Canonical(report::CanonicalArgs),
    /// 单位管理员认证审核人员名册：写入 reviewers.toml.sig（配合 GOVPRESS_TRUST_ROOT 使用）
    CertifyRoster(certify::CertifyRosterArgs),
    /// 单位管理员认证一个文件（如发布者公钥）：写入 FILE.sig
    Certify(certify::CertifyArgs),
    /// 输出公钥（或私钥对应公钥）的 SM3 指纹，即信任根
    Fingerprint(certify::FingerprintArgs),
}

pub fn run(args: ReviewArgs, globals: Globals) -> anyhow::Result<u8> {
    match args.command {
        ReviewCommand::Sign(args) => sign::run(args, globals),
        ReviewCommand::Status(args) => report::status(args, globals),
        ReviewCommand::Verify(args) => report::verify(args, globals),
        ReviewCommand::Export(args) => report::export(args, globals),
        ReviewCommand::Canonical(args) => report::canonical(args, globals),
        ReviewCommand::CertifyRoster(args) => certify::certify_roster(args, globals),
        ReviewCommand::Certify(args) => certify::certify(args, globals),
        ReviewCommand::Fingerprint(args) => certify::fingerprint(args, globals),
    }
}
