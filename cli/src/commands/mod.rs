//! One module per command.

use clap::Subcommand;

use crate::globals::Globals;

pub mod archive;
pub mod build;
pub mod check;
pub mod init;
pub mod keygen;
pub mod links;
pub mod platform;
pub mod report;
pub mod review;
pub mod rules;
pub mod search;
pub mod serve;
pub mod verify;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查站点目录或单个 Markdown 文件，不写任何文件
    Check(check::CheckArgs),
    /// 新建站点：配置、示例页面、演示审核人员名册（示例已签署）
    Init(init::InitArgs),
    /// 检查、生成并原子写出站点（离站提示改写、页脚网上标识、SM3 构建清单）
    Build(build::BuildArgs),
    /// 对照构建清单（SM3）核验已发布目录：新增、修改、缺失的文件（网页防篡改）
    Verify(verify::VerifyArgs),
    /// 列出全部规则：编号、依据条款、默认级别、说明
    Rules(rules::RulesArgs),
    /// 定期检查站点中的外部链接（第十五条）：失效链接报错，异常链接（跳转到其他域名等）警告
    Links(links::LinksArgs),
    /// 本地预览（127.0.0.1）：构建站点，修改后自动重建并刷新浏览器
    Serve(serve::ServeArgs),
    /// 生成 SM2 密钥对：私钥写入文件，公钥输出到标准输出（填入 reviewers.toml）
    Keygen(keygen::KeygenArgs),
    /// 审核签核（第十三条）：签核、状态、校验、导出审核记录档案
    Review(review::ReviewArgs),
    /// 站内搜索：在已构建的输出目录中按 search/ 索引查找页面（与搜索页结果相同）
    Search(search::SearchArgs),
    /// 站点关停归档（第十二条）：内容、输出、名册、审核记录、清单与运行记录打包为一个签名文件；verify 离线核验
    Archive(archive::ArchiveArgs),
    /// 合规报告（第十八条年度安全评估、第二十条日志留存）：一个自包含的 HTML 文件，可打印为 PDF
    Report(report::ReportArgs),
    /// 集约化平台（第十条）：platform matrix 输出 CI 矩阵，每个站点一个作业
    Platform(platform::PlatformArgs),
}

pub fn run(command: Command, globals: Globals) -> anyhow::Result<u8> {
    match command {
        Command::Check(args) => check::run(args, globals),
        Command::Init(args) => init::run(args, globals),
        Command::Build(args) => build::run(args, globals),
        Command::Verify(args) => verify::run(args, globals),
        Command::Rules(args) => rules::run(args, globals),
        Command::Links(args) => links::run(args, globals),
        Command::Serve(args) => serve::run(args, globals),
        Command::Keygen(args) => keygen::run(args, globals),
        Command::Review(args) => review::run(args, globals),
        Command::Search(args) => search::run(args, globals),
        Command::Archive(args) => archive::run(args, globals),
        Command::Report(args) => report::run(args, globals),
        Command::Platform(args) => platform::run(args, globals),
    }
}
