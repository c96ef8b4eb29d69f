//! The dev server's HTTP side: static files from the latest build, the browser checker under
//! `/_check/`, and the live-reload endpoints under `/_govpress/`. Local use only (127.0.0.1).

use std::io::Cursor;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

/// The script that live-reloads pages and shows build errors; same origin, so a strict CSP allows it.
const RELOAD_SCRIPT: &str = include_str!("reload.js");
pub const RELOAD_PATH: &str = "/_govpress/reload.js";
const WAIT_PATH: &str = "/_govpress/wait";
const CHECKER_PREFIX: &str = "/_check/";
/// How long a long-poll waits for a new build before answering with the current one.
const LONG_POLL: Duration = Duration::from_secs(25);

/// What the browser learns about the latest build.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildState {
    /// Increases with every finished build, good or bad.
    pub version: u64,
    /// The diagnostics of a failed build, as plain text; `None` when the last build succeeded.
    pub error: Option<String>,
}

/// Shared between the builder (which publishes) and the request threads (which wait).
#[derive(Debug, Default)]
pub struct Shared {
    state: Mutex<BuildState>,
    changed: Condvar,
}

impl Shared {
    pub fn publish(&self, error: Option<String>) {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.version += 1;
        state.error = error;
        self.changed.notify_all();
    }

    /// Returns when the version differs from `after`, or after `timeout`.
    fn wait_after(&self, after: Option<u64>, timeout: Duration) -> BuildState {
        let guard = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(after) = after else { return guard.clone() };
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |state| state.version == after)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.clone()
    }
}

/// Where the files come from.
#[derive(Debug, Clone)]
pub struct Roots {
    /// The build output (replaced as a whole by each build, so resolved per request).
    pub site: PathBuf,
    /// The browser checker (`www/` with a built `pkg/`), if found.
    pub checker: Option<PathBuf>,
}

/// Serves requests until the process ends; one thread per request (long polls block theirs).
pub fn serve_forever(server: Server, roots: Arc<Roots>, shared: Arc<Shared>) {
    for request in server.incoming_requests() {
        let roots = Arc::clone(&roots);
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let url = request.url().to_string();
            if let Err(error) = handle(request, &roots, &shared) {
                tracing::debug!(%url, %error, "response not delivered");
            }
        });
    }
}

fn handle(request: Request, roots: &Roots, shared: &Shared) -> std::io::Result<()> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return request.respond(text_response(405, "method not allowed"));
    }
    let url = request.url().to_string();
    let (path, query) = split_url(&url);
    if path == RELOAD_PATH {
        return request.respond(bytes_response(
            200,
            RELOAD_SCRIPT.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
        ));
    }
    if path == WAIT_PATH {
        let after = query_value(query, "after").and_then(|value| value.parse().ok());
        let state = shared.wait_after(after, LONG_POLL);
        let body = serde_json::to_vec(&state).unwrap_or_default();
        return request.respond(bytes_response(200, body, "application/json; charset=utf-8"));
    }
    let (root, relative) = match (path.strip_prefix(CHECKER_PREFIX), &roots.checker) {
        (Some(rest), Some(checker)) => (checker.as_path(), rest),
        (Some(_), None) => return request.respond(text_response(404, CHECKER_MISSING)),
        (None, _) if path == "/_check" => return request.respond(redirect(CHECKER_PREFIX)),
        (None, _) => (roots.site.as_path(), path.trim_start_matches('/')),
    };
    let Some(decoded) = percent_decode(relative) else {
        return request.respond(text_response(400, "bad request"));
    };
    match resolve(root, &decoded) {
        Resolved::File(file) => respond_file(request, &file),
        Resolved::Directory => request.respond(redirect(&format!("{path}/"))),
        // A platform's site (`/<site>/…`, `serve --platform`) has its own 404 page.
        Resolved::Missing => match std::fs::read(not_found_page(&roots.site, &decoded)) {
            Ok(body) => request.respond(bytes_response(404, inject_reload(body), "text/html; charset=utf-8")),
            Err(_) => request.respond(bytes_response(404, inject_reload(NOT_FOUND.into()), "text/html; charset=utf-8")),
        },
    }
}

/// The `404.html` of the site the path is in: `<first segment>/404.html` when there is one, else the root's.
fn not_found_page(root: &Path, relative: &str) -> PathBuf {
    let first = relative.split('/').next().filter(|first| !first.is_empty() && !first.starts_with('.'));
    first
        .map(|first| root.join(first).join("404.html"))
        .filter(|page| page.is_file())
        .unwrap_or_else(|| root.join("404.html"))
}

/// Shown when the build has no `404.html` (e.g. the first build failed); carries the overlay script.
const NOT_FOUND: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><body><p>404 未找到 / not found</p></body></html>";

const CHECKER_MISSING: &str =
    "浏览器检查器尚未构建：运行 www/build.sh 生成 www/pkg / the browser checker is not built: run www/build.sh";

fn respond_file(request: Request, file: &Path) -> std::io::Result<()> {
    let body = match std::fs::read(file) {
        Ok(body) => body,
        Err(_) => return request.respond(text_response(404, "404 未找到 / not found")),
    };
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") { inject_reload(body) } else { body };
    request.respond(bytes_response(200, body, content_type))
}

enum Resolved {
    File(PathBuf),
    Directory,
    Missing,
}

/// Maps a URL path to a file under `root`, refusing `..`; directories serve their `index.html`.
fn resolve(root: &Path, relative: &str) -> Resolved {
    let mut path = root.to_path_buf();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            _ => return Resolved::Missing,
        }
    }
    if path.is_file() {
        return Resolved::File(path);
    }
    if path.is_dir() {
        if !relative.is_empty() && !relative.ends_with('/') {
            return Resolved::Directory;
        }
        let index = path.join("index.html");
        return if index.is_file() { Resolved::File(index) } else { Resolved::Missing };
    }
    Resolved::Missing
}

/// Adds the live-reload script before `</body>` (or at the end when there is none).
pub fn inject_reload(body: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{RELOAD_PATH}\"></script>");
    let html = match String::from_utf8(body) {
        Ok(html) => html,
        Err(error) => return error.into_bytes(),
    };
    let insert_at = html.rfind("</body>").unwrap_or(html.len());
    let mut injected = String::with_capacity(html.len() + tag.len());
    injected.push_str(&html[..insert_at]);
    injected.push_str(&tag);
    injected.push_str(&html[insert_at..]);
    injected.into_bytes()
}

fn split_url(url: &str) -> (&str, &str) {
    let url = url.split('#').next().unwrap_or_default();
    url.split_once('?').unwrap_or((url, ""))
}

fn query_value<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(name, _)| *name == key).map(|(_, value)| value)
}

/// Decodes `%XX` escapes (UTF-8 page paths, as the core decodes links); `None` for bytes that are
/// not UTF-8 or a NUL.
fn percent_decode(text: &str) -> Option<String> {
    let decoded = govpress::site::links::percent_decode(text);
    (!decoded.contains(['\0', '\u{FFFD}'])).then(|| decoded.into_owned())
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|extension| extension.to_str()).unwrap_or_default() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header names and values are valid")
}

fn bytes_response(status: u16, body: Vec<u8>, content_type: &str) -> Response<Cursor<Vec<u8>>> {
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
}

fn text_response(status: u16, text: &str) -> Response<Cursor<Vec<u8>>> {
    bytes_response(status, text.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

fn redirect(location: &str) -> Response<Cursor<Vec<u8>>> {
    text_response(301, "moved").with_header(header("Location", location))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_closing_body_tag() {
        let html = b"<html><body><p>x</p></body></html>".to_vec();
        let injected = String::from_utf8(inject_reload(html)).unwrap();
        assert_eq!(injected, format!("<html><body><p>x</p><script src=\"{RELOAD_PATH}\"></script></body></html>"));
    }

    #[test]
    fn resolves_files_and_refuses_to_climb_out() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("news")).unwrap();
        std::fs::write(root.path().join("news/index.html"), "n").unwrap();
        std::fs::write(root.path().join("secret.txt"), "s").unwrap();
        assert!(matches!(resolve(root.path(), "news/"), Resolved::File(path) if path.ends_with("news/index.html")));
        assert!(matches!(resolve(root.path(), "news"), Resolved::Directory));
        assert!(matches!(resolve(&root.path().join("news"), "../secret.txt"), Resolved::Missing));
        assert!(matches!(resolve(root.path(), "absent.html"), Resolved::Missing));
    }

    #[test]
    fn decodes_chinese_paths_and_rejects_bad_escapes() {
        assert_eq!(percent_decode("%E6%94%BF%E5%8A%A1/").as_deref(), Some("政务/"));
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("a%00b"), None);
    }

    #[test]
    fn a_long_poll_returns_at_once_when_the_version_moved() {
        let shared = Shared::default();
        shared.publish(None);
        assert_eq!(shared.wait_after(Some(0), Duration::from_secs(5)).version, 1);
        assert_eq!(shared.wait_after(None, Duration::from_secs(5)).version, 1);
        let waited = shared.wait_after(Some(1), Duration::from_millis(10));
        assert_eq!(waited.version, 1);
    }
}
