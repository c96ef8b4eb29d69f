//! `govpress platform matrix [PLATFORM.toml|DIR] --format github|gitlab`: the CI matrix of a 集约化
//! platform, one job per site, for platforms that outgrow one machine (the CI system is the distributed
//! engine; docs/platform.md has the workflows that use it).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use govpress::platform::PlatformConfig;

use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::platform::Platform;

#[derive(Debug, Args)]
pub struct PlatformArgs {
    #[command(subcommand)]
    command: PlatformCommand,
}

#[derive(Debug, Subcommand)]
enum PlatformCommand {
    /// 输出 CI 矩阵：每个站点一个作业（GitHub Actions 的 JSON，或 GitLab 子流水线的 YAML）
    Matrix(MatrixArgs),
}

#[derive(Debug, Args)]
struct MatrixArgs {
    /// 平台配置文件或其所在目录（默认：当前目录的 platform.toml）
    #[arg(default_value = ".")]
    platform: PathBuf,
    /// github：strategy.matrix 的 JSON（一行，写入 $GITHUB_OUTPUT）；gitlab：子流水线 YAML
    #[arg(long, value_enum)]
    format: MatrixFormat,
    /// gitlab：子流水线引入的作业模板文件（定义 .govpress-site）
    #[arg(long, value_name = "FILE", default_value = GITLAB_TEMPLATE)]
    gitlab_template: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MatrixFormat {
    Github,
    Gitlab,
}

/// Where the GitLab child pipeline finds the job template `.govpress-site` (docs/platform.md).
const GITLAB_TEMPLATE: &str = ".gitlab/govpress-site.yml";

pub fn run(args: PlatformArgs, _globals: Globals) -> anyhow::Result<u8> {
    match args.command {
        PlatformCommand::Matrix(args) => {
            let platform = Platform::open(&args.platform)?;
            let text = match args.format {
                MatrixFormat::Github => github_matrix(&platform.config),
                MatrixFormat::Gitlab => gitlab_pipeline(&platform.config, &args.gitlab_template),
            };
            print!("{text}");
            Ok(EXIT_OK)
        }
    }
}

/// `{"include":[{"site":"portal","dir":"sites/portal"},…]}` on one line.
fn github_matrix(platform: &PlatformConfig) -> String {
    let include: Vec<serde_json::Value> =
        platform.sites.iter().map(|site| serde_json::json!({ "site": site.name, "dir": site.dir })).collect();
    serde_json::json!({ "include": include }).to_string() + "\n"
}

/// A child pipeline: the template included, then one job `site:<name>` per site extending it.
fn gitlab_pipeline(platform: &PlatformConfig, template: &str) -> String {
    // JSON strings are YAML double-quoted scalars: every name is quoted safely.
    let quote = |text: &str| serde_json::Value::from(text).to_string();
    let mut yaml = format!(
        "# 由 govpress platform matrix --format gitlab 生成：{}，每个站点一个作业（第十条）\ninclude:\n  - local: {}\n",
        platform.name,
        quote(template)
    );
    for site in &platform.sites {
        yaml.push_str(&format!(
            "\n{}:\n  extends: .govpress-site\n  variables:\n    SITE: {}\n    SITE_DIR: {}\n",
            quote(&format!("site:{}", site.name)),
            quote(&site.name),
            quote(&site.dir)
        ));
    }
    yaml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_job_per_site() {
        let platform =
            PlatformConfig::parse("[platform]\nname = \"p\"\n[[site]]\ndir = \"sites/a\"\n[[site]]\ndir = \"b\"\n")
                .unwrap();
        assert_eq!(
            github_matrix(&platform),
            "{\"include\":[{\"dir\":\"sites/a\",\"site\":\"a\"},{\"dir\":\"b\",\"site\":\"b\"}]}\n"
        );
        let yaml = gitlab_pipeline(&platform, GITLAB_TEMPLATE);
        assert!(
            yaml.contains(
                "\n\"site:a\":\n  extends: .govpress-site\n  variables:\n    SITE: \"a\"\n    SITE_DIR: \"sites/a\"\n"
            ),
            "{yaml}"
        );
    }
}
