//! Scanning prose for patterns, outside URLs.
