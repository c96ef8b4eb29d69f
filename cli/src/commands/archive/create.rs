//! Packing the archive: the site directory (private keys left out and listed), the output (built now,
//! or `--built OUT`), and the signed manifest last; written to a temporary file and renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::Args;
use govpress::archive::{self, ArchiveManifest, ArchivedSite, Excluded, MANIFEST_MEMBER, OUTPUT_PREFIX, SITE_PREFIX};
use govpress::audit::manifest::MANIFEST_FILE;
use govpress::Lang;

use crate::build::{build_site, BuildOptions};
use crate::clock::{now_in_china, parse_now, site_now};
use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::output::{self, Format};
use crate::review_files::{verify_log, ReviewFiles};
use crate::review_trust::TrustArgs;
use crate::site::{relative_path, Site};
use crate::user_error::bilingual;

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// 站点目录（默认：当前目录）
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// 归档文件（tar.gz），原子写入
    #[arg(long, required = true, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 使用已构建的输出目录（默认：现在构建一次）
    #[arg(long, value_name = "OUT")]
    built: Option<PathBuf>,
    /// 单位发布者私钥（SM2 PEM，须在版本库之外），签署归档清单；默认取环境变量 GOVPRESS_PUBLISHER_KEY
    #[arg(long, value_name = "KEY.pem")]
    publisher_key: Option<PathBuf>,
    /// 以此时刻为“现在”（RFC 3339）：构建与归档时间
    #[arg(long, value_parser = parse_now)]
    now: Option<DateTime<FixedOffset>>,
    #[command(flatten)]
    trust: TrustArgs,
}

/// Directories of the site that are not the site: version control, build caches, dependencies.
const SKIPPED_DIRECTORIES: [&str; 3] = [".git", "target", "node_modules"];

pub fn run(args: CreateArgs, globals: Globals) -> anyhow::Result<u8> {
    let out = args.out.clone().context("--out FILE")?;
    let site = Site::open(&args.dir)?;
    let Some(key) = crate::keys::publisher_key(args.publisher_key.as_deref(), &site.root)? else {
        return Err(bilingual(
            format!(
                "归档须由单位发布者密钥签名：用 --publisher-key 或 {} 给出（见 docs/archive.md）",
                crate::keys::PUBLISHER_KEY_ENV
            ),
            format!(
                "the archive is signed by the unit's publisher key: pass --publisher-key or {}",
                crate::keys::PUBLISHER_KEY_ENV
            ),
        ));
    };
    let created = args.now.unwrap_or_else(now_in_china);

    // The output: given, or built now into a temporary directory (signed with the same key).
    let temporary = tempfile::tempdir().context("无法创建临时目录 / cannot create a temporary directory")?;
    let built = match &args.built {
        Some(built) => {
            anyhow::ensure!(built.is_dir(), "{}: 不是目录 / not a directory", built.display());
            built.clone()
        }
        None => {
            let options = BuildOptions {
                out: Some(temporary.path().join("public")),
                now: site_now(args.now, &site.config),
                progress: !globals.quiet,
                trust: args.trust.clone().or_env(),
                publisher_key: Some(key.clone()),
                cache: crate::build::CachePlace::Off,
            };
            let report = build_site(&site, &options)?;
            if !report.written {
                output::print(&report.report, Format::Human, &report.sources, globals.lang, false)?;
                match globals.lang {
                    Lang::Zh => eprintln!("构建未通过检查，未写归档；改正后重试，或用 --built 给出已发布的输出目录"),
                    Lang::En => eprintln!("The build failed its checks; no archive written. Fix it, or pass the published output with --built"),
                }
                return Ok(EXIT_FINDINGS);
            }
            report.out
        }
    };

    let mut manifest = ArchiveManifest::new(
        format!("govpress {}", env!("CARGO_PKG_VERSION")),
        created.to_rfc3339(),
        ArchivedSite::of(&site.config),
    );
    manifest.review_log_head = review_log_head(&site);
    let directory = crate::locked_append::directory_of(&out);
    std::fs::create_dir_all(directory)
        .with_context(|| format!("无法创建目录 {0} / cannot create directory {0}", directory.display()))?;
    let temp = tempfile::NamedTempFile::new_in(directory).with_context(|| {
        format!("无法在 {0} 创建临时文件 / cannot create a temporary file in {0}", directory.display())
    })?;
    let encoder =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(temp.as_file()), flate2::Compression::default());
    let mut tar = tar::Builder::new(encoder);
    let mtime = u64::try_from(created.timestamp()).unwrap_or(0);
    let skip: Vec<PathBuf> = [Some(out.as_path()), Some(temp.path()), args.built.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|path| path.canonicalize().ok())
        .collect();

    let progress = crate::pipeline::progress_bar(!globals.quiet, 0, "归档");
    let mut add = |member: String, bytes: &[u8], manifest: &mut ArchiveManifest| -> anyhow::Result<()> {
        if let Some(reason) = archive::must_not_archive(&member, bytes) {
            manifest.excluded.push(Excluded { path: member, reason: reason.to_string() });
            return Ok(());
        }
        manifest.add(member.clone(), bytes);
        append(&mut tar, &member, bytes, mtime)?;
        progress.inc(1);
        Ok(())
    };
    for (path, relative) in walk(&site.root, &skip, true)? {
        match read_member(&path)? {
            Ok(bytes) => add(format!("{SITE_PREFIX}{relative}"), &bytes, &mut manifest)?,
            Err(reason) => manifest.excluded.push(Excluded { path: format!("{SITE_PREFIX}{relative}"), reason }),
        }
    }
    for (path, relative) in walk(&built, &[], false)? {
        match read_member(&path)? {
            Ok(bytes) => add(format!("{OUTPUT_PREFIX}{relative}"), &bytes, &mut manifest)?,
            Err(reason) => manifest.excluded.push(Excluded { path: format!("{OUTPUT_PREFIX}{relative}"), reason }),
        }
    }
    progress.finish_and_clear();
    manifest.sign(&key);
    let manifest_json = manifest.to_json();
    append(&mut tar, MANIFEST_MEMBER, manifest_json.as_bytes(), mtime)?;
    let encoder = tar.into_inner().context("tar")?;
    let mut writer = encoder.finish().context("gzip")?;
    writer.flush()?;
    drop(writer);
    temp.as_file().sync_all().with_context(|| format!("无法写入 {0} / cannot write {0}", out.display()))?;
    temp.persist(&out).with_context(|| format!("无法写入 {0} / cannot write {0}", out.display()))?;
    crate::locked_append::sync_directory(directory);

    if !globals.quiet {
        let size = std::fs::metadata(&out).map(|metadata| metadata.len()).unwrap_or(0);
        let fingerprint = key.public_key().fingerprint();
        match globals.lang {
            Lang::Zh => eprintln!(
                "已写入归档 {}：{} 个成员，{size} 字节，清单由发布者密钥（指纹 {fingerprint}）签名",
                out.display(),
                manifest.members.len()
            ),
            Lang::En => eprintln!(
                "Archive {} written: {} members, {size} bytes, manifest signed by the publisher key ({fingerprint})",
                out.display(),
                manifest.members.len()
            ),
        }
        for excluded in &manifest.excluded {
            match globals.lang {
                Lang::Zh => eprintln!("  未归档：{}（{}）", excluded.path, excluded.reason),
                Lang::En => eprintln!("  not archived: {} ({})", excluded.path, excluded.reason),
            }
        }
    }
    Ok(EXIT_OK)
}

fn append<W: Write>(tar: &mut tar::Builder<W>, member: &str, bytes: &[u8], mtime: u64) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, member, bytes)
        .with_context(|| format!("无法写入归档成员 {member} / cannot write member"))
}

/// Every regular file under `root`, sorted, with its `/`-separated relative path. In the site, other
/// build outputs (a directory holding a build manifest) and `skip` are left out: `output/` holds the
/// output once. Symlinks are not followed (they are listed as excluded by `read_member`).
fn walk(root: &Path, skip: &[PathBuf], in_site: bool) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut found = Vec::new();
    let mut entries = walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter();
    while let Some(entry) = entries.next() {
        let entry = entry.with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", root.display()))?;
        let path = entry.path();
        let canonical = path.canonicalize().ok();
        if canonical.as_ref().is_some_and(|canonical| skip.contains(canonical)) {
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_dir() {
            let name = entry.file_name().to_string_lossy();
            let output = in_site && entry.depth() > 0 && path.join(MANIFEST_FILE).is_file();
            if entry.depth() > 0 && (SKIPPED_DIRECTORIES.contains(&name.as_ref()) || output) {
                entries.skip_current_dir();
            }
            continue;
        }
        found.push((path.to_path_buf(), relative_path(root, path)));
    }
    Ok(found)
}

/// A member's bytes, or why it is not archived (not a regular file).
fn read_member(path: &Path) -> anyhow::Result<Result<Vec<u8>, String>> {
    let metadata =
        std::fs::symlink_metadata(path).with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?;
    if !metadata.is_file() {
        return Ok(Err("不是普通文件（符号链接等）/ not a regular file".to_string()));
    }
    Ok(Ok(std::fs::read(path).with_context(|| format!("无法读取 {0} / cannot read {0}", path.display()))?))
}

/// The head of the site's review log when it verifies against the roster (the archive names it).
fn review_log_head(site: &Site) -> Option<govpress::audit::manifest::LogHead> {
    let files =
        ReviewFiles::of(Site { root: site.root.clone(), config: site.config.clone(), platform: site.platform.clone() });
    let roster = files.require_roster().ok()?;
    let text = files.log_text().ok()?;
    let log = govpress::review::ReviewLog::parse(&text).ok()?;
    if log.is_empty() {
        return None;
    }
    verify_log(&log, &roster).ok()?;
    Some(log.tip().into())
}
