//! What may be published from `static/` (第三条: 防范内容篡改、数据窃取), and who owns an output path.
//!
//! `static/` is copied as is, so it is where secrets leak: a checked-out `.git/`, a `.env`, a private
//! key or an editor's backup of a page. Keys are judged by their content (a PEM `PRIVATE KEY` block,
//! an OpenSSH or PuTTY key), never by their name, so public certificates and public keys stay
//! publishable. Every output path has exactly one owner: a static file cannot replace a rendered,
//! reviewed page or a generated file (sitemap, feeds, leave pages, 404).

use memchr::memmem;

use crate::diagnostic::{Diagnostic, Part, Severity, Text};
use crate::rules::RuleInfo;

pub const SECRET: RuleInfo = RuleInfo {
    id: "static.secret",
    article: 3,
    severity: Severity::Error,
    summary_zh: "static/ 中不得发布私钥、.env、.git 等机密文件（防范数据窃取）",
    summary_en: "static/ publishes no private keys, .env files or .git directories (guards against data theft)",
};

pub const BACKUP: RuleInfo = RuleInfo {
    id: "static.backup",
    article: 3,
    severity: Severity::Error,
    summary_zh: "static/ 中不得发布编辑器备份或交换文件（~、.swp、.bak 等）",
    summary_en: "static/ publishes no editor backups or swap files (~, .swp, .bak …)",
};

pub const COLLISION: RuleInfo = RuleInfo {
    id: "output.collision",
    article: 3,
    severity: Severity::Error,
    summary_zh: "一个输出路径只能有一个来源：静态文件不得覆盖渲染页面或生成的文件",
    summary_en: "One output path has one owner: a static file cannot replace a rendered page or a generated file",
};

pub const ATTACHMENT_UNREAD: RuleInfo = RuleInfo {
    id: "attachment.unread",
    article: 22,
    severity: Severity::Warning,
    summary_zh: "static/ 中的附件（表格、文档、PDF、CSV）未能读取文本（加密、损坏、扫描件、非 UTF-8、超过大小上限或格式不支持），其中的个人信息未经检查",
    summary_en: "An attachment in static/ (spreadsheet, document, PDF, CSV) could not be read (encrypted, corrupt, scanned, not UTF-8, over the size limit or an unsupported format), so its personal data was not checked",
};

pub const RULES: &[RuleInfo] = &[SECRET, BACKUP, COLLISION, ATTACHMENT_UNREAD];

/// The text of one part of an attachment (a cell, a page, a paragraph), as an extractor gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPart {
    pub part: Part,
    pub text: String,
}

/// 第二十二条 and 第十六条 on a CSV attachment in `static/` (`label` as diagnostics name it): read as UTF-8
/// (with or without BOM) and judged by the page text rules, each finding at its line and column.
pub fn csv_findings(bytes: &[u8], label: &str) -> Vec<Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text_findings(text, label, None),
        Err(_) => vec![unread(label, "不是 UTF-8 编码（如 GBK）", "it is not UTF-8 (GBK, say)")],
    }
}

/// The same rules on the text an extractor took out of a spreadsheet, document or PDF: each finding
/// names its part (sheet and cell, page, paragraph) and its line and column inside that part.
pub fn part_findings(parts: &[TextPart], label: &str) -> Vec<Diagnostic> {
    parts.iter().flat_map(|part| text_findings(&part.text, label, Some(&part.part))).collect()
}

/// The page text rules an attachment is held to: classification markings (第十六条) and unmasked
/// personal data (第二十二条, numbers masked in every report).
fn text_findings(text: &str, label: &str, part: Option<&Part>) -> Vec<Diagnostic> {
    let lines = crate::source::LineIndex::new(text);
    let at = |range: std::ops::Range<usize>, diagnostic: Diagnostic| {
        let diagnostic =
            diagnostic.at(lines.position(text, range.start), lines.position(text, range.end)).in_file(label);
        match part {
            Some(part) => diagnostic.in_part(part.clone()),
            None => diagnostic,
        }
    };
    let whole = 0..text.len();
    let mut findings: Vec<Diagnostic> = crate::rules::secrets::find_markings(text, whole.clone())
        .into_iter()
        .map(|found| at(found.range.clone(), crate::rules::secrets::diagnostic(&found)))
        .collect();
    for finding in crate::rules::personal_data::find_in(text, whole) {
        let clear = &text[finding.range.clone()];
        findings.push(at(finding.range.clone(), crate::rules::personal_data::diagnostic(&finding)).redacting(clear));
    }
    findings
}

/// An attachment whose text was not read, and why (`why_zh`/`why_en`: 已加密, "it is encrypted"…): a
/// warning, never a silent pass.
pub fn unread(label: &str, why_zh: &str, why_en: &str) -> Diagnostic {
    ATTACHMENT_UNREAD
        .diagnostic(
            Text::new(
                format!("附件 {label} 未能读取：{why_zh}，其中的身份证号、手机号等个人信息未经检查（第二十二条）"),
                format!("The attachment {label} was not read: {why_en}, so personal data in it was not checked (article 22)"),
            ),
            Text::new(
                "人工核对附件中没有未脱敏的个人信息；名单类附件可另存为 xlsx 或 UTF-8 编码的 CSV 一并发布",
                "Check by hand that it holds no unmasked personal data; publish lists as xlsx or UTF-8 CSV as well",
            ),
        )
        .in_file(label)
}

/// Why a static file holds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    /// Inside a version-control directory (`.git/`, `.svn/`, `.hg/`).
    VersionControl,
    /// An environment or credentials file by its well-known name (`.env`, `.htpasswd`, `.netrc`).
    Credentials,
    /// A private key found in the bytes (PEM, OpenSSH, PuTTY).
    PrivateKey,
    /// A key store that holds private keys by definition (`.p12`, `.pfx`, `.jks`, `.keystore`).
    KeyStore,
}

/// Judges one static file by its path relative to `static/` (`/`-separated) and its bytes.
/// `label` is how diagnostics name the file (`static/.env`).
pub fn judge(relative: &str, bytes: &[u8], label: &str) -> Option<Diagnostic> {
    if let Some(secret) = secret_in(relative, bytes) {
        return Some(secret_diagnostic(secret, label));
    }
    let name = relative.rsplit('/').next().unwrap_or(relative);
    is_backup(name).then(|| backup_diagnostic(label))
}

/// The secret a static file holds, if any.
pub fn secret_in(relative: &str, bytes: &[u8]) -> Option<Secret> {
    let mut components = relative.split('/');
    let name = components.next_back().unwrap_or(relative);
    if components.any(|directory| matches!(directory, ".git" | ".svn" | ".hg")) || name == ".git" {
        return Some(Secret::VersionControl);
    }
    let lower = name.to_ascii_lowercase();
    if lower == ".env" || lower.starts_with(".env.") || matches!(lower.as_str(), ".htpasswd" | ".netrc" | ".pgpass") {
        return Some(Secret::Credentials);
    }
    if [".p12", ".pfx", ".jks", ".keystore"].iter().any(|extension| lower.ends_with(extension)) {
        return Some(Secret::KeyStore);
    }
    holds_private_key(bytes).then_some(Secret::PrivateKey)
}

/// A PEM block whose label ends in `PRIVATE KEY` (RSA, EC, DSA, ENCRYPTED, OPENSSH, PKCS#8; also
/// `PGP PRIVATE KEY BLOCK`), or a PuTTY key file. Linear in the size of the file.
pub fn holds_private_key(bytes: &[u8]) -> bool {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let label_of = |start: usize| {
        let rest = bytes.get(start..).unwrap_or_default();
        // PEM labels are short; a missing closing dashes within 80 bytes is not a PEM line.
        let window = rest.get(..rest.len().min(80)).unwrap_or_default();
        memmem::find(window, b"-----").and_then(|end| window.get(..end))
    };
    let pem = memmem::find_iter(bytes, BEGIN).any(|found| {
        label_of(found + BEGIN.len())
            .is_some_and(|label| label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK"))
    });
    pem || bytes.starts_with(b"PuTTY-User-Key-File-") || memmem::find(bytes, b"\nPuTTY-User-Key-File-").is_some()
}

/// Editor backups and swap files: `page.html~`, `.page.html.swp`, `page.bak`, `#page#`, `page.orig`.
pub fn is_backup(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with('~')
        || (lower.starts_with('#') && lower.ends_with('#') && lower.len() > 1)
        || [".swp", ".swo", ".swx", ".bak", ".orig", ".old", ".tmp"].iter().any(|extension| lower.ends_with(extension))
}

fn secret_diagnostic(secret: Secret, label: &str) -> Diagnostic {
    let (zh, en) = match secret {
        Secret::VersionControl => ("版本库目录（.git 等）", "a version-control directory (.git …)"),
        Secret::Credentials => ("环境变量或口令文件（.env 等）", "an environment or password file (.env …)"),
        Secret::PrivateKey => ("私钥", "a private key"),
        Secret::KeyStore => ("密钥库（.p12、.pfx 等）", "a key store (.p12, .pfx …)"),
    };
    SECRET
        .diagnostic(
            Text::new(
                format!("静态文件 {label} 含有{zh}，已拒绝发布（第三条：防范数据窃取）"),
                format!("The static file {label} holds {en} and was refused (article 3: guard against data theft)"),
            ),
            Text::new(
                "把它移出 static/ 并立即更换已暴露的密钥或口令；公开证书与公钥可以发布",
                "Move it out of static/ and replace any key or password it exposed; public certificates and keys are fine",
            ),
        )
        .in_file(label)
}

fn backup_diagnostic(label: &str) -> Diagnostic {
    BACKUP
        .diagnostic(
            Text::new(
                format!("静态文件 {label} 是编辑器备份或交换文件，可能泄露未审核的旧内容，已拒绝发布（第三条）"),
                format!(
                    "The static file {label} is an editor backup or swap file that may leak unreviewed content; \
                     refused (article 3)"
                ),
            ),
            Text::new(
                "删除该文件，或配置编辑器不在站点目录中留下备份",
                "Delete it, or keep editor backups out of the site",
            ),
        )
        .in_file(label)
}

/// Two sources want one output path; `first` keeps it, `second` is refused. `path` is relative to
/// the output root; a source is named by its site-relative path (`static/news/index.html`), `None`
/// is a file the build generates (a rendered page, the sitemap, a feed, a leave page).
pub fn collision(path: &str, first: Option<&str>, second: Option<&str>) -> Diagnostic {
    let name = |owner: Option<&str>| match owner {
        Some(label) => (label.to_string(), label.to_string()),
        None => (format!("生成的 {path}"), format!("the generated {path}")),
    };
    let ((first_zh, first_en), (second_zh, second_en)) = (name(first), name(second));
    COLLISION
        .diagnostic(
            Text::new(
                format!(
                    "{second_zh} 与 {first_zh} 都要写入输出路径 {path}；一个输出路径只能有一个来源，已拒绝（第三条：防范内容篡改）"
                ),
                format!(
                    "{second_en} and {first_en} both write the output path {path}; one output path has one owner, \
                     refused (article 3: guard against tampering)"
                ),
            ),
            Text::new(
                "改名或删除其中一个；要改变生成页面的样式请用 templates/ 覆盖模板，而不是在 static/ 中放同名文件",
                "Rename or remove one of them; to change a generated page, override its template in templates/, \
                 not with a same-named file in static/",
            ),
        )
        .in_file(second.or(first).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERTIFICATE: &[u8] = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    #[test]
    fn keys_are_judged_by_content_and_certificates_pass() {
        for key in [
            &b"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"[..],
            b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
            b"-----BEGIN EC PRIVATE KEY-----\n",
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n",
            b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n",
            b"PuTTY-User-Key-File-3: ssh-ed25519\n",
            b"cert first\n-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n",
        ] {
            assert_eq!(secret_in("keys/site.pem", key), Some(Secret::PrivateKey), "{}", String::from_utf8_lossy(key));
            // The name does not matter: a key renamed to an image is still a key.
            assert_eq!(secret_in("logo.png", key), Some(Secret::PrivateKey));
        }
        for public in
            [CERTIFICATE, b"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n", b"ssh-ed25519 AAAA"]
        {
            assert_eq!(secret_in("ca/root.pem", public), None);
        }
        // Prose about keys is not a key.
        assert_eq!(secret_in("help.html", b"<p>Never publish -----BEGIN and PRIVATE KEY text</p>"), None);
    }

    #[test]
    fn secrets_by_place_and_backups_by_name() {
        assert_eq!(secret_in(".git/config", b"[core]"), Some(Secret::VersionControl));
        assert_eq!(secret_in("docs/.git/HEAD", b"ref"), Some(Secret::VersionControl));
        assert_eq!(secret_in(".env", b"DB=x"), Some(Secret::Credentials));
        assert_eq!(secret_in("app/.env.production", b"DB=x"), Some(Secret::Credentials));
        assert_eq!(secret_in("site.p12", b"\x30\x82"), Some(Secret::KeyStore));
        assert_eq!(secret_in("environment.html", b"<p>.env</p>"), None);
        for backup in ["index.html~", ".index.html.swp", "notice.bak", "#draft.md#", "page.html.orig"] {
            assert!(is_backup(backup), "{backup}");
        }
        for fine in ["index.html", "swap.html", "backup.pdf", "#", "logo.svg"] {
            assert!(!is_backup(fine), "{fine}");
        }
        let diagnostic = judge("index.html~", b"<p>", "static/index.html~").unwrap();
        assert_eq!(
            (diagnostic.rule, diagnostic.article, diagnostic.file.as_str()),
            ("static.backup", 3, "static/index.html~")
        );
        assert!(judge("ca.pem", CERTIFICATE, "static/ca.pem").is_none());
    }

    #[test]
    fn a_collision_names_both_owners() {
        let diagnostic = collision("news/index.html", Some("content/news/_index.md"), Some("static/news/index.html"));
        let message = diagnostic.message.get(crate::Lang::En);
        assert!(message.contains("content/news/_index.md") && message.contains("static/news/index.html"), "{message}");
        assert_eq!((diagnostic.rule, diagnostic.file.as_str()), ("output.collision", "static/news/index.html"));
        let generated = collision("sitemap.xml", Some("static/sitemap.xml"), None);
        assert!(generated.message.get(crate::Lang::Zh).contains("生成的 sitemap.xml"));
        assert_eq!(generated.file, "static/sitemap.xml");
    }

    #[test]
    fn csv_attachments_are_read_at_line_and_column() {
        let csv = "姓名,身份证号\n张三,１１０１０５　１９４９１２３１　００２Ｘ\n李四,110101********1234\n";
        let found = csv_findings(csv.as_bytes(), "static/files/list.csv");
        let places: Vec<_> = found.iter().map(|d| (d.rule, d.file.as_str(), d.start.line, d.start.column)).collect();
        assert_eq!(places, [("personal-data.resident-id", "static/files/list.csv", 2, 4)]);
        assert_eq!(found[0].part, None);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), "13912345678".as_bytes()].concat();
        assert_eq!(csv_findings(&with_bom, "static/a.CSV")[0].start.column, 1);
        assert_eq!(csv_findings(b"\xd5\xc5", "static/a.csv")[0].rule, "attachment.unread");
    }

    #[test]
    fn extracted_parts_are_judged_in_their_part() {
        let cell = Part::Cell { sheet_index: 0, sheet: "公示".into(), row: 6, column: 2 };
        let parts = [
            TextPart { part: cell.clone(), text: "13912345678".into() },
            TextPart {
                part: Part::Page(2),
                text: "统一社会信用代码：91350100M000100Y43\n联系人 张三 １３９ １２３４ ５６７８".into(),
            },
            TextPart { part: Part::Paragraph(1), text: "机密★1年".into() },
        ];
        let found = part_findings(&parts, "static/名单.xlsx");
        let places: Vec<_> = found.iter().map(|d| (d.rule, d.part.clone(), d.start.line, d.start.column)).collect();
        assert_eq!(
            places,
            [
                ("personal-data.mobile", Some(cell), 1, 1),
                ("personal-data.mobile", Some(Part::Page(2)), 2, 8),
                ("secrets.classification", Some(Part::Paragraph(1)), 1, 1),
            ]
        );
        assert_eq!(found[0].redacted.as_deref(), Some("13912345678"));
    }
}
