//! The hostile-input suite end to end (issue 10): `govpress build` on small sites that try a side
//! door, each test failing before its fix. One module per concern; the core's attacks are in the
//! core's `tests/hostile/`.

#[path = "../common/mod.rs"]
mod common;

mod support;

/// Files that reach the output without being Markdown: static HTML, SVG, template overrides (items 2, 7).
mod side_doors;

/// Raw-HTML URL spellings that browsers resolve differently (item 3).
mod urls;

/// Hostile files: size limit, NUL bytes, FIFOs, absolute and Windows paths, a 10 MB line, page tricks (issue 15).
mod inputs;
