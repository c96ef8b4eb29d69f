//! Writes the binary attachments of the shared corpus (`tests/corpus/attachments/`), with the same
//! maintained writers the tests use: `cargo run -p govpress-attachments --example corpus_fixtures`.
//! Their `*.expected.json` files are written by hand.

#[path = "../tests/support/mod.rs"]
mod support;

use support::PdfPage;

fn main() -> std::io::Result<()> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/attachments");
    std::fs::create_dir_all(&corpus)?;
    let files: [(&str, Vec<u8>); 6] = [
        ("list.xlsx", support::xlsx_list()),
        ("codes-and-numbers.xlsx", support::xlsx_look_alikes()),
        ("notice.docx", support::docx_notice()),
        ("list.pdf", support::pdf_list()),
        ("scanned.pdf", support::pdf(&[PdfPage::Scan])),
        ("corrupt.xlsx", support::xlsx_list()[..600].to_vec()),
    ];
    for (name, bytes) in files {
        std::fs::write(corpus.join(name), bytes)?;
        println!("tests/corpus/attachments/{name}");
    }
    Ok(())
}
