//! Exit codes (SPEC §5): 0 no errors, 1 rule errors, 2 usage, config or I/O error.

pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;
