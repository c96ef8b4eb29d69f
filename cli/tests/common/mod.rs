//! Helpers shared by the CLI's end-to-end tests: running the binary and writing small sites.
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// "Now" for every test: corpus cases and fixtures avoid dates near it, so any clock agrees.
pub const NOW: &str = "2026-11-25T12:00:00+08:00";

/// The `govpress` binary, without colour or log settings leaking in from the environment.
pub fn govpress() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_govpress"));
    command.env_remove("CLICOLOR_FORCE").env_remove("NO_COLOR").env_remove("GOVPRESS_LOG");
    command
}

/// What a finished run gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(command: &mut Command) -> Run {
    let Output { status, stdout, stderr } = command.output().expect("the govpress binary runs");
    Run {
        code: status.code().expect("govpress exits with a code"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// `govpress check ARGS… --now NOW` in `dir`.
pub fn check(dir: &Path, args: &[&str]) -> Run {
    run(govpress().current_dir(dir).arg("check").args(args).args(["--now", NOW]))
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub const CLEAN_CONFIG: &str = r#"[site]
name = "示例市人民政府"
base_url = "https://www.example.gov.cn"
org_kind = "party-government"

[identity]
conac_id = "bszs-identifier"
site_code = "1100000001"
icp = "京ICP备00000000号"
psb = "京公网安备11000000000000号"
sponsor = "示例市人民政府办公室"
contact = "010-00000000"

# Pages carry fixed dates but are signed with the real clock: the date-vs-终审 check
# (timeliness.review-date) would depend on the day the tests run.
[review]
date_tolerance_days = 0
"#;

/// A small site every rule accepts: full identity, dated pages, a fresh news section.
pub fn clean_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("govpress.toml"), CLEAN_CONFIG);
    write(
        &root.join("content/_index.md"),
        "+++\ntitle = \"首页\"\ndate = 2026-11-20\n+++\n\n欢迎访问示例市人民政府门户网站。\n",
    );
    write(&root.join("content/news/_index.md"), "+++\ntitle = \"新闻动态\"\ndate = 2026-11-20\n+++\n");
    write(
        &root.join("content/news/week.md"),
        "+++\ntitle = \"网络安全宣传周活动启动\"\ndate = 2026-11-20\ndepartment = \"示例市委网信办\"\n+++\n\n\
         本市网络安全宣传周活动于今日启动，详见[通知](https://www.cac.gov.cn/2024-05/15/c_1717446916286913.htm)。\n",
    );
    sign_off(root);
    dir
}

/// Signs every page off as a real site would (第十三条): a roster of three reviewers with keys made by
/// `govpress keygen`, then one `govpress review sign content` per stage. Call again after adding pages.
pub fn sign_off(root: &Path) {
    let reviewers = [("zhang", "张三", "初审"), ("li", "李四", "复审"), ("wang", "王五", "终审")];
    if !root.join("reviewers.toml").exists() {
        let mut roster = String::new();
        for (id, name, stage) in reviewers {
            std::fs::create_dir_all(root.join("keys")).unwrap();
            let key = format!("keys/{id}.pem");
            let keygen = run(govpress().current_dir(root).args(["keygen", "--out", &key]));
            assert_eq!(keygen.code, 0, "{}", keygen.stderr);
            roster.push_str(&format!(
                "[[reviewer]]\nid = \"{id}\"\nname = \"{name}\"\ndepartment = \"办公室\"\nstaff = true\nstages = [\"{stage}\"]\npublic_key = \"\"\"\n{}\"\"\"\nvalid_from = 2024-01-01\nvalid_until = 2099-12-31\n\n",
                keygen.stdout
            ));
        }
        write(&root.join("reviewers.toml"), &roster);
    }
    for (id, _, stage) in reviewers {
        let key = format!("keys/{id}.pem");
        let args = ["review", "sign", "content", "--stage", stage, "--reviewer", id, "--key", &key, "--quiet"];
        let signed = run(govpress().current_dir(root).args(args));
        assert_eq!(signed.code, 0, "{}", signed.stderr);
    }
}

/// The clean site plus a page loading a third-party script without integrity (two article-27 warnings).
pub fn site_with_warnings() -> tempfile::TempDir {
    let dir = clean_site();
    write(
        &dir.path().join("content/news/map.md"),
        "+++\ntitle = \"办事地图\"\ndate = 2026-11-21\n+++\n\n<script src=\"https://cdn.example.com/map.js\"></script>\n",
    );
    sign_off(dir.path());
    dir
}

/// The warnings site plus errors: an image over http:// and a reprint without its link.
pub fn site_with_findings() -> tempfile::TempDir {
    let dir = site_with_warnings();
    write(
        &dir.path().join("content/news/photo.md"),
        "+++\ntitle = \"活动照片\"\ndate = 2026-11-21\n+++\n\n现场照片：![宣传周](http://img.example.com/week.png)\n",
    );
    write(
        &dir.path().join("content/news/reprint.md"),
        "+++\ntitle = \"转载：网信要闻\"\ndate = 2026-11-21\nkind = \"reprint\"\n\n[reprint]\nsource_name = \"中国网信网\"\n\
         reprinted_at = 2026-11-22T09:00:00+08:00\n+++\n\n要闻正文。\n",
    );
    sign_off(dir.path());
    dir
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A key pair made by `govpress keygen`: `DIR/NAME.pem` (private) and `DIR/NAME.pub`.
pub fn keypair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let key = dir.join(format!("{name}.pem"));
    let made = run(govpress().arg("keygen").arg("--out").arg(&key));
    assert_eq!(made.code, 0, "{}", made.stderr);
    let public = dir.join(format!("{name}.pub"));
    write(&public, &made.stdout);
    (key, public)
}
