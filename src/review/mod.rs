//! Review sign-off (第十三条) with national cryptography (第十七条): the roster of reviewers, signed
//! records chained into an append-only archive, and each page's sign-off state.
//!
//! Pure like the rest of the core: text and bytes in, typed results out. Keys are generated and files
//! are read, locked and appended by the CLI. Signing here is deterministic and needs no random source.

pub mod crypto;
pub mod evaluate;
pub mod log;
pub mod record;
pub mod report;
pub mod roster;
pub mod site;
pub mod state;
pub mod trust;

#[cfg(test)]
mod tamper_tests;

pub use crypto::{sm3_hex, KeyError, PrivateKey, PublicKeyPem, DISTID};
pub use evaluate::{KeptReview, PageReview, ReviewInputs, SiteReview};
pub use log::{check_signatures_of_lines, Broken, CheckedSignature, ReviewLog, SignatureMemo, VerifiedLog};
pub use record::{ChainTip, Decision, Draft, PageDigest, Record, SequenceOverflow, GENESIS};
pub use report::{audit, audit_sequential, AuditReport, StatusReport};
pub use roster::{Refusal, Reviewer, Roster, RosterError};
pub use site::{PageFacts, INTEGRITY_RULES, RULES};
pub use state::{Approval, PageState};
pub use trust::{certificate_file, certify, parse_trust_root, verify_certified, Certificate};

/// A page's sign-off, as the suggested API names it.
pub type SignOff = PageState;
