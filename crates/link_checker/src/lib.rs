//! The engine of `govpress links` (第十五条: 定期检查链接的有效性和适用性，及时处置异常链接).
//!
//! Bounded and polite: global and per-host concurrency, a per-host interval between requests,
//! connect and request timeouts, retries with exponential backoff (for 5xx, resets and timeouts
//! too), `429 Retry-After` honoured up to a cap, `HEAD` falling back to `GET`, redirects followed
//! by hand with true loop detection, and a deadline for the whole run. It knows URLs, not sites:
//! the CLI collects links and turns outcomes into diagnostics.

pub mod cache;
pub mod client;
pub mod engine;
mod gates;
pub mod outcome;
pub mod settings;

#[cfg(feature = "fault-server")]
pub mod fault_server;

pub use engine::{check_all, check_blocking, EngineError, Job, OnDone};
pub use outcome::{ContentClass, Failure, Outcome, RateLimitEnd, Verdict};
pub use settings::{HostLimits, Settings};
