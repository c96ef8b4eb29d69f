//! What checking one URL found, and how to say it in both languages.

use std::collections::BTreeSet;
use std::time::Duration;

use govpress::Text;
use url::Url;

/// The result of checking one URL (without its fragment).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub url: Url,
    pub verdict: Verdict,
    /// The last HTTP status received, if any.
    pub status: Option<u16>,
    /// Where the redirects ended (set when there was at least one).
    pub final_url: Option<Url>,
    /// Every URL after the first, in the order they were visited.
    pub redirects: Vec<Url>,
    pub content_class: Option<ContentClass>,
    /// Requests sent, including HEAD→GET fallbacks and retries.
    pub requests: u32,
    /// Retries spent (after failures, 5xx, resets, timeouts and 429s).
    pub retries: u32,
    /// Status of a refused `HEAD` that was answered again with `GET`.
    pub head_refused: Option<u16>,
    /// Ids and anchor names of the final page, when it was read for fragment checks.
    pub fragment_ids: Option<BTreeSet<String>>,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Broken(Failure),
    /// Still `429 Too Many Requests` after the retries allowed, or asked to wait past the cap.
    RateLimited {
        retry_after: Option<Duration>,
        gave_up: RateLimitEnd,
    },
    /// The run's deadline came first.
    Unchecked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitEnd {
    RetriesUsed,
    WaitOverCap(Duration),
    WaitPastDeadline,
}

/// Why a link does not work, named as precisely as the network lets us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Status(u16),
    Dns(String),
    Refused,
    Reset,
    /// The server closed the connection before a complete response.
    Closed,
    Tls(String),
    ConnectTimeout(Duration),
    Timeout(Duration),
    RedirectLoop,
    TooManyRedirects(usize),
    RedirectWithoutLocation(u16),
    BadLocation(String),
    Other(String),
}

/// What kind of thing a response is: decided in the core, which judges abnormal links.
pub use govpress::rules::link_health::ContentClass;
use govpress::rules::link_health::Landing;

impl Outcome {
    /// Where a working link landed, for the core's abnormal-link judgment (`None` unless it worked);
    /// `previous` is the content class the last run recorded.
    pub fn landing(&self, previous: Option<ContentClass>) -> Option<Landing<'_>> {
        (self.verdict == Verdict::Ok).then_some(Landing {
            url: &self.url,
            final_url: self.final_url.as_ref(),
            content_class: self.content_class,
            previous,
        })
    }
}

impl Failure {
    /// Failures worth another attempt: the next one may well succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Failure::Status(status) => matches!(status, 408 | 500 | 502 | 503 | 504),
            Failure::Dns(_)
            | Failure::Refused
            | Failure::Reset
            | Failure::Closed
            | Failure::ConnectTimeout(_)
            | Failure::Timeout(_)
            | Failure::Other(_) => true,
            _ => false,
        }
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Failure::ConnectTimeout(_) | Failure::Timeout(_))
    }

    /// A short name of the failure, e.g. `连接被重置` / `connection reset`.
    pub fn describe(&self) -> Text {
        match self {
            Failure::Status(status) => {
                let (zh, en) = status_reason(*status);
                Text::new(format!("HTTP {status} {zh}"), format!("HTTP {status} {en}"))
            }
            Failure::Dns(detail) => {
                Text::new(format!("域名无法解析（{detail}）"), format!("DNS lookup failed ({detail})"))
            }
            Failure::Refused => Text::new("连接被拒绝", "connection refused"),
            Failure::Reset => Text::new("连接被重置", "connection reset"),
            Failure::Closed => {
                Text::new("连接被提前关闭，未收到完整响应", "connection closed before a complete response")
            }
            Failure::Tls(detail) => Text::new(format!("TLS 证书或握手错误：{detail}"), format!("TLS error: {detail}")),
            Failure::ConnectTimeout(limit) => Text::new(
                format!("连接超时（{} 内未建立连接）", seconds(*limit)),
                format!("connect timeout (no connection within {})", seconds(*limit)),
            ),
            Failure::Timeout(limit) => Text::new(
                format!("响应超时（{} 内未完成）", seconds(*limit)),
                format!("timed out (no complete response within {})", seconds(*limit)),
            ),
            Failure::RedirectLoop => Text::new("重定向循环", "redirect loop"),
            Failure::TooManyRedirects(limit) => {
                Text::new(format!("重定向超过 {limit} 次"), format!("more than {limit} redirects"))
            }
            Failure::RedirectWithoutLocation(status) => Text::new(
                format!("HTTP {status} 重定向缺少 Location"),
                format!("HTTP {status} redirect without a Location"),
            ),
            Failure::BadLocation(location) => {
                Text::new(format!("重定向目标无效：{location}"), format!("invalid redirect target: {location}"))
            }
            Failure::Other(detail) => Text::new(format!("请求失败：{detail}"), format!("request failed: {detail}")),
        }
    }
}

fn status_reason(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("请求无效", "Bad Request"),
        401 => ("需要登录", "Unauthorized"),
        403 => ("禁止访问", "Forbidden"),
        404 => ("页面不存在", "Not Found"),
        405 => ("方法不允许", "Method Not Allowed"),
        408 => ("请求超时", "Request Timeout"),
        410 => ("页面已永久删除", "Gone"),
        429 => ("请求过多", "Too Many Requests"),
        451 => ("因法律原因不可用", "Unavailable For Legal Reasons"),
        500 => ("服务器内部错误", "Internal Server Error"),
        501 => ("服务器不支持", "Not Implemented"),
        502 => ("网关错误", "Bad Gateway"),
        503 => ("服务不可用", "Service Unavailable"),
        504 => ("网关超时", "Gateway Timeout"),
        _ if (400..500).contains(&status) => ("客户端错误", "client error"),
        _ if (500..600).contains(&status) => ("服务器错误", "server error"),
        _ => ("异常状态", "unexpected status"),
    }
}

/// `10 s`, `1.5 s`, `250 ms`.
pub fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_classes_come_from_headers() {
        assert_eq!(ContentClass::from_headers(Some("text/html; charset=utf-8"), None), ContentClass::Page);
        assert_eq!(
            ContentClass::from_headers(Some("text/html"), Some("attachment; filename=a.exe")),
            ContentClass::Download
        );
        assert_eq!(ContentClass::from_headers(Some("application/octet-stream"), None), ContentClass::Download);
        assert_eq!(ContentClass::from_headers(Some("application/pdf"), None), ContentClass::Resource);
        assert_eq!(ContentClass::from_headers(None, None), ContentClass::Unknown);
    }

    #[test]
    fn failures_are_named_precisely() {
        assert_eq!(Failure::Reset.describe().zh, "连接被重置");
        assert_eq!(Failure::Status(404).describe().en, "HTTP 404 Not Found");
        assert_eq!(
            Failure::Timeout(Duration::from_millis(1500)).describe().en,
            "timed out (no complete response within 1.5 s)"
        );
        assert!(Failure::Status(503).is_transient() && !Failure::Status(404).is_transient());
        assert!(!Failure::Tls("UnknownIssuer".into()).is_transient());
    }
}
