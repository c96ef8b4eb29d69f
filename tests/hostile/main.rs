//! The hostile-input suite (issue 10): one test per attack that got through, each failing before
//! its fix. One module per concern; add a module for a new concern rather than growing another's.
//! The CLI's end-to-end attacks (static files, templates) are in `cli/tests/hostile/`.

mod support;

/// Raw-HTML URL spellings that browsers resolve differently from a naive parser (item 3).
mod urls;

/// The build's HTML pass on hostile documents: static HTML, template output, SVG (items 2, 7).
mod html_pass;

/// Script-capable URLs in every spelling, gov.cn imitations, NUL bytes, huge tables, a 10 MB line (issue 15).
mod inputs;
