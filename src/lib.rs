//! govpress core: the rules of 《互联网政务应用安全管理规定》 as pure functions.
//!
//! Text in, typed results out: no file system, network, threads or clock. The CLI and the
//! WebAssembly facade read files, keep time and print; this crate only decides.

pub mod archive;
pub mod assessment;
pub mod audit;
pub mod checker;
pub mod config;
pub mod diagnostic;
pub mod disclosure;
pub mod files;
pub mod front_matter;
pub mod headers;
pub mod history;
pub mod hosts;
pub mod html_depth;
pub mod html_scan;
pub mod leave_site;
pub mod normalise;
pub mod page;
pub mod platform;
pub mod redaction;
pub mod render;
pub mod report;
pub mod review;
pub mod rules;
pub mod search;
pub mod site;
pub mod source;
pub mod static_files;
pub mod terms;
pub mod text_scan;
pub mod time;
pub mod url_judge;

pub use checker::{Checker, PageOutcome, PageSummary};
pub use config::{ConfigError, SiteConfig, TermsError};
pub use diagnostic::{Diagnostic, Lang, Part, Position, Severity, Text};
pub use report::Report;
