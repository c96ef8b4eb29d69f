//! One HTTP request and nothing more: redirects, retries and limits are the engine's. Errors are
//! turned into a precise `Failure` by walking the error chain to its typed cause.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::Method;
use url::Url;

use crate::outcome::{ContentClass, Failure};
use crate::settings::Settings;

/// What one response said.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub retry_after: Option<Duration>,
    pub content_class: ContentClass,
    /// Ids found in the body, when it was read.
    pub fragment_ids: Option<BTreeSet<String>>,
}

pub fn build(settings: &Settings) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .user_agent(settings.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.connect_timeout)
        .dns_resolver(Arc::new(Resolver { fixed: settings.resolve.clone() }))
        .pool_max_idle_per_host(settings.max_concurrency)
        .tcp_nodelay(true)
        .build()
}

/// Sends one request. The body is read (up to `max_body_bytes`) only when `read_ids` and it is HTML.
pub async fn send(
    client: &reqwest::Client,
    method: Method,
    url: &Url,
    timeout: Duration,
    read_ids: Option<usize>,
) -> Result<Response, Failure> {
    let request = client
        .request(method, url.clone())
        .timeout(timeout)
        .header(ACCEPT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    let mut response = request.send().await.map_err(|error| classify(&error, timeout))?;
    let headers = response.headers();
    let content_class = ContentClass::from_headers(header(headers, CONTENT_TYPE), header(headers, CONTENT_DISPOSITION));
    let mut found = Response {
        status: response.status().as_u16(),
        location: header(headers, LOCATION).map(str::to_string),
        retry_after: header(headers, RETRY_AFTER).and_then(parse_retry_after),
        content_class,
        fragment_ids: None,
    };
    if let (Some(limit), ContentClass::Page, true) = (read_ids, content_class, response.status().is_success()) {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| classify(&error, timeout))? {
            body.extend_from_slice(&chunk);
            if body.len() >= limit {
                break;
            }
        }
        found.fragment_ids = Some(fragment_ids(&String::from_utf8_lossy(&body)));
    }
    Ok(found)
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// `Retry-After`: delay-seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now()).to_std().unwrap_or_default();
    Some(wait)
}

/// `id` attributes and `<a name>` anchors of an HTML page.
pub fn fragment_ids(html: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for tag in govpress::html_scan::start_tags(html) {
        for attribute in &tag.attributes {
            if attribute.name == "id" || (attribute.name == "name" && tag.name == "a") {
                ids.insert(attribute.value.to_string());
            }
        }
    }
    ids
}

/// The most precise name for what went wrong, found by walking the error's causes.
fn classify(error: &reqwest::Error, timeout: Duration) -> Failure {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        // `io::Error`s wrap their payload (often another `io::Error`) without exposing it as `source`.
        let mut layer = Some(current);
        let mut general = None;
        while let Some(error) = layer {
            match typed_failure(error) {
                Some(Failure::Other(_)) | None => {}
                Some(failure @ (Failure::Reset | Failure::Closed | Failure::Refused)) => {
                    general = general.or(Some(failure))
                }
                Some(failure) => return failure,
            }
            layer = error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).map(|inner| inner as _);
        }
        if let Some(failure) = general {
            return failure;
        }
        cause = current.source();
    }
    if error.is_timeout() {
        return if error.is_connect() { Failure::ConnectTimeout(timeout) } else { Failure::Timeout(timeout) };
    }
    let mut detail = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    Failure::Other(detail)
}

fn typed_failure(error: &(dyn std::error::Error + 'static)) -> Option<Failure> {
    if let Some(dns) = error.downcast_ref::<DnsError>() {
        return Some(Failure::Dns(dns.0.clone()));
    }
    if let Some(tls) = error.downcast_ref::<rustls::Error>() {
        return Some(Failure::Tls(describe_tls(tls)));
    }
    if let Some(hyper) = error.downcast_ref::<hyper::Error>() {
        if hyper.is_incomplete_message() {
            return Some(Failure::Closed);
        }
    }
    if let Some(io) = error.downcast_ref::<std::io::Error>() {
        use std::io::ErrorKind;
        return match io.kind() {
            ErrorKind::ConnectionRefused => Some(Failure::Refused),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => Some(Failure::Reset),
            ErrorKind::UnexpectedEof => Some(Failure::Closed),
            _ => None,
        };
    }
    None
}

fn describe_tls(error: &rustls::Error) -> String {
    use rustls::CertificateError;
    match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            CertificateError::UnknownIssuer => {
                "证书签发者不受信任（如自签名证书） / certificate issuer not trusted".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "证书已过期 / certificate expired".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "证书与域名不符 / certificate not valid for this name".into()
            }
            CertificateError::Revoked => "证书已吊销 / certificate revoked".into(),
            other => format!("{other:?}"),
        },
        other => other.to_string(),
    }
}

/// A host name that could not be resolved.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DnsError(pub String);

/// System resolution, with `--resolve` entries first.
struct Resolver {
    fixed: BTreeMap<String, Vec<IpAddr>>,
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let fixed = self.fixed.get(&host).cloned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = match fixed {
                Some(ips) => ips.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect(),
                None => tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map_err(|error| Box::new(DnsError(format!("{host}: {error}"))) as Box<_>)?
                    .collect(),
            };
            if addresses.is_empty() {
                return Err(Box::new(DnsError(format!("{host}: 无此域名 / no such host"))) as Box<_>);
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_anchor_names_are_collected() {
        let ids = fragment_ids("<h2 id=\"intro\">x</h2><a name='old'></a><p name=\"not-an-anchor\">");
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["intro", "old"]);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
