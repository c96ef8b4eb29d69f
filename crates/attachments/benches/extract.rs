//! What reading attachments adds to a build: a 公示名单 of 5,000 rows (xlsx), a 50-page PDF and a
//! 2,000-paragraph docx, extracted and judged by the page text rules (`attachments::check`).
//! `cargo bench -p govpress-attachments --bench extract`

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{criterion_group, criterion_main, Criterion};

fn workbook(rows: u32) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("公示").unwrap();
    for row in 0..rows {
        sheet.write_number(row, 0, row).unwrap();
        sheet.write_string(row, 1, "张三").unwrap();
        sheet.write_string(row, 2, "110105********0015").unwrap();
        sheet.write_string(row, 3, format!("139****{:04}", row % 10_000)).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

fn document(paragraphs: usize) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run};
    let mut docx = Docx::new();
    for index in 0..paragraphs {
        let text = format!("第{index}条 根据区政办〔2024〕3号文件，现将有关事项公告如下，咨询电话 0591-87654321。");
        docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut out).unwrap();
    out.into_inner()
}

fn bench(criterion: &mut Criterion) {
    let limits = attachments::Limits::new(16 << 20);
    let xlsx = workbook(5_000);
    let page = "拟录用人员名单公示\n单位统一社会信用代码：11350100MB0123456X\n".repeat(20);
    let pages: Vec<support::PdfPage<'_>> = (0..50).map(|_| support::PdfPage::Cid(&page)).collect();
    let pdf = support::pdf(&pages);
    let docx = document(2_000);
    let mut group = criterion.benchmark_group("attachments");
    group.sample_size(10);
    group.bench_function("xlsx 5000 rows", |bench| bench.iter(|| attachments::check("a.xlsx", &xlsx, "a", limits)));
    group.bench_function("pdf 50 pages", |bench| bench.iter(|| attachments::check("a.pdf", &pdf, "a", limits)));
    group.bench_function("docx 2000 paragraphs", |bench| {
        bench.iter(|| attachments::check("a.docx", &docx, "a", limits))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
