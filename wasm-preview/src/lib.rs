//! The browser's preview module (SPEC §7): a draft's body as `govpress build` publishes it — rendered,
//! sanitised (ammonia), with the leave-site rewriting of the site's config — for the preview pane.
//!
//! Kept apart from the checking module (`wasm/`) so that the page's first diagnostic does not wait for
//! the sanitiser's HTML parser: the page fetches this module on first use of the preview. No rules here.

use govpress::page::Page;
use govpress::SiteConfig;
use wasm_bindgen::prelude::*;

/// The path a previewed draft is parsed under (the preview has no site to place it in).
const PREVIEW_PATH: &str = "content/preview.md";

/// A previewer built once per config, reused for every keystroke.
#[wasm_bindgen]
pub struct Previewer {
    /// `None` when the config does not load: the checking module reports why, the preview stays empty.
    core: Option<govpress::Checker>,
}

#[wasm_bindgen]
impl Previewer {
    /// `config_toml`: the site's `govpress.toml` (its hosts and `[links] allow` decide the rewriting).
    #[wasm_bindgen(constructor)]
    pub fn new(config_toml: Option<String>) -> Previewer {
        let config = match config_toml.as_deref() {
            Some(text) if !text.trim().is_empty() => SiteConfig::parse(text).ok(),
            _ => Some(SiteConfig::default()),
        };
        Previewer { core: config.map(govpress::Checker::new) }
    }

    /// The draft's body as sanitised HTML with the leave-site rewriting applied; empty for a bad config.
    pub fn preview(&self, source: &str) -> String {
        match &self.core {
            Some(core) => {
                let (page, _) = Page::parse(PREVIEW_PATH, source);
                govpress::render::preview(&page, core)
            }
            None => String::new(),
        }
    }
}

/// SPEC §7 `preview(source, config_toml?)`.
#[wasm_bindgen]
pub fn preview(source: &str, config_toml: Option<String>) -> String {
    Previewer::new(config_toml).preview(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_is_sanitised_and_rewrites_links_leaving_government() {
        let source = "+++\ntitle = \"t\"\n+++\n# 标题\n\n[网信网](https://www.cac.gov.cn/a.htm) [商业](https://www.example.com/x)\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n";
        let html = preview(source, None);
        assert!(html.contains("<h1"), "{html}");
        assert!(html.contains("href=\"https://www.cac.gov.cn/a.htm\""), "{html}");
        assert!(!html.contains("href=\"https://www.example.com/x\""), "{html}");
        assert!(html.contains("/leave/"), "{html}");
        assert!(!html.contains("<script") && !html.contains("onerror"), "{html}");
        let allowed = preview(source, Some("[links]\nallow = [\"example.com\"]\n".into()));
        assert!(allowed.contains("href=\"https://www.example.com/x\""), "{allowed}");
        assert_eq!(preview(source, Some("[site\n".into())), "");
    }
}
