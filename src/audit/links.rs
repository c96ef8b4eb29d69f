//! Links in the pass: every `<a href>`/`<area href>` is resolved as the browser will, then sent
//! through a leave page (第十五条), refused when it runs script, or collected when it stays on the
//! site. `<form action>` and `<meta http-equiv="refresh">` leave too but cannot be pointed at a
//! leave page, so an outside destination there is reported. Ids are collected for anchors.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element};

use crate::config::LinkMode;
use crate::leave_site::CONTINUE_ATTRIBUTE;
use crate::url_judge::{decode_attribute, judge, Resolved};

use super::{unrewritten, Auditor, DocumentKind, Handler, State};

pub(super) fn handlers<'h>(auditor: &'h Auditor<'h>, state: &Rc<RefCell<State>>) -> Vec<Handler<'h>> {
    let base = {
        let state = Rc::clone(state);
        // The first `<base href>` decides how every later link resolves (HTML's rule).
        lol_html::element!("base[href]", move |element| {
            let mut state = state.borrow_mut();
            if !state.base_seen {
                state.base_seen = true;
                let href = element.get_attribute("href").unwrap_or_default();
                if let Ok(base) = state.base.join(&decode_attribute(&href)) {
                    state.base = base;
                }
            }
            Ok(())
        })
    };
    let links = {
        let state = Rc::clone(state);
        // SVG links inside HTML may carry their address in `xlink:href` (SVG 1.1) as well as `href`.
        lol_html::element!("a, area", move |element| link(auditor, &state, element))
    };
    let departures = {
        let state = Rc::clone(state);
        lol_html::element!("form[action], meta[http-equiv][content]", move |element| {
            departure(auditor, &state, element);
            Ok(())
        })
    };
    let ids = {
        let state = Rc::clone(state);
        lol_html::element!("[id], a[name]", move |element| {
            let id = element.get_attribute("id").or_else(|| element.get_attribute("name"));
            state.borrow_mut().ids.extend(id.map(|id| decode_attribute(&id).into_owned()));
            Ok(())
        })
    };
    let body = {
        let state = Rc::clone(state);
        lol_html::element!("body", move |element| {
            if auditor.leave.mode() != LinkMode::Confirm {
                return Ok(());
            }
            let state = Rc::clone(&state);
            let script = auditor.leave.confirm_script();
            if let Some(handlers) = element.end_tag_handlers() {
                let handler: lol_html::EndTagHandler<'static> =
                    Box::new(move |end: &mut lol_html::html_content::EndTag<'_>| {
                        if state.borrow().confirm_needed {
                            end.before(&script, ContentType::Html);
                        }
                        Ok(())
                    });
                handlers.push(handler);
            }
            Ok(())
        })
    };
    vec![base, links, departures, ids, body]
}

type HandlerResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn link(auditor: &Auditor<'_>, state: &Rc<RefCell<State>>, element: &mut Element<'_, '_>) -> HandlerResult {
    let offset = element.source_location().bytes().start;
    let mut state = state.borrow_mut();
    // Only a leave page's own 继续访问 link may go straight out; anywhere else the mark is ignored.
    if state.kind == DocumentKind::LeavePage && element.has_attribute(CONTINUE_ATTRIBUTE) {
        return Ok(());
    }
    for attribute in [HREF, XLINK_HREF] {
        let Some(raw) = element.get_attribute(attribute) else { continue };
        match judge(&raw, &state.base) {
            Resolved::Script => {
                state.diagnostics.push((offset, crate::rules::links::javascript_link(&raw)));
            }
            Resolved::Web(url) if url.host_str().map(str::to_ascii_lowercase) == state.own_host => {
                state.internal_links.push((offset, decode_attribute(&raw).into_owned()));
            }
            Resolved::Web(url) if auditor.leave.leaves(&url) => {
                let target = auditor.leave.target(&url);
                if attribute == XLINK_HREF {
                    // The leave page goes into `href`, which SVG 2 browsers prefer; the outside
                    // address must not stay behind for SVG 1.1 readers.
                    element.remove_attribute(XLINK_HREF);
                    if element.has_attribute(HREF) {
                        continue;
                    }
                }
                auditor.leave.redirect(element, &target)?;
                state.confirm_needed |= auditor.leave.mode() == LinkMode::Confirm;
                state.add_target(target);
            }
            // `data:`, `blob:`, `file:`…: nothing a portal links to (a `data:` page can carry script).
            Resolved::OtherScheme(_) => {
                state.diagnostics.push((offset, crate::rules::links::scheme_link(&raw)));
            }
            Resolved::Web(_) | Resolved::NotWeb | Resolved::Invalid => {}
        }
    }
    Ok(())
}

const HREF: &str = "href";
const XLINK_HREF: &str = "xlink:href";

/// A form target or a meta refresh that takes the reader off government without a warning.
fn departure(auditor: &Auditor<'_>, state: &Rc<RefCell<State>>, element: &Element<'_, '_>) {
    let destination = if element.tag_name() == "form" {
        element.get_attribute("action")
    } else {
        let is_refresh = element.get_attribute("http-equiv").is_some_and(|value| value.eq_ignore_ascii_case("refresh"));
        element.get_attribute("content").filter(|_| is_refresh).and_then(|content| refresh_url(&content))
    };
    let Some(destination) = destination else { return };
    let mut state = state.borrow_mut();
    if let Resolved::Web(url) = judge(&destination, &state.base) {
        if url.host_str().map(str::to_ascii_lowercase) != state.own_host && auditor.leave.leaves(&url) {
            let offset = element.source_location().bytes().start;
            state.diagnostics.push((offset, unrewritten(url.as_str())));
        }
    }
}

/// The URL of a refresh's `content` (`5; url=https://…`), as the browser reads it.
fn refresh_url(content: &str) -> Option<String> {
    let content = decode_attribute(content);
    let (_, rest) = content.split_once([';', ','])?;
    let rest = rest.trim_start();
    let value = match rest.get(..3) {
        Some(key) if key.eq_ignore_ascii_case("url") => rest[3..].trim_start().strip_prefix('=')?.trim_start(),
        _ => rest,
    };
    Some(value.trim_matches(|c| c == '"' || c == '\'').to_string())
}

#[cfg(test)]
mod tests {
    use super::refresh_url;

    #[test]
    fn refresh_urls() {
        assert_eq!(refresh_url("0; url=https://evil.example/").as_deref(), Some("https://evil.example/"));
        assert_eq!(refresh_url("0;URL='https://evil.example/'").as_deref(), Some("https://evil.example/"));
        assert_eq!(refresh_url("5").as_deref(), None);
    }
}
