//! The theme: tera templates and assets of `site-template/`, embedded in the binary so it works
//! anywhere, each overridable by a file of the same name in the site's `templates/` (or `static/`).
//! Templates are parsed once per build; the site-wide variables live in tera's global context.

use std::path::Path;

use anyhow::Context as _;
use govpress::config::OrgKind;
use govpress::leave_site::LeaveSite;
use govpress::SiteConfig;
use serde::Serialize;
use tera::{Context, Tera};

const EMBEDDED_TEMPLATES: [(&str, &str); 8] = [
    ("base.html", include_str!("../../../site-template/templates/base.html")),
    ("footer.html", include_str!("../../../site-template/templates/footer.html")),
    ("index.html", include_str!("../../../site-template/templates/index.html")),
    ("section.html", include_str!("../../../site-template/templates/section.html")),
    ("page.html", include_str!("../../../site-template/templates/page.html")),
    ("404.html", include_str!("../../../site-template/templates/404.html")),
    ("leave.html", include_str!("../../../site-template/templates/leave.html")),
    ("search.html", include_str!("../../../site-template/templates/search.html")),
];

/// Theme assets, written under the output root unless the site's `static/` has the same file.
pub const THEME_ASSETS: [(&str, &[u8]); 7] = [
    ("assets/govpress.css", include_bytes!("../../../site-template/static/assets/govpress.css")),
    ("assets/govpress-reading.js", include_bytes!("../../../site-template/static/assets/govpress-reading.js")),
    ("assets/cursor-large.svg", include_bytes!("../../../site-template/static/assets/cursor-large.svg")),
    ("assets/govpress-disclosure.js", include_bytes!("../../../site-template/static/assets/govpress-disclosure.js")),
    ("govpress-leave.js", include_bytes!("../../../site-template/static/govpress-leave.js")),
    (
        "assets/marks/party-government.svg",
        include_bytes!("../../../site-template/static/assets/marks/party-government.svg"),
    ),
    (
        "assets/marks/public-institution.svg",
        include_bytes!("../../../site-template/static/assets/marks/public-institution.svg"),
    ),
];

pub const TEMPLATES_DIR: &str = "templates";

/// Site-wide template variables (`site.*`).
#[derive(Debug, Serialize)]
pub struct SiteVars {
    pub name: String,
    pub domain: String,
    pub base_url: String,
    pub base_path: String,
    pub site_code: String,
    pub icp: String,
    pub psb: String,
    pub sponsor: String,
    pub contact: String,
    pub conac_url: String,
    pub error_report_url: String,
    pub mark_image: String,
    pub mark_alt: String,
    pub org_kind: String,
}

impl SiteVars {
    pub fn new(config: &SiteConfig, leave: &LeaveSite<'_>) -> SiteVars {
        let identity = &config.identity;
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let (mark_image, mark_alt, org_kind) = match config.site.org_kind {
            OrgKind::PartyGovernment => ("assets/marks/party-government.svg", "党政机关", "party-government"),
            OrgKind::PublicInstitution => ("assets/marks/public-institution.svg", "事业单位", "public-institution"),
        };
        SiteVars {
            name: text(&config.site.name),
            domain: config.site_host().unwrap_or_default(),
            base_url: config.site.base_url.clone().unwrap_or_default().trim_end_matches('/').to_string(),
            base_path: leave.base_path().to_string(),
            site_code: text(&identity.site_code),
            icp: text(&identity.icp),
            psb: text(&identity.psb),
            sponsor: text(&identity.sponsor),
            contact: text(&identity.contact),
            conac_url: govpress::audit::conac_url(identity.conac_id.as_deref().unwrap_or_default()),
            error_report_url: govpress::audit::error_report_url(identity.site_code.as_deref().unwrap_or_default()),
            mark_image: mark_image.into(),
            mark_alt: mark_alt.into(),
            org_kind: org_kind.into(),
        }
    }
}

/// One entry of the navigation (`nav`).
#[derive(Debug, Serialize)]
pub struct NavItem {
    pub key: String,
    pub title: String,
    pub url: String,
}

/// The metadata every page carries (`meta.*`): 政府网站 meta tags and the current section.
#[derive(Debug, Default, Serialize)]
pub struct MetaVars {
    pub column_name: String,
    pub article_title: String,
    pub pub_date: String,
    pub content_source: String,
    pub description: String,
    pub current: String,
    pub feed_url: Option<String>,
    /// 政府信息公开 metadata of a document (`[disclosure]`), for its meta tags.
    pub disclosure: Option<super::disclosure::DocumentVars>,
}

/// The parsed templates of one build.
pub struct Templates {
    tera: Tera,
    /// Every template source and the site-wide variables, for the render cache's key.
    pub digest_input: String,
}

impl Templates {
    /// Embedded templates, overridden file by file by the site's `templates/`. A platform's site starts
    /// from the platform's parsed theme (`base`, parsed once for every site) instead of the embedded one.
    /// `theme` is the platform theme's `templates/` the `base` was parsed from (for the render cache's key).
    pub fn load(
        site_root: &Path,
        (base, theme): (Option<&Tera>, Option<&Path>),
        site: &SiteVars,
        nav: &[NavItem],
    ) -> anyhow::Result<Templates> {
        let mut tera = match base {
            Some(base) => {
                let mut tera = base.clone();
                let overrides = read_templates(&site_root.join(TEMPLATES_DIR))?;
                if !overrides.is_empty() {
                    tera.add_raw_templates(overrides.iter().map(|(name, text)| (name.as_str(), text.as_str())))
                        .map_err(|error| anyhow::anyhow!("模板错误 / template error: {}", describe(&error)))?;
                }
                tera
            }
            None => parse_theme(&[&site_root.join(TEMPLATES_DIR)])?,
        };
        tera.global_context().insert("site", site);
        tera.global_context().insert("nav", nav);
        // What the templates are made of: the embedded ones, the theme's and the site's files, and the
        // variables every page sees (all of it cheap next to rendering one page).
        let site_templates = site_root.join(TEMPLATES_DIR);
        let mut digest_input = serde_json::to_string(&(site, nav)).unwrap_or_default();
        for (name, text) in EMBEDDED_TEMPLATES {
            digest_input.push_str(&format!("\n{name} {}\n{text}", text.len()));
        }
        for directory in theme.into_iter().chain([site_templates.as_path()]) {
            for (name, text) in read_templates(directory)? {
                digest_input.push_str(&format!("\n{}:{name} {}\n{text}", directory.display(), text.len()));
            }
        }
        Ok(Templates { tera, digest_input })
    }

    pub fn render(&self, name: &str, context: &Context) -> anyhow::Result<String> {
        self.tera
            .render(name, context)
            .map_err(|error| anyhow::anyhow!("渲染模板 {name} 失败 / rendering {name} failed: {}", describe(&error)))
    }
}

/// The embedded templates, overridden file by file by each of `directories` in turn (a platform's theme,
/// a site's `templates/`), parsed.
pub fn parse_theme(directories: &[&Path]) -> anyhow::Result<Tera> {
    let mut sources: Vec<(String, String)> =
        EMBEDDED_TEMPLATES.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
    for directory in directories {
        for (name, text) in read_templates(directory)? {
            match sources.iter_mut().find(|(known, _)| *known == name) {
                Some(slot) => slot.1 = text,
                None => sources.push((name, text)),
            }
        }
    }
    let mut tera = Tera::new();
    tera.add_raw_templates(sources.iter().map(|(name, text)| (name.as_str(), text.as_str())))
        .map_err(|error| anyhow::anyhow!("模板错误 / template error: {}", describe(&error)))?;
    Ok(tera)
}

/// Every template file under `directory` (none when it does not exist), by name.
fn read_templates(directory: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut templates = Vec::new();
    if !directory.is_dir() {
        return Ok(templates);
    }
    for entry in walkdir::WalkDir::new(directory).sort_by_file_name() {
        let entry =
            entry.with_context(|| format!("无法读取目录 {0} / cannot read directory {0}", directory.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = crate::site::relative_path(directory, entry.path());
        let text = std::fs::read_to_string(entry.path())
            .with_context(|| format!("无法读取模板 {} / cannot read template", entry.path().display()))?;
        templates.push((name, text));
    }
    Ok(templates)
}

/// Tera's error with its causes, which hold the file and line.
fn describe(error: &tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
