//! `govpress review sign PAGE... --stage S --reviewer ID --key KEY.pem [--reject] [--comment T]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use govpress::review::{Decision, Draft, PageDigest, PageFacts, PrivateKey, Record, ReviewLog};
use govpress::Lang;

use super::archive;
use crate::clock::now_in_china;
use crate::exit_code::EXIT_OK;
use crate::globals::Globals;
use crate::review_files::ReviewFiles;
use crate::site;

#[derive(Debug, Args)]
pub struct SignArgs {
    /// 要签核的页面：Markdown 文件，或目录（其下全部 .md）
    #[arg(required = true)]
    pages: Vec<PathBuf>,
    /// 审核环节，如 初审、复审、终审（见 govpress.toml 的 [review].stages）
    #[arg(long)]
    stage: String,
    /// 审核人 id（reviewers.toml 中登记）
    #[arg(long)]
    reviewer: String,
    /// 审核人的 SM2 私钥（PKCS#8 PEM）
    #[arg(long)]
    key: PathBuf,
    /// 退回（不通过）而非通过
    #[arg(long)]
    reject: bool,
    /// 审核意见
    #[arg(long, default_value = "")]
    comment: String,
}

pub fn run(args: SignArgs, globals: Globals) -> anyhow::Result<u8> {
    let root = site::find_site_root(&args.pages[0]).with_context(|| {
        format!("{} 不在站点内（找不到 {}）/ not inside a site", args.pages[0].display(), site::CONFIG_FILE)
    })?;
    let files = ReviewFiles::open(&root)?;
    let stages = files.stages();
    if !stages.contains(&args.stage) {
        bail!("审核环节“{}”不在 [review].stages（{}）中 / unknown stage", args.stage, stages.join("、"));
    }
    let roster = files.require_roster()?;
    let Some(reviewer) = roster.get(&args.reviewer) else {
        bail!("审核人 {} 不在审核人员名册 {} 中 / not in the roster", args.reviewer, files.roster_file);
    };
    let now = now_in_china();
    if let Err(refusal) = reviewer.may_sign(&args.stage, now) {
        let text = refusal.text(reviewer);
        bail!("拒绝签核：{} / refused: {}", text.zh, text.en);
    }
    let key = read_key(&args.key)?;
    if key.public_key() != reviewer.public_key {
        bail!(
            "私钥 {} 与名册中 {} 的公钥不符，拒绝签核 / the key does not match the roster's public key for {}",
            args.key.display(),
            reviewer.id,
            reviewer.id
        );
    }
    let pages = collect_pages(&files.site.root, &args.pages)?;
    let mut digests = Vec::with_capacity(pages.len());
    let log_text = files.log_text()?;
    // Advice only: the archive is verified by `review verify` and `check`, not here.
    let log = ReviewLog::parse(&log_text).ok();
    for (relative, path) in &pages {
        let bytes = std::fs::read(path).with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let facts = PageFacts::read(&text);
        if facts.author.as_deref().is_some_and(|author| reviewer.is_author(author)) {
            bail!("{relative}：作者 {} 不得审核本人撰写的页面 / authors may not review their own page", reviewer.name);
        }
        if let (false, Some(log)) = (args.reject, &log) {
            let state = log.unverified().state(&roster, stages, relative, &bytes, facts.author.as_deref());
            if let Some(other) = state.approvals().iter().find(|a| a.reviewer == reviewer.id && a.stage != args.stage) {
                bail!(
                    "{relative}：{} 已签核该页面的“{}”环节，同一审核人不能再签核“{}” / one reviewer may not sign two stages of a page",
                    reviewer.name,
                    other.stage,
                    args.stage
                );
            }
        }
        digests.push(PageDigest::of(relative.clone(), &bytes));
    }
    let draft = Draft {
        time: now,
        stage: args.stage.clone(),
        decision: if args.reject { Decision::Reject } else { Decision::Approve },
        reviewer: reviewer.id.clone(),
        comment: args.comment.clone(),
        pages: digests,
    };
    // Never trust the last line's `seq` or hash as written: the chain is checked (SM3) and the head's
    // signature verified under the lock, so a forged or rewritten tail is refused, not extended.
    let record = archive::append(&files.log_path(), |text| {
        let tip = ReviewLog::parse(text).and_then(|log| log.verify_tip(&roster)).map_err(|broken| {
            anyhow::anyhow!(
                "{}:{}: {} — 拒绝追加：运行 govpress review verify 查明原因，从版本库恢复档案 / {}; refusing to append",
                files.log_file,
                broken.line,
                broken.reason.zh,
                broken.reason.en
            )
        })?;
        Ok(Record::sign(draft, &tip, &key)?)
    })?;
    tracing::debug!(seq = record.seq, pages = record.pages.len(), "review record appended");
    if !globals.quiet {
        let decision = record.decision.text();
        let message = match globals.lang {
            Lang::Zh => format!(
                "已签核 {} 个页面（{}，{}，{}），记录 #{} 已写入 {}\n档案头：{} {}",
                record.pages.len(),
                record.stage,
                decision.zh,
                reviewer.name,
                record.seq,
                files.log_file,
                record.seq,
                record.hash
            ),
            Lang::En => format!(
                "Signed {} page(s) ({}, {}, {}); record #{} appended to {}\nArchive head: {} {}",
                record.pages.len(),
                record.stage,
                decision.en,
                reviewer.name,
                record.seq,
                files.log_file,
                record.seq,
                record.hash
            ),
        };
        println!("{message}");
    }
    Ok(EXIT_OK)
}

pub(super) fn read_key(path: &Path) -> anyhow::Result<PrivateKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取私钥 {0} / cannot read the private key {0}", path.display()))?;
    #[cfg(unix)]
    if let Ok(metadata) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            tracing::warn!("私钥 {} 可被他人读取，建议 chmod 600 / the key file is readable by others", path.display());
        }
    }
    PrivateKey::parse(&text).map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))
}

/// Site-relative path → file, for every named file and every `.md` under named directories.
/// Pages must lie under the site's `content/`.
fn collect_pages(root: &Path, named: &[PathBuf]) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let root = root.canonicalize().with_context(|| format!("无法访问 {0} / cannot access {0}", root.display()))?;
    let content = root.join(site::CONTENT_DIR);
    let mut pages = BTreeMap::new();
    for path in named {
        let canonical =
            path.canonicalize().with_context(|| format!("{}: 文件或目录不存在 / no such file", path.display()))?;
        if !canonical.starts_with(&content) {
            bail!(
                "{} 不在站点的 {}/ 目录下，不能签核 / not under the site's content/",
                path.display(),
                site::CONTENT_DIR
            );
        }
        if canonical.is_dir() {
            for entry in walkdir::WalkDir::new(&canonical).follow_links(false).sort_by_file_name() {
                let entry = entry
                    .with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", canonical.display()))?;
                let is_markdown = entry.path().extension().and_then(|extension| extension.to_str()) == Some("md");
                if is_markdown && entry.file_type().is_file() {
                    pages.insert(site::relative_path(&root, entry.path()), entry.path().to_path_buf());
                }
            }
        } else if canonical.extension().and_then(|extension| extension.to_str()) == Some("md") {
            pages.insert(site::relative_path(&root, &canonical), canonical);
        } else {
            bail!("{} 不是 Markdown 页面（.md）/ not a Markdown page", path.display());
        }
    }
    if pages.is_empty() {
        bail!("没有找到要签核的 .md 页面 / no .md pages found");
    }
    Ok(pages)
}
