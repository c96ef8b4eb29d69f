//! The anchor for the log's end: the base revision's log, which the current log must extend.
//! A hash chain cannot tell that its last records were deleted; a copy from before can.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use super::ReviewFiles;

/// The log text of `base`: a file when one exists at that path, otherwise a git revision, read with
/// `git show REV:./<log>` from the site root. A revision without the log gives an empty base (a log
/// that did not exist yet is extended by any log).
pub fn base_log(files: &ReviewFiles, base: &str) -> anyhow::Result<String> {
    let as_file = Path::new(base);
    if as_file.is_file() {
        return std::fs::read_to_string(as_file)
            .with_context(|| format!("无法读取基线档案 {base} / cannot read the base"));
    }
    let root = &files.site.root;
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(root).output();
    let commit = format!("{base}^{{commit}}");
    let resolved = git(&["rev-parse", "--verify", "--quiet", &commit])
        .with_context(|| "无法运行 git / cannot run git".to_string())?;
    if !resolved.status.success() {
        bail!("基线“{base}”既不是文件，也不是 git 版本 / the base is neither a file nor a git revision");
    }
    let object = format!("{base}:./{}", files.log_file);
    let exists = git(&["cat-file", "-e", &object]).context("无法运行 git / cannot run git")?;
    if !exists.status.success() {
        tracing::debug!(%object, "the base revision has no review log: an empty base");
        return Ok(String::new());
    }
    let shown = git(&["show", &object]).context("无法运行 git / cannot run git")?;
    if !shown.status.success() {
        bail!("无法读取基线 {object}：{} / cannot read the base", String::from_utf8_lossy(&shown.stderr).trim());
    }
    String::from_utf8(shown.stdout).with_context(|| format!("基线 {object} 不是 UTF-8 / not UTF-8"))
}
