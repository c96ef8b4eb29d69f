//! 暗链 (hidden links), a sign of tampering (第三条): links inside elements hidden by inline
//! `display:none`, `visibility:hidden`, zero size or off-screen positioning.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::rules::RuleInfo;

use super::{Handler, State};

pub const HIDDEN_LINK: RuleInfo = RuleInfo {
    id: "hidden-links.hidden",
    article: 3,
    severity: Severity::Warning,
    summary_zh: "页面中不得有隐藏的链接（暗链），它们常是网页被篡改的迹象",
    summary_en: "No hidden links (暗链) in pages: they are a common sign of tampering",
};

/// Offsets beyond this many pixels off-screen count as hiding.
const OFF_SCREEN_PIXELS: f64 = 999.0;

#[derive(Debug, Default)]
pub(super) struct HiddenState {
    /// How many hidden elements enclose the current position.
    depth: usize,
}

pub(super) fn handlers<'h>(state: &Rc<RefCell<State>>) -> Vec<Handler<'h>> {
    let state = Rc::clone(state);
    vec![lol_html::element!("*", move |element| {
        let hidden = element.get_attribute("style").is_some_and(|style| style_hides(&style));
        let name = element.tag_name();
        let is_link = matches!(name.as_str(), "a" | "area") && element.has_attribute("href");
        {
            let mut shared = state.borrow_mut();
            if is_link && (hidden || shared.hidden.depth > 0) {
                let href = element.get_attribute("href").unwrap_or_default();
                let offset = element.source_location().bytes().start;
                shared.diagnostics.push((offset, hidden_link(&href)));
            }
        }
        if hidden {
            if let Some(handlers) = element.end_tag_handlers() {
                state.borrow_mut().hidden.depth += 1;
                let state = Rc::clone(&state);
                let handler: lol_html::EndTagHandler<'static> =
                    Box::new(move |_: &mut lol_html::html_content::EndTag<'_>| {
                        let mut shared = state.borrow_mut();
                        shared.hidden.depth = shared.hidden.depth.saturating_sub(1);
                        Ok(())
                    });
                handlers.push(handler);
            }
        }
        Ok(())
    })]
}

fn hidden_link(href: &str) -> Diagnostic {
    HIDDEN_LINK
        .diagnostic(
            Text::new(
                format!("发现隐藏的链接（暗链）“{href}”，可能是网页被篡改（第三条）"),
                format!("Hidden link (暗链) \"{href}\" found: the page may have been tampered with (article 3)"),
            ),
            Text::new(
                "确认来源并删除；检查模板、静态文件和服务器是否被篡改",
                "Find where it came from and remove it; check templates, static files and the server for tampering",
            ),
        )
        .with_url(href)
}

/// True when an inline style hides the element from readers.
pub fn style_hides(style: &str) -> bool {
    style.split(';').any(|declaration| {
        let Some((property, value)) = declaration.split_once(':') else { return false };
        let property = property.trim().to_ascii_lowercase();
        let value = value.trim().trim_end_matches("!important").trim().to_ascii_lowercase();
        match property.as_str() {
            "display" => value == "none",
            "visibility" => value == "hidden" || value == "collapse",
            "width" | "height" | "max-width" | "max-height" | "font-size" => length(&value) == Some(0.0),
            "opacity" => value.parse::<f64>().is_ok_and(|opacity| opacity <= 0.0),
            "left" | "top" | "right" | "bottom" | "text-indent" | "margin-left" | "margin-top" => {
                length(&value).is_some_and(|length| length <= -OFF_SCREEN_PIXELS)
            }
            _ => false,
        }
    })
}

/// A CSS length's number (`-9999px` → -9999, `0` → 0, `-100em` → -1600), in pixels roughly.
fn length(value: &str) -> Option<f64> {
    let number_end =
        value.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+')).unwrap_or(value.len());
    let number: f64 = value[..number_end].parse().ok()?;
    let unit = value[number_end..].trim();
    let scale = match unit {
        "" | "px" => 1.0,
        "em" | "rem" => 16.0,
        "pt" => 4.0 / 3.0,
        "%" | "vw" | "vh" => 10.0,
        _ => return None,
    };
    Some(number * scale)
}

#[cfg(test)]
mod tests {
    use super::style_hides;

    #[test]
    fn hiding_styles() {
        for style in [
            "display:none",
            "DISPLAY: none !important",
            "visibility:hidden",
            "width:0;height:0;overflow:hidden",
            "position:absolute;left:-9999px",
            "text-indent:-9999px",
            "top: -200em",
        ] {
            assert!(style_hides(style), "{style}");
        }
        for style in ["display:block", "width:0.5em", "left:-10px", "text-indent:2em", "color:red", "margin-left:-1px"]
        {
            assert!(!style_hides(style), "{style}");
        }
    }
}
