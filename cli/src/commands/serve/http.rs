//! The dev server's HTTP side: static files from the latest build, the browser checker under
//! `/_check/`, and the live-reload endpoints under `/_govpress/`. Local use only (127.0.0.1).
//!
//! hyper on a small tokio runtime: every connection is its own task, so a live-reload long poll or
//! a browser's idle keep-alive connections never keep another request waiting. (tiny_http, used
//! before, serves each connection on a pool thread and could leave a new connection queued behind
//! live ones: a page's `reload.js` then waited for the 25 s long poll, the page never loaded.)

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;
use tokio::sync::watch;

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

/// Shared between the builder (which publishes) and the connections (which wait).
#[derive(Debug)]
pub struct Shared {
    state: watch::Sender<BuildState>,
}

impl Default for Shared {
    fn default() -> Shared {
        Shared { state: watch::Sender::new(BuildState::default()) }
    }
}

impl Shared {
    pub fn publish(&self, error: Option<String>) {
        self.state.send_modify(|state| {
            state.version += 1;
            state.error = error;
        });
    }

    /// Returns when the version differs from `after`, or after `timeout`.
    async fn wait_after(&self, after: Option<u64>, timeout: Duration) -> BuildState {
        let mut receiver = self.state.subscribe();
        if let Some(after) = after {
            // A timeout answers with the current state, as does a closed channel (the server stops).
            let _ = tokio::time::timeout(timeout, receiver.wait_for(|state| state.version != after)).await;
        }
        let state = receiver.borrow().clone();
        state
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

/// A listener on 127.0.0.1: `port`, else the first free one of `candidates`.
pub fn bind(candidates: &[u16]) -> anyhow::Result<TcpListener> {
    let mut last_error = None;
    for &candidate in candidates {
        match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, candidate))) {
            Ok(listener) => return Ok(listener),
            Err(error) => last_error = Some(error),
        }
    }
    let error = last_error.map(|error| error.to_string()).unwrap_or_default();
    anyhow::bail!("无法监听 127.0.0.1 的端口 / cannot listen on 127.0.0.1: {error}")
}

/// Serves requests until the process ends (run it on a thread of its own).
pub fn serve_forever(listener: TcpListener, roots: Arc<Roots>, shared: Arc<Shared>) {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot start the HTTP server");
            return;
        }
    };
    runtime.block_on(async move {
        let listener = match listener.set_nonblocking(true).and_then(|()| tokio::net::TcpListener::from_std(listener)) {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(%error, "cannot listen");
                return;
            }
        };
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let (roots, shared) = (Arc::clone(&roots), Arc::clone(&shared));
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let (roots, shared) = (Arc::clone(&roots), Arc::clone(&shared));
                    async move { Ok::<_, Infallible>(answer(request, &roots, &shared).await) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                if let Err(error) = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await {
                    tracing::debug!(%error, "connection ended");
                }
            });
        }
    });
}

type Answer = Response<Full<Bytes>>;

async fn answer<B>(request: Request<B>, roots: &Roots, shared: &Shared) -> Answer {
    let url = request.uri().path_and_query().map_or("/", |path| path.as_str()).to_string();
    tracing::debug!(%url, "request");
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return text_response(405, "method not allowed");
    }
    let (path, query) = split_url(&url);
    if path == RELOAD_PATH {
        return bytes_response(200, RELOAD_SCRIPT.as_bytes().to_vec(), "text/javascript; charset=utf-8");
    }
    if path == WAIT_PATH {
        let after = query_value(query, "after").and_then(|value| value.parse().ok());
        let state = shared.wait_after(after, LONG_POLL).await;
        let body = serde_json::to_vec(&state).unwrap_or_default();
        return bytes_response(200, body, "application/json; charset=utf-8");
    }
    let (root, relative) = match (path.strip_prefix(CHECKER_PREFIX), &roots.checker) {
        (Some(rest), Some(checker)) => (checker.as_path(), rest),
        (Some(_), None) => return text_response(404, CHECKER_MISSING),
        (None, _) if path == "/_check" => return redirect(CHECKER_PREFIX),
        (None, _) => (roots.site.as_path(), path.trim_start_matches('/')),
    };
    let Some(decoded) = percent_decode(relative) else {
        return text_response(400, "bad request");
    };
    match resolve(root, &decoded) {
        Resolved::File(file) => file_response(&file),
        Resolved::Directory => redirect(&format!("{path}/")),
        // A platform's site (`/<site>/…`, `serve --platform`) has its own 404 page.
        Resolved::Missing => match std::fs::read(not_found_page(&roots.site, &decoded)) {
            Ok(body) => bytes_response(404, inject_reload(body), "text/html; charset=utf-8"),
            Err(_) => bytes_response(404, inject_reload(NOT_FOUND.into()), "text/html; charset=utf-8"),
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

fn file_response(file: &Path) -> Answer {
    let body = match std::fs::read(file) {
        Ok(body) => body,
        Err(_) => return text_response(404, "404 未找到 / not found"),
    };
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") { inject_reload(body) } else { body };
    bytes_response(200, body, content_type)
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

fn bytes_response(status: u16, body: Vec<u8>, content_type: &'static str) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(content_type));
    headers.insert(hyper::header::CACHE_CONTROL, hyper::header::HeaderValue::from_static("no-store"));
    response
}

fn text_response(status: u16, text: &str) -> Answer {
    bytes_response(status, text.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

fn redirect(location: &str) -> Answer {
    let mut response = text_response(301, "moved");
    if let Ok(location) = hyper::header::HeaderValue::from_str(location) {
        response.headers_mut().insert(hyper::header::LOCATION, location);
    }
    response
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

    /// Sends one HTTP/1.1 request on `stream` (kept alive) and reads the response's status line.
    fn ask(stream: &mut std::net::TcpStream, path: &str) -> String {
        use std::io::{BufRead, BufReader, Write};
        write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut line = String::new();
        BufReader::new(stream.try_clone().unwrap()).read_line(&mut line).unwrap();
        line
    }

    #[test]
    fn a_pending_long_poll_and_idle_connections_keep_no_request_waiting() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("index.html"), "<html><body>home</body></html>").unwrap();
        let listener = bind(&[0]).unwrap();
        let address = listener.local_addr().unwrap();
        let roots = Arc::new(Roots { site: root.path().to_path_buf(), checker: None });
        let shared = Arc::new(Shared::default());
        std::thread::spawn({
            let shared = Arc::clone(&shared);
            move || serve_forever(listener, roots, shared)
        });
        // Idle keep-alive connections, as a browser keeps them, each having answered one request.
        let mut idle: Vec<std::net::TcpStream> =
            (0..8).map(|_| std::net::TcpStream::connect(address).unwrap()).collect();
        for stream in &mut idle {
            assert!(ask(stream, "/").starts_with("HTTP/1.1 200"));
        }
        // A long poll for a build that has not come: it waits (25 s) on its connection.
        let (polled, poll_answered) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            let line = ask(&mut stream, "/_govpress/wait?after=0");
            let _ = polled.send(line);
        });
        // New connections are answered meanwhile, and so is a second request on an idle one.
        for _ in 0..8 {
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            assert!(ask(&mut stream, RELOAD_PATH).starts_with("HTTP/1.1 200"));
        }
        assert!(ask(&mut idle[0], "/index.html").starts_with("HTTP/1.1 200"));
        assert!(poll_answered.try_recv().is_err(), "the long poll is still waiting");
        // A build ends the poll.
        shared.publish(None);
        let line = poll_answered.recv_timeout(Duration::from_secs(20)).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    }

    #[test]
    fn a_long_poll_returns_at_once_when_the_version_moved() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let shared = Shared::default();
        shared.publish(None);
        runtime.block_on(async {
            assert_eq!(shared.wait_after(Some(0), Duration::from_secs(5)).await.version, 1);
            assert_eq!(shared.wait_after(None, Duration::from_secs(5)).await.version, 1);
            let waited = shared.wait_after(Some(1), Duration::from_millis(10)).await;
            assert_eq!(waited.version, 1);
        });
    }
}
