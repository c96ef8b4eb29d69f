//! HTTP security headers for the served site (第二十九条 安全连接, 第三条 防范攻击): config in, header
//! list out. A strict Content-Security-Policy built from the config (same-origin scripts, styles and
//! images; no inline script; third-party origins only as `[links] script_hosts`, `[headers] frame_hosts`
//! and `[headers] media_hosts` allow), HSTS, `X-Content-Type-Options`, `Referrer-Policy`,
//! `Permissions-Policy`, `frame-ancestors`; and the HTTP → HTTPS redirect.
//!
//! A path prefix can widen the policy for its pages only (`[headers.paths."/search/"]`, e.g.
//! `script-src = ["'wasm-unsafe-eval'"]` for a WebAssembly search page); the rest of the site keeps the
//! strict policy. The CLI writes the result as an nginx include and a `_headers` file for static hosts.

use std::collections::BTreeMap;

use crate::config::SiteConfig;
use crate::diagnostic::Text;
use crate::hosts::ascii_host;

/// The static hosts' headers file in the output root.
pub const HEADERS_FILE: &str = "_headers";
/// The nginx includes, in the site's `.govpress/nginx/` (not in the output: nothing served, and not in
/// the web root that `govpress verify` watches for intruders).
pub const NGINX_DIR: &str = ".govpress/nginx";
pub const NGINX_HEADERS: &str = "govpress-headers.conf";
pub const NGINX_REDIRECT: &str = "govpress-redirect.conf";

/// One response header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: &'static str,
    pub value: String,
}

/// The headers of every response, and the paths whose CSP differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityHeaders {
    /// `scheme://host[:port]` of `site.base_url`, the redirect's target; `None`: the request's host.
    pub canonical_origin: Option<String>,
    /// Headers for every path (CSP included).
    pub default: Vec<Header>,
    /// Path prefix → its Content-Security-Policy, longest prefixes first.
    pub path_csp: Vec<(String, String)>,
}

/// A value the config gave that cannot go into a header: which key, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    /// Dotted key in `govpress.toml` (`headers.frame_hosts`).
    pub key: String,
    pub message: Text,
}

/// The CSP directives a path may widen, and the keyword sources it may add to them. `'unsafe-inline'`,
/// `'unsafe-eval'`, `*`, schemes such as `data:` are never accepted.
const WIDENABLE: [&str; 6] = ["script-src", "style-src", "img-src", "media-src", "connect-src", "frame-src"];
const KEYWORDS: [&str; 2] = ["'self'", "'wasm-unsafe-eval'"];

/// Default HSTS lifetime: one year.
pub const HSTS_MAX_AGE: u64 = 31_536_000;

/// Features no page of a portal needs.
const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), \
gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=()";

type Directives = BTreeMap<&'static str, Vec<String>>;

impl SecurityHeaders {
    /// Builds the headers from the config; an unusable value is an error naming its key.
    pub fn from_config(config: &SiteConfig) -> Result<SecurityHeaders, HeaderError> {
        let section = &config.headers;
        let script_hosts = origins("links.script_hosts", &config.links.script_hosts)?;
        let frame_hosts = origins("headers.frame_hosts", &section.frame_hosts)?;
        let media_hosts = origins("headers.media_hosts", &section.media_hosts)?;
        let ancestors = origins("headers.frame_ancestors", &section.frame_ancestors)?;

        let self_and = |extra: &[String]| -> Vec<String> {
            std::iter::once("'self'".to_string()).chain(extra.iter().cloned()).collect()
        };
        let mut directives: Directives = BTreeMap::new();
        directives.insert("default-src", vec!["'none'".into()]);
        directives.insert("script-src", self_and(&script_hosts));
        directives.insert("style-src", self_and(&script_hosts));
        // Style *attributes* only (table alignment, the sanitiser's layout-and-colour properties, none of
        // which loads a URL: `render::STYLE_PROPERTIES`); `<style>` elements and stylesheets stay 'self'.
        directives.insert("style-src-attr", vec!["'unsafe-inline'".into()]);
        directives.insert("img-src", self_and(&media_hosts));
        directives.insert("media-src", self_and(&media_hosts));
        directives.insert("font-src", vec!["'self'".into()]);
        directives.insert("connect-src", vec!["'self'".into()]);
        directives.insert("manifest-src", vec!["'self'".into()]);
        directives.insert("frame-src", if frame_hosts.is_empty() { vec!["'none'".into()] } else { frame_hosts });
        directives.insert("object-src", vec!["'none'".into()]);
        directives.insert("base-uri", vec!["'self'".into()]);
        directives.insert("form-action", vec!["'self'".into()]);
        let frame_ancestors = if ancestors.is_empty() { vec!["'none'".into()] } else { self_and(&ancestors) };
        directives.insert("frame-ancestors", frame_ancestors);

        let mut path_csp = Vec::new();
        for (path, widen) in &section.paths {
            let key = format!("headers.paths.\"{path}\"");
            check_path(&key, path)?;
            let mut widened = directives.clone();
            for (directive, sources) in widen {
                let Some(name) = WIDENABLE.iter().copied().find(|name| name == directive) else {
                    return Err(HeaderError {
                        key: format!("{key}.{directive}"),
                        message: Text::new(
                            format!("不能放宽的 CSP 指令“{directive}”（可放宽：{}）", WIDENABLE.join("、")),
                            format!("“{directive}” cannot be widened (these can: {})", WIDENABLE.join(", ")),
                        ),
                    });
                };
                let list = widened.entry(name).or_default();
                list.retain(|source| source != "'none'");
                for source in sources {
                    let source = path_source(&format!("{key}.{directive}"), source)?;
                    if !list.contains(&source) {
                        list.push(source);
                    }
                }
            }
            path_csp.push((path.clone(), render_csp(&widened)));
        }
        path_csp.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));

        let mut hsts = format!("max-age={}", section.hsts_max_age.unwrap_or(HSTS_MAX_AGE));
        if section.hsts_include_subdomains {
            hsts.push_str("; includeSubDomains");
        }
        if section.hsts_preload {
            hsts.push_str("; preload");
        }
        let header = |name: &'static str, value: &str| Header { name, value: value.to_string() };
        let default = vec![
            header("Content-Security-Policy", &render_csp(&directives)),
            header("Strict-Transport-Security", &hsts),
            header("X-Content-Type-Options", "nosniff"),
            header("Referrer-Policy", "strict-origin-when-cross-origin"),
            header("Permissions-Policy", PERMISSIONS_POLICY),
            header("X-Frame-Options", if section.frame_ancestors.is_empty() { "DENY" } else { "SAMEORIGIN" }),
            header("Cross-Origin-Opener-Policy", "same-origin"),
        ];
        Ok(SecurityHeaders { canonical_origin: canonical_origin(config), default, path_csp })
    }

    /// The headers of a response for `path` (`/search/`): the default ones, the CSP of the longest
    /// matching path prefix.
    pub fn for_path(&self, path: &str) -> Vec<Header> {
        let csp = self.path_csp.iter().find(|(prefix, _)| path.starts_with(prefix.as_str()));
        self.default
            .iter()
            .map(|header| match csp {
                Some((_, value)) if header.name == "Content-Security-Policy" => {
                    Header { name: header.name, value: value.clone() }
                }
                _ => header.clone(),
            })
            .collect()
    }

    /// An nginx include for the HTTPS `server {}` block (also inside any `location` that has
    /// `add_header` of its own, since nginx then drops the inherited ones).
    pub fn nginx_include(&self) -> String {
        let mut out = String::from(
            "# govpress: security headers (第二十九条, 第三条). Generated by `govpress build`; do not edit.\n\
             # Include in the HTTPS server {} block: include /path/to/govpress-headers.conf;\n",
        );
        let csp = self.default.iter().find(|header| header.name == "Content-Security-Policy");
        out.push_str(&format!("set $govpress_csp \"{}\";\n", csp.map_or("", |header| header.value.as_str())));
        // Shortest prefix first, so the longest matching one is set last and wins.
        for (prefix, value) in self.path_csp.iter().rev() {
            out.push_str(&format!("if ($uri ~ \"^{}\") {{ set $govpress_csp \"{value}\"; }}\n", regex_escape(prefix)));
        }
        for header in &self.default {
            if header.name == "Content-Security-Policy" {
                out.push_str("add_header Content-Security-Policy $govpress_csp always;\n");
            } else {
                out.push_str(&format!("add_header {} \"{}\" always;\n", header.name, header.value));
            }
        }
        out
    }

    /// An nginx include for the plain-HTTP `server {}` block: every request is sent to HTTPS.
    pub fn nginx_redirect(&self) -> String {
        let target = self.canonical_origin.as_deref().unwrap_or("https://$host");
        format!(
            "# govpress: HTTP → HTTPS (第二十九条). Generated by `govpress build`; do not edit.\n\
             # Include in the port-80 server {{}} block.\nreturn 301 {target}$request_uri;\n"
        )
    }

    /// A `_headers` file (Netlify / Cloudflare Pages format) with the same headers.
    pub fn headers_file(&self) -> String {
        let mut out = String::from("# govpress: security headers. Generated by `govpress build`; do not edit.\n/*\n");
        for header in &self.default {
            out.push_str(&format!("  {}: {}\n", header.name, header.value));
        }
        for (prefix, value) in &self.path_csp {
            out.push_str(&format!("{prefix}*\n  ! Content-Security-Policy\n  Content-Security-Policy: {value}\n"));
        }
        out
    }
}

fn render_csp(directives: &Directives) -> String {
    // A fixed, readable order: fetch directives, then document and navigation ones.
    const ORDER: [&str; 14] = [
        "default-src",
        "script-src",
        "style-src",
        "style-src-attr",
        "img-src",
        "media-src",
        "font-src",
        "connect-src",
        "manifest-src",
        "frame-src",
        "object-src",
        "base-uri",
        "form-action",
        "frame-ancestors",
    ];
    let mut parts: Vec<String> = ORDER
        .iter()
        .filter_map(|name| directives.get(name).map(|sources| format!("{name} {}", sources.join(" "))))
        .collect();
    parts.push("upgrade-insecure-requests".into());
    parts.join("; ")
}

/// Hosts from the config as `https://host` sources (`*.host` kept for subdomains). Anything that is
/// not a plain host — a scheme other than https, a path, a quote, `;`, a space — is refused, so no config
/// value can add a directive or break out of the nginx string.
fn origins(key: &str, hosts: &[String]) -> Result<Vec<String>, HeaderError> {
    let mut out = Vec::new();
    for written in hosts {
        let origin = origin(written).ok_or_else(|| HeaderError {
            key: key.to_string(),
            message: Text::new(
                format!("“{written}”不是主机名（如 www.gov.cn、*.example.gov.cn），不能写入安全响应头"),
                format!("“{written}” is not a host name (such as www.gov.cn or *.example.gov.cn); it cannot go into a header"),
            ),
        })?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    Ok(out)
}

fn origin(written: &str) -> Option<String> {
    let trimmed = written.trim();
    let bare = trimmed.strip_prefix("https://").unwrap_or(trimmed).trim_end_matches('/');
    let (wildcard, host) = match bare.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, bare),
    };
    let plain = !host.is_empty()
        && host.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-' || byte >= 0x80);
    if !plain {
        return None;
    }
    let ascii = ascii_host(host)?;
    if !ascii.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-') || !ascii.contains('.') {
        return None;
    }
    Some(if wildcard { format!("https://*.{ascii}") } else { format!("https://{ascii}") })
}

fn path_source(key: &str, source: &str) -> Result<String, HeaderError> {
    if KEYWORDS.contains(&source) {
        return Ok(source.to_string());
    }
    origin(source).ok_or_else(|| HeaderError {
        key: key.to_string(),
        message: Text::new(
            format!("“{source}”不能加入 CSP：只接受主机名或 {}（不接受 'unsafe-inline'、'unsafe-eval'、*、data: 等）", KEYWORDS.join("、")),
            format!("“{source}” cannot be added to the CSP: only host names or {} (never 'unsafe-inline', 'unsafe-eval', *, data: …)", KEYWORDS.join(", ")),
        ),
    })
}

fn check_path(key: &str, path: &str) -> Result<(), HeaderError> {
    let plain = path.starts_with('/')
        && path.ends_with('/')
        && !path.contains("//")
        && !path.split('/').any(|part| part == "." || part == "..")
        && path.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'_' | b'.'));
    if plain {
        return Ok(());
    }
    Err(HeaderError {
        key: key.to_string(),
        message: Text::new(
            format!("路径“{path}”须以 / 开头和结尾，只含字母、数字、-、_、.（如 \"/search/\"）"),
            format!("The path “{path}” must start and end with / and hold only letters, digits, -, _ and . (such as \"/search/\")"),
        ),
    })
}

fn regex_escape(path: &str) -> String {
    path.replace('.', "\\.")
}

fn canonical_origin(config: &SiteConfig) -> Option<String> {
    let url = url::Url::parse(config.site.base_url.as_deref()?).ok()?;
    let host = url.host_str()?;
    let plain = host.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-');
    if !plain {
        return None;
    }
    Some(match url.port() {
        Some(port) if url.scheme() == "https" => format!("https://{host}:{port}"),
        _ => format!("https://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(toml: &str) -> Result<SecurityHeaders, HeaderError> {
        SecurityHeaders::from_config(&SiteConfig::parse(toml).unwrap())
    }

    fn value(headers: &[Header], name: &str) -> String {
        headers.iter().find(|header| header.name == name).map(|header| header.value.clone()).unwrap_or_default()
    }

    #[test]
    fn the_default_policy_is_same_origin_only_with_no_inline_script() {
        let built = headers("[site]\nbase_url = \"https://www.example.gov.cn/\"\n").unwrap();
        let csp = value(&built.default, "Content-Security-Policy");
        assert_eq!(
            csp,
            "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self'; media-src 'self'; \
             font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-src 'none'; object-src 'none'; \
             base-uri 'self'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests"
        );
        assert!(!csp.replace("style-src-attr 'unsafe-inline'", "").contains("unsafe"));
        assert_eq!(value(&built.default, "Strict-Transport-Security"), "max-age=31536000");
        assert_eq!(value(&built.default, "X-Content-Type-Options"), "nosniff");
        assert_eq!(value(&built.default, "X-Frame-Options"), "DENY");
        assert!(value(&built.default, "Permissions-Policy").contains("camera=()"));
        assert_eq!(built.nginx_redirect().lines().last(), Some("return 301 https://www.example.gov.cn$request_uri;"));
        assert_eq!(built.for_path("/news/"), built.default);
    }

    #[test]
    fn config_hosts_widen_only_their_directives_and_one_path_can_differ() {
        let built = headers(
            "[links]\nscript_hosts = [\"cdn.example.gov.cn\"]\n[headers]\nframe_hosts = [\"www.gov.cn\", \"*.video.gov.cn\"]\n\
             media_hosts = [\"https://img.example.gov.cn/\"]\nframe_ancestors = [\"portal.gov.cn\"]\nhsts_include_subdomains = true\n\
             [headers.paths.\"/search/\"]\nscript-src = [\"'wasm-unsafe-eval'\"]\n",
        )
        .unwrap();
        let csp = value(&built.default, "Content-Security-Policy");
        assert!(csp.contains("script-src 'self' https://cdn.example.gov.cn;"), "{csp}");
        assert!(csp.contains("frame-src https://www.gov.cn https://*.video.gov.cn;"), "{csp}");
        assert!(csp.contains("img-src 'self' https://img.example.gov.cn;"), "{csp}");
        assert!(csp.contains("frame-ancestors 'self' https://portal.gov.cn;"), "{csp}");
        assert!(!csp.contains("wasm"));
        let search = value(&built.for_path("/search/index.html"), "Content-Security-Policy");
        assert!(search.contains("script-src 'self' https://cdn.example.gov.cn 'wasm-unsafe-eval';"), "{search}");
        assert_eq!(value(&built.for_path("/searching/"), "Content-Security-Policy"), csp);
        assert_eq!(value(&built.default, "Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
        let nginx = built.nginx_include();
        assert!(nginx.contains("if ($uri ~ \"^/search/\") { set $govpress_csp \""), "{nginx}");
        assert!(nginx.contains("add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;"));
        let file = built.headers_file();
        assert!(file.starts_with("# govpress"));
        assert!(file.contains("/search/*\n  ! Content-Security-Policy\n"), "{file}");
    }

    #[test]
    fn values_that_would_weaken_the_policy_or_break_the_header_are_refused() {
        for (toml, key) in [
            ("[headers]\nframe_hosts = [\"*\"]\n", "headers.frame_hosts"),
            ("[headers]\nframe_hosts = [\"evil.com; script-src *\"]\n", "headers.frame_hosts"),
            ("[headers]\nmedia_hosts = [\"data:\"]\n", "headers.media_hosts"),
            ("[headers]\nmedia_hosts = [\"http://img.example.gov.cn\"]\n", "headers.media_hosts"),
            ("[headers]\nframe_ancestors = [\"a.gov.cn\\\" always; add_header X y\"]\n", "headers.frame_ancestors"),
            ("[links]\nscript_hosts = [\"cdn.example.com/$x\"]\n", "links.script_hosts"),
            (
                "[headers.paths.\"/search/\"]\nscript-src = [\"'unsafe-inline'\"]\n",
                "headers.paths.\"/search/\".script-src",
            ),
            (
                "[headers.paths.\"/search/\"]\nscript-src = [\"'unsafe-eval'\"]\n",
                "headers.paths.\"/search/\".script-src",
            ),
            (
                "[headers.paths.\"/search/\"]\nframe-ancestors = [\"evil.com\"]\n",
                "headers.paths.\"/search/\".frame-ancestors",
            ),
            ("[headers.paths.\"search\"]\nscript-src = [\"'self'\"]\n", "headers.paths.\"search\""),
            ("[headers.paths.\"/a\\\"b/\"]\nscript-src = [\"'self'\"]\n", "headers.paths.\"/a\"b/\""),
        ] {
            let error = headers(toml).expect_err(toml);
            assert_eq!(error.key, key, "{toml}");
        }
        // Internationalised hosts are written in ASCII.
        let built = headers("[headers]\nframe_hosts = [\"政务.cn\"]\n").unwrap();
        assert!(value(&built.default, "Content-Security-Policy").contains("https://xn--"));
    }
}
