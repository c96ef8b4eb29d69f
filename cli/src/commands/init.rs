//! `govpress init DIR`: scaffolds a site that builds at once — config, a home page, a news section
//! with two sample pages, `static/`, a roster of three demo reviewers with freshly generated keys,
//! and the samples already signed off (初审/复审/终审), so `govpress serve DIR` shows the whole flow.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::Args;

use govpress::review::{ChainTip, Decision, Draft, PageDigest, PrivateKey, Record};

use crate::clock::now_in_china;
use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::keys;
use crate::site::Site;
use crate::user_error::bilingual;

/// Where the demo reviewers' private keys go: inside the site, outside `content/`, git-ignored.
pub const DEMO_KEYS_DIR: &str = ".govpress/demo-keys";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 新站点的目录（不存在或为空）
    dir: PathBuf,
}

pub fn run(args: InitArgs, globals: Globals) -> anyhow::Result<u8> {
    let now = now_in_china();
    scaffold(&args.dir, now)?;
    if !globals.quiet {
        let dir = args.dir.display();
        match globals.lang {
            govpress::Lang::Zh => eprintln!(
                "已创建站点 {dir}：示例页面已由三位演示审核人签署。\n\
                 下一步：govpress serve {dir}    （本地预览）\n\
                 演示密钥在 {dir}/{DEMO_KEYS_DIR}/，只用于演示，正式使用前请用 govpress keygen 生成本单位审核人员的密钥并更新 reviewers.toml。"
            ),
            govpress::Lang::En => eprintln!(
                "Created the site {dir}; the sample pages are signed off by three demo reviewers.\n\
                 Next: govpress serve {dir}    (local preview)\n\
                 The demo keys in {dir}/{DEMO_KEYS_DIR}/ are for the demo only: generate your reviewers' keys with govpress keygen and update reviewers.toml."
            ),
        }
    }
    Ok(EXIT_OK)
}

/// Writes the site into `dir`, which must not exist or be empty. The site is assembled in a temporary
/// directory beside `dir` and renamed into place, so a failure leaves no half-made site behind.
pub fn scaffold(dir: &Path, now: DateTime<FixedOffset>) -> anyhow::Result<()> {
    refuse_non_empty(dir)?;
    let parent = dir.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("无法创建 {0} / cannot create {0}", parent.display()))?;
    let staging = tempfile::Builder::new().prefix(".govpress-init-").tempdir_in(parent).with_context(|| {
        format!("无法在 {0} 中创建临时目录 / cannot create a temporary directory in {0}", parent.display())
    })?;
    write_site(staging.path(), now)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755)).with_context(|| {
            format!("无法设置 {0} 的权限 / cannot set the permissions of {0}", staging.path().display())
        })?;
    }
    if dir.exists() {
        std::fs::remove_dir(dir)
            .with_context(|| format!("无法替换空目录 {0} / cannot replace the empty directory {0}", dir.display()))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).or_else(|error| {
        let _ = std::fs::remove_dir_all(&staged);
        Err(error).with_context(|| format!("无法创建 {0} / cannot create {0}", dir.display()))
    })
}

fn write_site(dir: &Path, now: DateTime<FixedOffset>) -> anyhow::Result<()> {
    let today = now.format("%Y-%m-%d").to_string();
    let moment = now.format("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let files: Vec<(&str, String)> = vec![
        (".gitignore", GITIGNORE.to_string()),
        ("govpress.toml", CONFIG.to_string()),
        ("content/_index.md", HOME.replace("{today}", &today)),
        ("content/news/_index.md", NEWS_SECTION.to_string()),
        ("content/news/welcome.md", WELCOME.replace("{moment}", &moment)),
        ("content/news/regulation.md", REPRINT.replace("{moment}", &moment)),
        ("static/images/emblem.svg", EMBLEM.to_string()),
    ];
    for (relative, text) in &files {
        write_new(&dir.join(relative), text.as_bytes())?;
    }
    let reviewers = demo_reviewers(dir, now)?;
    sign_samples(dir, &reviewers, now)
}

/// 初审、复审、终审 by three different fictional staff members (one reviewer may sign one stage of a page).
const DEMO_REVIEWERS: [(&str, &str, &str, &str); 3] = [
    ("demo-first", "演示审核员甲", "初审", "内容准确，同意报送复审"),
    ("demo-second", "演示审核员乙", "复审", "符合发布规定，同意报送终审"),
    ("demo-final", "演示审核员丙", "终审", "同意发布"),
];

struct DemoReviewer {
    id: &'static str,
    stage: &'static str,
    comment: &'static str,
    key: PrivateKey,
}

/// Generates a key pair per demo reviewer: private keys under `.govpress/demo-keys/` (0600, labelled
/// as demo keys), public keys in `reviewers.toml`, valid from today for one year.
fn demo_reviewers(dir: &Path, now: DateTime<FixedOffset>) -> anyhow::Result<Vec<DemoReviewer>> {
    let keys_dir = dir.join(DEMO_KEYS_DIR);
    write_new(&keys_dir.join("README.md"), DEMO_KEYS_README.as_bytes())?;
    let valid_from = now.format("%Y-%m-%d").to_string();
    let valid_until = (now + chrono::Duration::days(365)).format("%Y-%m-%d").to_string();
    let mut roster = String::from(ROSTER_HEADER);
    let mut reviewers = Vec::new();
    for (id, name, stage, comment) in DEMO_REVIEWERS {
        let (private_pem, public_pem) = keys::generate()?;
        keys::write_private(&keys_dir.join(format!("{id}.pem")), private_pem.as_bytes())?;
        let key = PrivateKey::parse(&private_pem).map_err(|error| anyhow::anyhow!("{error}"))?;
        roster.push_str(&format!(
            "\n[[reviewer]]\nid = \"{id}\"\nname = \"{name}\"\ndepartment = \"示例市人民政府办公室\"\nstaff = true\n\
             stages = [\"{stage}\"]\npublic_key = \"\"\"\n{}\"\"\"\nvalid_from = {valid_from}\nvalid_until = {valid_until}\n",
            public_pem.trim_end().to_string() + "\n"
        ));
        reviewers.push(DemoReviewer { id, stage, comment, key });
    }
    write_new(&dir.join("reviewers.toml"), roster.as_bytes())?;
    Ok(reviewers)
}

/// One approving record per stage over every sample page, chained from the start of a new archive.
fn sign_samples(dir: &Path, reviewers: &[DemoReviewer], now: DateTime<FixedOffset>) -> anyhow::Result<()> {
    let site = Site::open(dir)?;
    let mut pages = Vec::new();
    for file in site.content_files()? {
        let bytes = std::fs::read(&file.absolute)
            .with_context(|| format!("无法读取 {0} / cannot read {0}", file.absolute.display()))?;
        pages.push(PageDigest::of(file.relative, &bytes));
    }
    let mut tip = ChainTip::GENESIS;
    let mut log = String::new();
    for reviewer in reviewers {
        let draft = Draft {
            time: now,
            stage: reviewer.stage.to_string(),
            decision: Decision::Approve,
            reviewer: reviewer.id.to_string(),
            comment: reviewer.comment.to_string(),
            pages: pages.clone(),
        };
        let record = Record::sign(draft, &tip, &reviewer.key)?;
        tip = ChainTip { seq: record.seq, hash: record.hash.clone() };
        log.push_str(&record.to_line());
        log.push('\n');
    }
    write_new(&dir.join(&site.config.review.log), log.as_bytes())
}

fn refuse_non_empty(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(bilingual(
                format!("{} 已存在且不是目录", dir.display()),
                format!("{} exists and is not a directory", dir.display()),
            ));
        }
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("无法读取 {0} / cannot read {0}", dir.display()))?;
        if entries.next().is_some() {
            return Err(bilingual(
                format!("{} 不是空目录，不会覆盖其中的文件", dir.display()),
                format!("{} is not empty; nothing was written", dir.display()),
            ));
        }
    }
    Ok(())
}

/// Creates a file that must not exist yet (never overwrites).
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("无法创建 {0} / cannot create {0}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("无法创建 {0} / cannot create {0}", path.display()))?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))
}

const ROSTER_HEADER: &str = "# 审核人员名册（第十三条）。以下三位是 govpress init 生成的演示审核人，私钥在 .govpress/demo-keys/（演示密钥）。\n\
# 正式使用前：为本单位在编审核人员运行 govpress keygen，按其信息替换下列条目。\n\
# Review roster. The three reviewers below are demo reviewers made by govpress init (keys in .govpress/demo-keys/).\n";

const DEMO_KEYS_README: &str = "# 演示密钥 DEMO KEYS — never use in production / 切勿在生产环境使用\n\n\
这些 SM2 私钥由 govpress init 生成，只用于体验签署流程。正式上线前请删除本目录，\n\
由每位审核人员用 govpress keygen 生成自己的密钥并妥善保管，名册 reviewers.toml 随之更新。\n\n\
These SM2 private keys were made by govpress init to try the sign-off flow. Delete this directory before going\n\
live: each reviewer generates their own key with govpress keygen and keeps it private.\n";

const GITIGNORE: &str =
    "# 构建输出与演示私钥不进入版本库 / build output and demo private keys stay out of git\n/public/\n/.govpress/\n";

const CONFIG: &str = r#"# 站点配置（govpress.toml）。以下编号均为占位符：上线前请替换为本单位的真实信息。
# Site config. Every number below is a placeholder: replace it with your organisation's before going live.

[site]
name = "示例市人民政府"                    # 第八条：实体机构名称或规范简称
base_url = "https://www.example.gov.cn"   # 第五条：党政机关 .gov.cn / .政务
org_kind = "party-government"             # 或 "public-institution"（事业单位）

[identity]                                # 第九条：页面底部的网上标识与备案信息
conac_id = "00000000000000000000000000000000"
site_code = "0000000000"
icp = "京ICP备00000000号"
psb = "京公网安备00000000000000号"
sponsor = "示例市人民政府办公室"
contact = "12345"

[links]
mode = "interstitial"                     # 离开政府网站前显示提示页（第十五条）

[review]
stages = ["初审", "复审", "终审"]          # 第十三条：三审
roster = "reviewers.toml"
log = "reviews/log.jsonl"
"#;

const HOME: &str = r#"+++
title = "示例市人民政府"
date = {today}
+++

![示例市](/images/emblem.svg)

欢迎访问示例市人民政府门户网站。这是 `govpress init` 生成的站点：在 `content/` 中用 Markdown 写稿，
审核人员签署后，`govpress build` 生成可发布的门户网站。
"#;

const NEWS_SECTION: &str = r#"+++
title = "要闻"
section_kind = "news"
+++

政务要闻。
"#;

const WELCOME: &str = r#"+++
title = "示例市人民政府门户网站开通"
date = {moment}
department = "示例市人民政府办公室"
kind = "original"
+++

示例市人民政府门户网站今日开通。本站发布政务信息、提供办事服务，所有信息经初审、复审、终审后发布。

## 便民服务

- 政务服务便民热线：[12345](tel:12345)
- 天气预报：[中国天气网](https://www.weather.com.cn/)（非政府网站，点击后会先提示即将离开本站）
- [中国政府网](https://www.gov.cn/)
"#;

const REPRINT: &str = r#"+++
title = "互联网政务应用安全管理规定（摘录）"
date = {moment}
department = "示例市委网信办"
kind = "reprint"

[reprint]
source_name = "中国网信网"
source_url = "https://www.cac.gov.cn/2024-05/22/c_1718045373962236.htm"
reprinted_at = {moment}
+++

**第十四条** 机关事业单位通过互联网政务应用转载信息，应当与政务等履行职能的活动相关，并评估内容的真实性和客观性。
转载页面上要准确清晰标注转载来源网站、转载时间、转载链接等，充分考虑图片、内容等知识产权保护问题。
"#;

const EMBLEM: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 120" width="600" height="120" role="img" aria-label="示例市人民政府"><rect width="600" height="120" fill="#f4f8fc"/><circle cx="60" cy="60" r="36" fill="#b71c1c"/><text x="120" y="72" font-size="36" font-family="serif" fill="#b71c1c">示例市人民政府</text></svg>
"##;

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-25T10:00:00+08:00").unwrap()
    }

    #[test]
    fn refuses_a_non_empty_directory_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let error = scaffold(dir.path(), now()).unwrap_err();
        assert!(error.to_string().contains("不是空目录"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn a_fresh_site_checks_clean() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("mysite");
        scaffold(&dir, now()).unwrap();
        let site = crate::site::Site::open(&dir).unwrap();
        let report = crate::pipeline::check_site(
            &site,
            now(),
            &crate::review_trust::TrustArgs::default(),
            &mut crate::output::Sources::new(),
        )
        .unwrap();
        assert_eq!(report.diagnostics, vec![], "{}", report.to_json(govpress::Lang::En));
    }
}
