//! 第八条 (the site's name) and 第九条 (网上标识 and the filing numbers the footer carries).

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::RuleInfo;

pub const SITE_NAME: RuleInfo = RuleInfo {
    id: "identity.site-name",
    article: 8,
    severity: Severity::Error,
    summary_zh: "网站名称（实体机构名称或规范简称）必须填写",
    summary_en: "The site name (the entity's name or standard short name) is required",
};

pub const MARKS: RuleInfo = RuleInfo {
    id: "identity.missing",
    article: 9,
    severity: Severity::Error,
    summary_zh: "网上标识、网站标识码、ICP 备案号、公安备案号、主办单位必须填写",
    summary_en: "The 网上标识 id, site code, ICP and PSB filing numbers and sponsor are required",
};

pub const SITE_CODE: RuleInfo = RuleInfo {
    id: "identity.site-code",
    article: 9,
    severity: Severity::Error,
    summary_zh: "网站标识码为 10 位数字",
    summary_en: "The site code is 10 digits",
};

pub const RULES: &[RuleInfo] = &[SITE_NAME, MARKS, SITE_CODE];

pub fn check(config: &SiteConfig, out: &mut Vec<Diagnostic>) {
    if blank(config.site.name.as_deref()) {
        let position = config.position_of("site.name");
        out.push(
            SITE_NAME
                .diagnostic(
                    Text::new(
                        "缺少网站名称 site.name（第八条：优先使用实体机构名称或规范简称）",
                        "site.name is missing (article 8: use the entity's name or its standard short name)",
                    ),
                    Text::new(
                        "在 [site] 中填写 name，例如 \"示例市人民政府\"",
                        "Set name in [site], e.g. \"示例市人民政府\"",
                    ),
                )
                .at(position, position),
        );
    }
    let identity = &config.identity;
    let required = [
        ("conac_id", identity.conac_id.as_deref(), "党政机关/事业单位网上标识编号", "the 网上标识 (CONAC) id"),
        ("site_code", identity.site_code.as_deref(), "网站标识码", "the site code (网站标识码)"),
        ("icp", identity.icp.as_deref(), "ICP 备案号", "the ICP filing number"),
        ("psb", identity.psb.as_deref(), "公安机关备案号", "the public security filing number"),
        ("sponsor", identity.sponsor.as_deref(), "主办单位", "the sponsor (主办单位)"),
    ];
    for (key, value, name_zh, name_en) in required {
        if blank(value) {
            let position = config.position_of(&format!("identity.{key}"));
            out.push(
                MARKS
                    .diagnostic(
                        Text::new(
                            format!("缺少{name_zh} identity.{key}，页面底部无法加注（第九条）"),
                            format!("identity.{key} ({name_en}) is missing, so the footer cannot carry it (article 9)"),
                        ),
                        Text::new(format!("在 [identity] 中填写 {key}"), format!("Set {key} in [identity]")),
                    )
                    .at(position, position),
            );
        }
    }
    if let Some(code) = identity.site_code.as_deref().filter(|code| !code.trim().is_empty()) {
        if code.len() != 10 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
            let position = config.position_of("identity.site_code");
            out.push(
                SITE_CODE
                    .diagnostic(
                        Text::new(
                            format!("网站标识码“{code}”应为 10 位数字（第九条）"),
                            format!("Site code \"{code}\" must be 10 digits (article 9)"),
                        ),
                        Text::new(
                            "从全国政府网站信息报送系统核对网站标识码",
                            "Look up the site code in the national government website registry",
                        ),
                    )
                    .at(position, position),
            );
        }
    }
}

fn blank(value: Option<&str>) -> bool {
    value.is_none_or(|value| value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_mark_is_named_at_its_table() {
        let config = SiteConfig::parse(
            "[site]\nname = \"示例市人民政府\"\n[identity]\nconac_id = \"abc\"\nsite_code = \"12AB\"\n",
        )
        .unwrap();
        let mut out = Vec::new();
        check(&config, &mut out);
        let rules: Vec<_> = out.iter().map(|diagnostic| (diagnostic.rule, diagnostic.start.line)).collect();
        assert_eq!(
            rules,
            [("identity.missing", 3), ("identity.missing", 3), ("identity.missing", 3), ("identity.site-code", 5)]
        );
    }

    #[test]
    fn a_missing_name_is_article_8() {
        let config = SiteConfig::parse("").unwrap();
        let mut out = Vec::new();
        check(&config, &mut out);
        assert_eq!(out[0].article, 8);
        assert_eq!(out.len(), 6);
    }
}
