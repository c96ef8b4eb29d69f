//! `govpress archive verify FILE --public-key KEY`: reads the whole archive offline, digests every
//! member and compares it with the signed manifest; names each changed, missing and added member, a
//! bad signature, and where a damaged file stops. Exit 0 when whole, 1 on any difference, 2 when it
//! cannot run.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use govpress::archive::{self, ArchiveManifest, Member, MANIFEST_MEMBER};
use govpress::review::PublicKeyPem;
use govpress::{Lang, Report};

use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::globals::Globals;
use crate::output::{self, Format, Sources};
use crate::user_error::bilingual;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// 归档文件
    file: PathBuf,
    /// 发布者公钥（SM2 PEM）：归档清单须有该密钥的有效签名
    #[arg(long, value_name = "KEY.pub")]
    public_key: PathBuf,
    /// 输出格式（json 供监控使用）
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// What reading the archive gave.
struct Read_ {
    members: Vec<(String, Member)>,
    manifests: Vec<Vec<u8>>,
    damage: Option<govpress::Diagnostic>,
}

pub fn run(args: VerifyArgs, globals: Globals) -> anyhow::Result<u8> {
    let key_text = std::fs::read_to_string(&args.public_key).map_err(|error| {
        bilingual(
            format!("无法读取发布者公钥 {}：{error}", args.public_key.display()),
            format!("cannot read the public key {}: {error}", args.public_key.display()),
        )
    })?;
    let key = PublicKeyPem::parse(&key_text).map_err(|error| {
        bilingual(format!("{}：{error}", args.public_key.display()), format!("{}: {error}", args.public_key.display()))
    })?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("无法打开归档文件 {0} / cannot open the archive {0}", args.file.display()))?;
    let read = read_archive(std::io::BufReader::new(file));

    let mut diagnostics = Vec::new();
    diagnostics.extend(read.damage);
    let mut manifest = None;
    for (index, bytes) in read.manifests.iter().enumerate() {
        if index > 0 {
            diagnostics.push(archive_finding(&archive::ADDED, "在归档中出现了不止一次", "appears more than once"));
            continue;
        }
        match std::str::from_utf8(bytes).ok().and_then(|text| ArchiveManifest::from_json(text).ok()) {
            Some(parsed) => manifest = Some(parsed),
            None => diagnostics.push(archive_finding(&archive::SIGNATURE, "格式错误，无法读取", "is malformed")),
        }
    }
    match &manifest {
        Some(manifest) => {
            diagnostics.extend(manifest.verify_signature(&key).err());
            diagnostics.extend(manifest.compare(&read.members));
        }
        None if read.manifests.is_empty() => diagnostics.push(archive_finding(
            &archive::MISSING,
            "缺失：无法核验任何成员",
            "is missing: no member can be verified",
        )),
        None => {}
    }
    let report = Report::new(read.members.len(), diagnostics);
    if !report.diagnostics.is_empty() || args.format != Format::Human {
        output::print(&report, args.format, &Sources::new(), globals.lang, false)?;
    }
    if !report.diagnostics.is_empty() {
        return Ok(EXIT_FINDINGS);
    }
    if !globals.quiet {
        let manifest = manifest.as_ref();
        let name = manifest.and_then(|manifest| manifest.site.name.clone()).unwrap_or_default();
        let created = manifest.map(|manifest| manifest.created.clone()).unwrap_or_default();
        match globals.lang {
            Lang::Zh => eprintln!(
                "{}：{} 个成员与签名清单逐字节一致，签名有效（{name}，归档于 {created}）",
                args.file.display(),
                read.members.len()
            ),
            Lang::En => eprintln!(
                "{}: {} members match the signed manifest byte for byte; the signature holds ({name}, archived {created})",
                args.file.display(),
                read.members.len()
            ),
        }
    }
    Ok(EXIT_OK)
}

fn archive_finding(rule: &govpress::rules::RuleInfo, zh: &str, en: &str) -> govpress::Diagnostic {
    rule.diagnostic(
        govpress::Text::new(
            format!("归档清单 {MANIFEST_MEMBER} {zh}（第十二条）"),
            format!("The archive manifest {MANIFEST_MEMBER} {en} (article 12)"),
        ),
        govpress::Text::new("改用另一份归档副本", "Use another copy of the archive"),
    )
    .in_file(MANIFEST_MEMBER)
}

/// Every member digested in archive order; the manifest members kept aside. Reading stops at the first
/// damage, which names the member being read (or the last one read whole).
fn read_archive(reader: impl Read) -> Read_ {
    let mut read = Read_ { members: Vec::new(), manifests: Vec::new(), damage: None };
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    let mut last = String::from("（开头 / start）");
    let entries = match tar.entries() {
        Ok(entries) => entries,
        Err(error) => {
            read.damage = Some(archive::damaged(&last, &error.to_string()));
            return read;
        }
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                read.damage = Some(archive::damaged(&format!("{last} 之后 / after {last}"), &error.to_string()));
                return read;
            }
        };
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let regular = entry.header().entry_type().is_file();
        let mut bytes = Vec::new();
        if let Err(error) = entry.read_to_end(&mut bytes) {
            read.damage = Some(archive::damaged(&path, &error.to_string()));
            return read;
        }
        last = path.clone();
        if path == MANIFEST_MEMBER && regular {
            read.manifests.push(bytes);
            continue;
        }
        // A directory, link or device where only files are archived: never what was signed.
        let sm3 = if regular {
            govpress::review::sm3_hex(&bytes)
        } else {
            format!("not a regular file: {:?}", entry.header().entry_type())
        };
        read.members.push((path, Member { size: bytes.len() as u64, sm3 }));
    }
    // The gzip trailer (CRC-32 and length) is checked only once the stream is read to its end.
    let mut rest = Vec::new();
    if let Err(error) = tar.into_inner().read_to_end(&mut rest) {
        read.damage = Some(archive::damaged(&format!("{last} 之后 / after {last}"), &error.to_string()));
    }
    read
}
