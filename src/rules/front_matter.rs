//! 第十三条 (发布审核): a page without readable front matter cannot carry the fields review and
//! publication need. `Page::parse` reports these while it reads the page; they are registered here.

use crate::diagnostic::Severity;
use crate::rules::RuleInfo;

pub const MISSING: RuleInfo = RuleInfo {
    id: "front-matter.missing",
    article: 13,
    severity: Severity::Error,
    summary_zh: "页面必须有前置元数据（+++ 包围的 TOML 或 --- 包围的 YAML），否则无法审核与发布",
    summary_en: "A page needs front matter (TOML between +++ or YAML between ---) to be reviewed and published",
};

pub const UNTERMINATED: RuleInfo = RuleInfo {
    id: "front-matter.unterminated",
    article: 13,
    severity: Severity::Error,
    summary_zh: "前置元数据必须有结束行",
    summary_en: "Front matter must be closed",
};

pub const SYNTAX: RuleInfo = RuleInfo {
    id: "front-matter.syntax",
    article: 13,
    severity: Severity::Error,
    summary_zh: "前置元数据必须符合 TOML 或 YAML 语法",
    summary_en: "Front matter must be valid TOML or YAML",
};

pub const RULES: &[RuleInfo] = &[MISSING, UNTERMINATED, SYNTAX];
