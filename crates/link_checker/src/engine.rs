//! Checking URLs: redirects followed by hand (bounded, with true loop detection), retries with
//! exponential backoff, `429 Retry-After` honoured up to a cap, `HEAD` falling back to `GET`, and
//! the whole run bounded by a deadline.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use tokio::time::Instant;
use url::Url;

use crate::client::{self, Response};
use crate::gates::Gates;
use crate::outcome::{Failure, Outcome, RateLimitEnd, Verdict};
use crate::settings::Settings;

/// One URL to check, without its fragment.
#[derive(Debug, Clone)]
pub struct Job {
    pub url: Url,
    /// Read the final page's ids (some occurrence has a `#fragment` to check).
    pub read_ids: bool,
}

/// Called as each URL finishes (for progress bars).
pub type OnDone = Arc<dyn Fn(&Outcome) + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("无法创建 HTTP 客户端 / cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("无法启动异步运行时 / cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

struct Engine {
    client: reqwest::Client,
    settings: Settings,
    gates: Gates,
    deadline: Instant,
}

/// Checks every job on a runtime of its own; outcomes come back in job order.
pub fn check_blocking(settings: Settings, jobs: Vec<Job>, on_done: OnDone) -> Result<Vec<Outcome>, EngineError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(check_all(settings, jobs, on_done))
}

pub async fn check_all(settings: Settings, jobs: Vec<Job>, on_done: OnDone) -> Result<Vec<Outcome>, EngineError> {
    let engine = Arc::new(Engine {
        client: client::build(&settings)?,
        gates: Gates::new(&settings),
        deadline: Instant::now() + settings.max_time,
        settings,
    });
    let mut tasks = tokio::task::JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let engine = engine.clone();
        let on_done = on_done.clone();
        tasks.spawn(async move {
            let started = Instant::now();
            let outcome = match tokio::time::timeout_at(engine.deadline, engine.check(&job)).await {
                Ok(outcome) => outcome,
                Err(_) => Outcome { verdict: Verdict::Unchecked, elapsed: started.elapsed(), ..Outcome::new(job.url) },
            };
            on_done(&outcome);
            (index, outcome)
        });
    }
    let mut outcomes = Vec::with_capacity(tasks.len());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(indexed) => outcomes.push(indexed),
            Err(error) => tracing::error!(%error, "a link check task failed"),
        }
    }
    outcomes.sort_by_key(|(index, _)| *index);
    Ok(outcomes.into_iter().map(|(_, outcome)| outcome).collect())
}

impl Outcome {
    pub fn new(url: Url) -> Outcome {
        Outcome {
            url,
            verdict: Verdict::Unchecked,
            status: None,
            final_url: None,
            redirects: Vec::new(),
            content_class: None,
            requests: 0,
            retries: 0,
            head_refused: None,
            fragment_ids: None,
            elapsed: Duration::ZERO,
        }
    }
}

impl Engine {
    async fn check(&self, job: &Job) -> Outcome {
        let started = Instant::now();
        let mut outcome = Outcome::new(job.url.clone());
        let mut current = job.url.clone();
        let mut visited = HashSet::from([without_fragment(&current)]);
        outcome.verdict = loop {
            let response = match self.fetch(&current, job.read_ids, &mut outcome).await {
                Ok(response) => response,
                Err(verdict) => break verdict,
            };
            if (300..400).contains(&response.status) && response.status != 304 {
                let Some(location) = response.location else {
                    break Verdict::Broken(Failure::RedirectWithoutLocation(response.status));
                };
                let next = match current.join(&location) {
                    Ok(next) if matches!(next.scheme(), "http" | "https") => next,
                    _ => break Verdict::Broken(Failure::BadLocation(location)),
                };
                outcome.redirects.push(next.clone());
                if !visited.insert(without_fragment(&next)) {
                    break Verdict::Broken(Failure::RedirectLoop);
                }
                if outcome.redirects.len() > self.settings.max_redirects {
                    break Verdict::Broken(Failure::TooManyRedirects(self.settings.max_redirects));
                }
                current = next;
                continue;
            }
            outcome.content_class = Some(response.content_class);
            outcome.fragment_ids = response.fragment_ids;
            break if self.settings.limits_for(&host_of(&current)).accepts(response.status) {
                Verdict::Ok
            } else {
                Verdict::Broken(Failure::Status(response.status))
            };
        };
        outcome.final_url = outcome.redirects.last().cloned();
        outcome.elapsed = started.elapsed();
        outcome
    }

    /// One hop: the request, its HEAD→GET fallback and its retries.
    async fn fetch(&self, url: &Url, read_ids: bool, outcome: &mut Outcome) -> Result<Response, Verdict> {
        let host = host_of(url);
        let limits = self.settings.limits_for(&host).clone();
        let mut method = if read_ids { Method::GET } else { Method::HEAD };
        let (mut retries, mut timeouts) = (0, 0);
        loop {
            let attempt = {
                let _pass = self.gates.enter(&host, &self.settings).await;
                outcome.requests += 1;
                let read_limit = (method == Method::GET && read_ids).then_some(self.settings.max_body_bytes);
                client::send(&self.client, method.clone(), url, limits.timeout, read_limit).await
            };
            let failure = match attempt {
                Ok(response) => {
                    let status = response.status;
                    outcome.status = Some(status);
                    if method == Method::HEAD && status >= 400 && status != 429 {
                        // Many servers refuse or mishandle HEAD (405, 501, 403…): ask again with GET.
                        outcome.head_refused = Some(status);
                        method = Method::GET;
                        continue;
                    }
                    if status == 429 {
                        let end = if retries >= limits.retries {
                            Some(RateLimitEnd::RetriesUsed)
                        } else {
                            let wait = response.retry_after.unwrap_or_else(|| self.backoff(retries));
                            if wait > self.settings.max_retry_wait {
                                Some(RateLimitEnd::WaitOverCap(self.settings.max_retry_wait))
                            } else if Instant::now() + wait >= self.deadline {
                                Some(RateLimitEnd::WaitPastDeadline)
                            } else {
                                // The whole host asked for the pause, not just this URL.
                                self.gates.pause(&host, &self.settings, Instant::now() + wait).await;
                                None
                            }
                        };
                        if let Some(gave_up) = end {
                            return Err(Verdict::RateLimited { retry_after: response.retry_after, gave_up });
                        }
                        retries += 1;
                        outcome.retries += 1;
                        continue;
                    }
                    let transient = Failure::Status(status).is_transient() && !limits.accepts(status);
                    if !transient || retries >= limits.retries {
                        return Ok(response);
                    }
                    Failure::Status(status)
                }
                Err(failure) => failure,
            };
            let timeouts_spent = failure.is_timeout() && timeouts >= self.settings.timeout_retries;
            if !failure.is_transient() || retries >= limits.retries || timeouts_spent {
                return Err(Verdict::Broken(failure));
            }
            if failure.is_timeout() {
                timeouts += 1;
            }
            if method == Method::HEAD && matches!(failure, Failure::Reset | Failure::Closed) {
                method = Method::GET;
            }
            tokio::time::sleep(self.backoff(retries)).await;
            retries += 1;
            outcome.retries += 1;
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        self.settings.backoff.saturating_mul(2u32.saturating_pow(retry))
    }
}

fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase()
}

pub fn without_fragment(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}
