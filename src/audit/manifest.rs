//! 网页防篡改: the build records the SM3 digest of every file it writes; `govpress verify` compares a
//! deployed directory with that record and reports added, changed and missing files (第三条).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::RuleInfo;

/// The manifest's file name in the output directory.
pub const MANIFEST_FILE: &str = ".govpress-manifest.json";

pub const ADDED: RuleInfo = RuleInfo {
    id: "verify.added",
    article: 3,
    severity: Severity::Error,
    summary_zh: "发布目录中出现了构建清单之外的文件（可能被篡改）",
    summary_en: "The deployed directory holds a file the build did not write (possible tampering)",
};

pub const CHANGED: RuleInfo = RuleInfo {
    id: "verify.changed",
    article: 3,
    severity: Severity::Error,
    summary_zh: "发布目录中的文件与构建时的 SM3 摘要不一致（可能被篡改）",
    summary_en: "A deployed file no longer matches its SM3 digest from the build (possible tampering)",
};

pub const MISSING: RuleInfo = RuleInfo {
    id: "verify.missing",
    article: 3,
    severity: Severity::Error,
    summary_zh: "构建写出的文件在发布目录中缺失",
    summary_en: "A file the build wrote is missing from the deployed directory",
};

pub const RULES: &[RuleInfo] = &[ADDED, CHANGED, MISSING];

/// Every output file (path relative to the output root, `/`-separated) and its SM3 digest in hex.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub generator: String,
    pub algorithm: String,
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    pub fn new(generator: impl Into<String>) -> Manifest {
        Manifest { version: 1, generator: generator.into(), algorithm: "SM3".into(), files: BTreeMap::new() }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn from_json(text: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Compares the files found (path → digest) with the record, in path order.
    pub fn compare(&self, found: &BTreeMap<String, String>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (path, digest) in found {
            match self.files.get(path) {
                None => out.push(finding(&ADDED, path, "不在构建清单中", "is not in the build manifest")),
                Some(expected) if expected != digest => {
                    out.push(finding(&CHANGED, path, "内容与构建时不一致", "differs from what the build wrote"))
                }
                Some(_) => {}
            }
        }
        for path in self.files.keys().filter(|path| !found.contains_key(*path)) {
            out.push(finding(&MISSING, path, "已缺失", "is missing"));
        }
        out
    }
}

fn finding(rule: &RuleInfo, path: &str, zh: &str, en: &str) -> Diagnostic {
    rule.diagnostic(
        Text::new(
            format!("文件 {path} {zh}（第三条：防范内容篡改）"),
            format!("The file {path} {en} (article 3: guard against tampering)"),
        ),
        Text::new(
            "从可信的构建重新发布，并排查服务器是否被入侵",
            "Publish again from a trusted build and check the server for intrusion",
        ),
    )
    .in_file(path)
}

/// SM3 of bytes, in lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    Sm3::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_added_changed_and_missing() {
        let mut manifest = Manifest::new("govpress test");
        manifest.files.insert("a.html".into(), sm3_hex(b"a"));
        manifest.files.insert("b.html".into(), sm3_hex(b"b"));
        manifest.files.insert("c.html".into(), sm3_hex(b"c"));
        let found = BTreeMap::from([
            ("a.html".to_string(), sm3_hex(b"a")),
            ("b.html".to_string(), sm3_hex(b"B")),
            ("x.html".to_string(), sm3_hex(b"x")),
        ]);
        let rules: Vec<_> =
            manifest.compare(&found).iter().map(|diagnostic| (diagnostic.rule, diagnostic.file.clone())).collect();
        assert_eq!(
            rules,
            [
                ("verify.changed", "b.html".into()),
                ("verify.added", "x.html".into()),
                ("verify.missing", "c.html".into())
            ]
        );
        assert_eq!(Manifest::from_json(&manifest.to_json()).unwrap(), manifest);
        // GB/T 32905 test vector.
        assert_eq!(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }
}
