//! Diagnostics about source files themselves, which the CLI finds while reading them.

use crate::diagnostic::{Diagnostic, Position, Severity, Text};
use crate::rules::RuleInfo;

pub const ENCODING: RuleInfo = RuleInfo {
    id: "file.encoding",
    article: 13,
    severity: Severity::Error,
    summary_zh: "源文件必须是 UTF-8 编码，否则无法审核",
    summary_en: "Source files are UTF-8, or they cannot be reviewed",
};

pub const OUTSIDE_SITE: RuleInfo = RuleInfo {
    id: "file.outside-site",
    article: 3,
    severity: Severity::Error,
    summary_zh: "内容文件与输出路径不得指向站点目录之外（防范内容篡改）",
    summary_en: "Content files and output paths stay inside the site (guards against tampering)",
};

pub const UNREADABLE: RuleInfo = RuleInfo {
    id: "file.unreadable",
    article: 13,
    severity: Severity::Error,
    summary_zh: "内容文件无法读取",
    summary_en: "A content file cannot be read",
};

pub const TOO_LARGE: RuleInfo = RuleInfo {
    id: "file.too-large",
    article: 3,
    severity: Severity::Error,
    summary_zh: "内容文件超过大小上限（[limits] max_file_bytes），按大小拒绝，不予读取（防范攻击致瘫）",
    summary_en: "A content file over the size limit ([limits] max_file_bytes) is refused by its size, unread (guards against denial of service)",
};

pub const RULES: &[RuleInfo] = &[ENCODING, OUTSIDE_SITE, UNREADABLE, TOO_LARGE];

/// The default of `[limits] max_file_bytes`: 16 MiB, far above any page (a 10 MB line is still read).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A file of `size` bytes refused, unread, because it is over `limit`.
pub fn too_large(file: &str, size: u64, limit: u64) -> Diagnostic {
    TOO_LARGE
        .diagnostic(
            Text::new(
                format!("文件大小 {size} 字节，超过上限 {limit} 字节（[limits] max_file_bytes），未读取（第三条：防范攻击致瘫）"),
                format!("The file is {size} bytes, over the limit of {limit} bytes ([limits] max_file_bytes); it was not read (article 3)"),
            ),
            Text::new(
                "拆分为多个页面，或把大文件作为附件放到 static/；确需更大时在 govpress.toml 的 [limits] 中调高 max_file_bytes",
                "Split it into several pages, or put large files in static/; raise [limits] max_file_bytes in govpress.toml if really needed",
            ),
        )
        .in_file(file)
}

/// Validates UTF-8, pointing at the first bad byte.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        let position = Position { line, column };
        ENCODING
            .diagnostic(
                Text::new(
                    "文件不是有效的 UTF-8 编码，无法检查（第十三条）",
                    "The file is not valid UTF-8 and cannot be checked (article 13)",
                ),
                Text::new(
                    "用 UTF-8 编码重新保存（例如从 GBK 转换）",
                    "Save it again as UTF-8 (for example, convert from GBK)",
                ),
            )
            .at(position, position)
            .in_file(file)
    })
}

pub fn outside_site(file: &str, target: &str) -> Diagnostic {
    OUTSIDE_SITE
        .diagnostic(
            Text::new(
                format!("该文件指向站点目录之外（{target}），已拒绝（第三条：防范内容篡改）"),
                format!(
                    "The file points outside the site ({target}) and was refused (article 3: guard against tampering)"
                ),
            ),
            Text::new(
                "把内容复制到站点目录内，不要使用指向外部的符号链接",
                "Copy the content into the site; do not use symlinks that leave it",
            ),
        )
        .in_file(file)
}

pub fn unreadable(file: &str, reason: &str) -> Diagnostic {
    UNREADABLE
        .diagnostic(
            Text::new(format!("无法读取文件：{reason}"), format!("Cannot read the file: {reason}")),
            Text::new("检查文件权限与是否存在", "Check that the file exists and can be read"),
        )
        .in_file(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let bytes = b"+++\ntitle = \"\xe6\xa0\x87\"\nab\xffcd\n".to_vec();
        let diagnostic = decode("a.md", bytes).unwrap_err();
        assert_eq!(diagnostic.start, Position { line: 3, column: 3 });
        assert_eq!(decode("a.md", "好".as_bytes().to_vec()).unwrap(), "好");
    }
}
