//! A misbehaving HTTP(S) server on 127.0.0.1 for tests and benchmarks: every way a link can fail,
//! on demand, with every request counted. Raw HTTP/1.1 over tokio so each fault is exact (a reset
//! is a real RST via `SO_LINGER 0`, a hang really never answers).
//!
//! Paths: `/ok/…` 200 · `/status/N` N · `/redirect/…` 301→`/ok/…` · `/chain/N` N redirects then 200 ·
//! `/loop/a`⇄`/loop/b` · `/no-location` · `/rate-limited/KEY` 429 (`Retry-After: 1`) once, then 200 ·
//! `/rate-limited-always` 429 (`Retry-After: 1`) · `/rate-limited-long` 429 (`Retry-After: 120`) ·
//! `/hang` never answers · `/reset` RST · `/close` closes without answering · `/flaky-500/KEY` and
//! `/flaky-reset/KEY` fail once, then 200 · `/no-head` 405 to HEAD · `/offsite` 301→`localhost` ·
//! `/download.html` an attachment · `/anchors` a page with ids `intro` and `section-2`.
//! Hosts: `old.example.gov.cn` 301→`taken-over.example.com`, which serves a parked page.
//! The TLS port serves the same behind a self-signed certificate.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Injected before every answer.
    pub latency: Duration,
}

/// Requests seen, by path.
#[derive(Debug, Default)]
pub struct Stats {
    total: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    by_path: Mutex<HashMap<String, usize>>,
}

impl Stats {
    fn record(&self, path: &str) -> usize {
        self.total.fetch_add(1, Ordering::SeqCst);
        let mut by_path = self.by_path.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = by_path.entry(path.to_string()).or_default();
        *count += 1;
        *count
    }
}

/// The running server; stops when dropped.
pub struct FaultServer {
    pub http: SocketAddr,
    pub https: SocketAddr,
    stats: Arc<Stats>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl FaultServer {
    /// Starts on 127.0.0.1 (ephemeral ports) on a runtime of its own, usable from sync and async tests.
    pub fn start(options: Options) -> std::io::Result<FaultServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let stats = Arc::new(Stats::default());
        let bind = || {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            listener.set_nonblocking(true)?;
            Ok::<_, std::io::Error>(listener)
        };
        let (http, https) = (bind()?, bind()?);
        let addresses = (http.local_addr()?, https.local_addr()?);
        let acceptor = tls_acceptor()?;
        let shared = Arc::new(Shared { options, stats: stats.clone(), port: addresses.0.port() });
        let plain_shared = shared.clone();
        runtime.spawn(async move {
            if let Ok(listener) = TcpListener::from_std(http) {
                accept_plain(listener, plain_shared).await;
            }
        });
        runtime.spawn(async move {
            if let Ok(listener) = TcpListener::from_std(https) {
                accept_tls(listener, acceptor, shared).await;
            }
        });
        Ok(FaultServer { http: addresses.0, https: addresses.1, stats, runtime: Some(runtime) })
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }

    pub fn requests(&self) -> usize {
        self.stats.total.load(Ordering::SeqCst)
    }

    /// The most requests that were being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.stats.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn requests_to(&self, path: &str) -> usize {
        self.stats.by_path.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(path).copied().unwrap_or(0)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

struct Shared {
    options: Options,
    stats: Arc<Stats>,
    port: u16,
}

/// How a connection ends.
enum Ending {
    Close,
    Reset,
}

async fn accept_plain(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((mut stream, _)) = listener.accept().await {
        let shared = shared.clone();
        tokio::spawn(async move {
            if let Ending::Reset = serve(&mut stream, &shared).await {
                reset(&stream);
            }
        });
    }
}

async fn accept_tls(listener: TcpListener, acceptor: tokio_rustls::TlsAcceptor, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        let (shared, acceptor) = (shared.clone(), acceptor.clone());
        tokio::spawn(async move {
            // A verifying client aborts the handshake here: that is the fault under test.
            if let Ok(mut stream) = acceptor.accept(stream).await {
                if let Ending::Reset = serve(&mut stream, &shared).await {
                    reset(stream.get_ref().0);
                }
            }
        });
    }
}

/// `SO_LINGER 0`: closing sends RST instead of FIN.
fn reset(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, shared: &Shared) -> Ending {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(stream, &mut buffer).await else { return Ending::Close };
        let hits = shared.stats.record(&request.path);
        let answer = route(&request, hits, shared.port);
        let in_flight = shared.stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.stats.max_in_flight.fetch_max(in_flight, Ordering::SeqCst);
        if !shared.options.latency.is_zero() {
            tokio::time::sleep(shared.options.latency).await;
        }
        shared.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        let response = match answer {
            Answer::Respond(response) => response,
            Answer::Hang => {
                // Never answer; return only when the client gives up and closes.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(read) if read > 0) {}
                return Ending::Close;
            }
            Answer::Reset => return Ending::Reset,
            Answer::Close => return Ending::Close,
        };
        let body = if request.method == "HEAD" { "" } else { response.body.as_str() };
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\ncontent-type: {}\r\n",
            response.status,
            response.body.len(),
            response.content_type
        );
        for (name, value) in &response.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(body.as_bytes()).await.is_err() {
            return Ending::Close;
        }
        let _ = stream.flush().await;
    }
}

struct Request {
    method: String,
    path: String,
    host: String,
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut Vec<u8>) -> Option<Request> {
    let end = loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 || buffer.len() > 64 * 1024 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..end]).to_string();
    buffer.drain(..end + 4);
    let mut lines = head.lines();
    let mut parts = lines.next()?.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let host = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim().rsplit_once(':').map_or(value.trim(), |(host, _)| host).to_ascii_lowercase())
        .unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default().to_string();
    Some(Request { method, path, host })
}

enum Answer {
    Respond(Response),
    Hang,
    Reset,
    Close,
}

struct Response {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn page(status: u16, text: &str) -> Answer {
    Answer::Respond(Response {
        status,
        content_type: "text/html; charset=utf-8",
        headers: Vec::new(),
        body: format!("<!doctype html><title>{status}</title><p>{text}</p>\n"),
    })
}

fn redirect(status: u16, location: String) -> Answer {
    Answer::Respond(Response {
        status,
        content_type: "text/html",
        headers: vec![("location", location)],
        body: String::new(),
    })
}

fn rate_limited(seconds: u32) -> Answer {
    Answer::Respond(Response {
        status: 429,
        content_type: "text/plain",
        headers: vec![("retry-after", seconds.to_string())],
        body: "slow down\n".into(),
    })
}

/// What to do with a request; `hits` counts requests to this path so far, this one included.
fn route(request: &Request, hits: usize, port: u16) -> Answer {
    match request.host.as_str() {
        "old.example.gov.cn" => return redirect(301, format!("http://taken-over.example.com:{port}/parked")),
        "taken-over.example.com" => return page(200, "This domain is for sale"),
        _ => {}
    }
    let path = request.path.as_str();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let first_time = hits == 1;
    match segments.as_slice() {
        ["ok", ..] | ["parked"] => page(200, "ok"),
        ["status", code] => page(code.parse().unwrap_or(500), "status"),
        ["redirect", rest @ ..] => redirect(301, format!("/ok/{}", rest.join("/"))),
        ["chain", count] => match count.parse::<u32>() {
            Ok(0) | Err(_) => page(200, "end of chain"),
            Ok(count) => redirect(302, format!("/chain/{}", count - 1)),
        },
        ["loop", "a"] => redirect(302, "/loop/b".into()),
        ["loop", _] => redirect(302, "/loop/a".into()),
        ["no-location"] => Answer::Respond(Response {
            status: 302,
            content_type: "text/plain",
            headers: Vec::new(),
            body: String::new(),
        }),
        ["rate-limited", _] if first_time => rate_limited(1),
        ["rate-limited", _] => page(200, "thanks for waiting"),
        ["rate-limited-always"] => rate_limited(1),
        ["rate-limited-long"] => rate_limited(120),
        ["hang"] => Answer::Hang,
        ["reset"] => Answer::Reset,
        ["close"] => Answer::Close,
        ["flaky-500", _] if first_time => page(500, "flaky"),
        ["flaky-reset", _] if first_time => Answer::Reset,
        ["flaky-500" | "flaky-reset", _] => page(200, "recovered"),
        ["no-head"] if request.method == "HEAD" => page(405, "HEAD not allowed"),
        ["no-head"] => page(200, "GET works"),
        ["offsite"] => redirect(301, format!("http://localhost:{port}/ok/offsite")),
        ["download.html"] => Answer::Respond(Response {
            status: 200,
            content_type: "application/octet-stream",
            headers: vec![("content-disposition", "attachment; filename=\"setup.exe\"".into())],
            body: "MZ\n".into(),
        }),
        ["anchors"] => Answer::Respond(Response {
            status: 200,
            content_type: "text/html; charset=utf-8",
            headers: Vec::new(),
            body: "<!doctype html><h1 id=\"intro\">a</h1><h2 id='section-2'>b</h2><a name=\"legacy\"></a>\n".into(),
        }),
        _ => page(404, "not found"),
    }
}

fn tls_acceptor() -> std::io::Result<tokio_rustls::TlsAcceptor> {
    let to_io = |error: &dyn std::fmt::Display| std::io::Error::other(error.to_string());
    let names = vec!["bad-tls.example.com".to_string(), "localhost".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).map_err(|error| to_io(&error))?;
    let certificate = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| to_io(&error))?
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .map_err(|error| to_io(&error))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
