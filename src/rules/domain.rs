//! 第五条: the site's domain suffix matches the kind of organisation.

use crate::config::{OrgKind, SiteConfig};
use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::hosts::HostClassifier;
use crate::rules::RuleInfo;

pub const SUFFIX: RuleInfo = RuleInfo {
    id: "domain.suffix",
    article: 5,
    severity: Severity::Error,
    summary_zh: "党政机关网站域名以 .gov.cn 或 .政务 结尾；事业单位以 .cn 或 .公益 结尾且不得使用 .gov.cn/.政务",
    summary_en:
        "Party-government sites use .gov.cn or .政务; public institutions use .cn or .公益, never .gov.cn/.政务",
};

pub const BASE_URL: RuleInfo = RuleInfo {
    id: "domain.base-url",
    article: 5,
    severity: Severity::Error,
    summary_zh: "site.base_url 必须是 https 绝对地址",
    summary_en: "site.base_url must be an absolute https URL",
};

pub const RULES: &[RuleInfo] = &[SUFFIX, BASE_URL];

pub fn check(config: &SiteConfig, hosts: &HostClassifier, out: &mut Vec<Diagnostic>) {
    let position = config.position_of("site.base_url");
    let Some(base_url) = config.site.base_url.as_deref() else {
        out.push(
            BASE_URL
                .diagnostic(
                    Text::new(
                        "缺少 site.base_url，无法核对网站域名（第五条）",
                        "site.base_url is missing, so the domain cannot be checked (article 5)",
                    ),
                    Text::new(
                        "在 [site] 中填写 base_url，例如 https://www.example.gov.cn",
                        "Set base_url in [site], e.g. https://www.example.gov.cn",
                    ),
                )
                .at(position, position),
        );
        return;
    };
    let host = match url::Url::parse(base_url) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host_str().is_some() => {
            url.host_str().unwrap_or_default().to_ascii_lowercase()
        }
        _ => {
            out.push(
                BASE_URL
                    .diagnostic(
                        Text::new(
                            format!("site.base_url “{base_url}”不是有效的网址（第五条）"),
                            format!("site.base_url \"{base_url}\" is not a valid URL (article 5)"),
                        ),
                        Text::new("写成 https://域名/ 的形式", "Write it as https://host/"),
                    )
                    .at(position, position),
            );
            return;
        }
    };
    let suffix = hosts.public_suffix(&host).unwrap_or_default();
    let registered = hosts.registrable_domain(&host).is_some();
    let government = registered && (suffix == "gov.cn" || suffix == "xn--zfr164b");
    let institution =
        registered && (suffix == "cn" || suffix.ends_with(".cn") || suffix == "xn--55qw42g") && !government;
    let (ok, expected_zh, expected_en) = match config.site.org_kind {
        OrgKind::PartyGovernment => (
            government,
            "党政机关网站域名应以 .gov.cn 或 .政务 为后缀",
            "a party-government site's domain must end in .gov.cn or .政务",
        ),
        OrgKind::PublicInstitution => (
            institution,
            "事业单位网站域名应以 .cn 或 .公益 为后缀，且不得使用 .gov.cn 或 .政务",
            "a public institution's domain must end in .cn or .公益, and not .gov.cn or .政务",
        ),
    };
    if !ok {
        out.push(
            SUFFIX
                .diagnostic(
                    Text::new(
                        format!("网站域名 {host} 不符合要求：{expected_zh}（第五条）"),
                        format!("The site domain {host} does not comply: {expected_en} (article 5)"),
                    ),
                    Text::new(
                        "核对 site.base_url 与 site.org_kind（party-government 或 public-institution）",
                        "Check site.base_url and site.org_kind (party-government or public-institution)",
                    ),
                )
                .at(position, position),
        );
    }
    if base_url.starts_with("http://") {
        out.push(
            BASE_URL
                .diagnostic(
                    Text::new(
                        "site.base_url 使用了不安全的 http://（第二十九条要求安全连接）",
                        "site.base_url uses insecure http:// (article 29 requires secure connections)",
                    ),
                    Text::new("改为 https://", "Use https://"),
                )
                .at(position, position),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(toml: &str) -> Vec<&'static str> {
        let config = SiteConfig::parse(toml).unwrap();
        let mut out = Vec::new();
        check(&config, &HostClassifier::new(&config), &mut out);
        out.iter().map(|diagnostic| diagnostic.rule).collect()
    }

    #[test]
    fn party_government_needs_gov_cn_or_zhengwu() {
        assert!(findings("[site]\nbase_url = \"https://www.example.gov.cn\"\n").is_empty());
        assert!(findings("[site]\nbase_url = \"https://示例.政务\"\n").is_empty());
        assert!(findings("[site]\nbase_url = \"https://xn--fsqu00a.xn--zfr164b/\"\n").is_empty());
        assert_eq!(findings("[site]\nbase_url = \"https://www.gov.cn.evil.com\"\n"), ["domain.suffix"]);
        assert_eq!(findings("[site]\nbase_url = \"https://www.example.cn\"\n"), ["domain.suffix"]);
    }

    #[test]
    fn public_institutions_need_cn_or_gongyi_but_not_gov_cn() {
        let kind = "org_kind = \"public-institution\"\n";
        assert!(findings(&format!("[site]\n{kind}base_url = \"https://www.museum.cn\"\n")).is_empty());
        assert!(findings(&format!("[site]\n{kind}base_url = \"https://www.museum.org.cn\"\n")).is_empty());
        assert!(findings(&format!("[site]\n{kind}base_url = \"https://博物馆.公益\"\n")).is_empty());
        assert_eq!(findings(&format!("[site]\n{kind}base_url = \"https://www.museum.gov.cn\"\n")), ["domain.suffix"]);
        assert_eq!(findings(&format!("[site]\n{kind}base_url = \"https://www.museum.com\"\n")), ["domain.suffix"]);
    }

    #[test]
    fn missing_or_malformed_base_url() {
        assert_eq!(findings("[site]\n"), ["domain.base-url"]);
        assert_eq!(findings("[site]\nbase_url = \"not a url\"\n"), ["domain.base-url"]);
        assert_eq!(findings("[site]\nbase_url = \"http://www.example.gov.cn\"\n"), ["domain.base-url"]);
    }
}
