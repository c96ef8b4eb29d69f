//! Rebuild the binary when the embedded demo portal changes (`govpress serve` without a site).

fn main() {
    for path in [
        "../examples/portal/content",
        "../examples/portal/static",
        "../examples/portal/govpress.toml",
        "../examples/portal/reviewers.toml",
        "../examples/portal/reviews",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
}
