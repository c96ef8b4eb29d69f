//! Embeds a compact Public Suffix List: the vendored file without its comments and blank lines
//! (about half its size), keeping the ICANN/PRIVATE section markers the parser reads. Every rule
//! line is kept, in order, so the list means exactly what the vendored file means.

use std::path::PathBuf;

const SOURCE: &str = "src/data/public_suffix_list.dat";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    let full = std::fs::read_to_string(SOURCE).expect("the vendored Public Suffix List is readable");
    let compact: String =
        full.lines().map(str::trim_end).filter(|line| is_rule_or_marker(line)).flat_map(|line| [line, "\n"]).collect();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("public_suffix_list.dat");
    std::fs::write(out, compact).expect("OUT_DIR is writable");
}

/// Rules, and the `// ===BEGIN ICANN DOMAINS===`-style markers that tell ICANN from PRIVATE entries.
fn is_rule_or_marker(line: &str) -> bool {
    let line = line.trim_start();
    !line.is_empty() && (!line.starts_with("//") || line.contains("===BEGIN ") || line.contains("===END "))
}
