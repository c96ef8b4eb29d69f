//! The `govpress` command: wires flags to the core and to the file system. No rules live here.

mod atomic_write;
mod build;
mod clock;
mod commands;
mod exit_code;
mod globals;
mod history;
mod keys;
mod locked_append;
mod memory;
mod output;
mod pipeline;
mod platform;
mod review_files;
mod review_trust;
mod site;
mod user_error;
mod xml;

use std::process::ExitCode;

use clap::Parser;
use govpress::Lang;

use exit_code::{EXIT_FAILURE, EXIT_OK};
use globals::Globals;

#[derive(Debug, Parser)]
#[command(name = "govpress", version, about = "政务网站发布与合规检查工具（《互联网政务应用安全管理规定》）", long_about = None)]
struct Cli {
    /// 界面语言：zh（默认）或 en
    #[arg(long, global = true, default_value = "zh", value_parser = parse_lang)]
    lang: Lang,
    /// 安静模式：不显示进度
    #[arg(long, short, global = true)]
    quiet: bool,
    /// 显示调试日志（也可用 GOVPRESS_LOG=debug）
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: commands::Command,
}

fn parse_lang(value: &str) -> Result<Lang, String> {
    Lang::parse(value).ok_or_else(|| format!("未知语言 / unknown language: {value} (zh, en)"))
}

fn main() -> ExitCode {
    memory::tune();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_FAILURE } else { EXIT_OK });
        }
    };
    init_tracing(cli.verbose);
    let globals = Globals { lang: cli.lang, quiet: cli.quiet };
    match commands::run(cli.command, globals) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("{}: {}", output::error_label(globals.lang), user_error::describe(&error, globals.lang));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn init_tracing(verbose: bool) {
    let default = if verbose { "debug" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GOVPRESS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).without_time().try_init();
}
