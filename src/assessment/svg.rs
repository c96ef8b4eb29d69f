//! Inline SVG charts for the compliance report: bars per month and lines over days. Plain SVG written
//! here rather than a plotting crate: the report needs two chart shapes, the text must be Chinese (a
//! plotting crate lays text out with font files it would read at run time, which the core cannot), and
//! the markup stays small, deterministic and printable. Every chart has a `<title>` and a `<desc>`.

use std::fmt::Write as _;

use chrono::NaiveDate;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 44.0;

/// Colours distinguishable in print and for the common colour-vision deficiencies.
pub const PALETTE: [&str; 8] = ["#1f5fa8", "#c0392b", "#2e8540", "#b35c00", "#6a3d9a", "#117a8b", "#7f6000", "#a61e4d"];

/// One line of a line chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub points: Vec<(NaiveDate, f64)>,
}

/// Text for HTML and SVG content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(character),
        }
    }
    out
}

/// The axis top: four gridline steps of a round whole number (1, 2, 3, 4, 5, 6 or 8 × 10ⁿ), the
/// smallest that reaches `value` (at least 4), so counts read as whole numbers.
fn nice_max(value: f64) -> f64 {
    let wanted = (value / 4.0).max(1.0);
    let magnitude = 10f64.powf(wanted.log10().floor());
    for step in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * magnitude >= wanted {
            return 4.0 * step * magnitude;
        }
    }
    40.0 * magnitude
}

fn number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        format!("{value:.1}")
    }
}

fn open(out: &mut String, title: &str, description: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" role=\"img\">\
         <title>{}</title><desc>{}</desc>",
        escape(title),
        escape(description)
    );
}

/// Horizontal grid lines and their values; returns the y of a value.
fn axis(out: &mut String, max: f64) -> impl Fn(f64) -> f64 {
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y = move |value: f64| TOP + plot_height * (1.0 - value / max);
    for step in 0..=4 {
        let value = max * f64::from(step) / 4.0;
        let at = y(value);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{at:.1}\" x2=\"{:.1}\" y2=\"{at:.1}\" stroke=\"#d0d4da\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" fill=\"#444\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            at + 4.0,
            number(value)
        );
    }
    y
}

/// A bar per label (months), the value over each bar.
pub fn bar_chart(title: &str, description: &str, labels: &[String], values: &[usize]) -> String {
    let mut out = String::new();
    open(&mut out, title, description);
    let max = nice_max(values.iter().copied().max().unwrap_or(0) as f64);
    let y = axis(&mut out, max);
    let slots = labels.len().max(1) as f64;
    let slot = (WIDTH - LEFT - RIGHT) / slots;
    for (index, (label, value)) in labels.iter().zip(values).enumerate() {
        let x = LEFT + slot * index as f64;
        let top = y(*value as f64);
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {value}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#222\">{value}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">{}</text>",
            x + slot * 0.15,
            slot * 0.7,
            (y(0.0) - top).max(0.0),
            PALETTE[0],
            escape(label),
            x + slot / 2.0,
            top - 4.0,
            x + slot / 2.0,
            HEIGHT - BOTTOM + 16.0,
            escape(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Lines over the days from `start` to `end`, a legend below; a single point is drawn as a dot.
pub fn line_chart(title: &str, description: &str, start: NaiveDate, end: NaiveDate, series: &[Series<'_>]) -> String {
    let mut out = String::new();
    open(&mut out, title, description);
    let max = nice_max(series.iter().flat_map(|line| line.points.iter().map(|(_, value)| *value)).fold(0.0, f64::max));
    let y = axis(&mut out, max);
    let span = (end - start).num_days().max(1) as f64;
    let x = |day: NaiveDate| LEFT + (WIDTH - LEFT - RIGHT) * ((day - start).num_days() as f64 / span).clamp(0.0, 1.0);
    // Date labels: the start, the end and three between.
    for step in 0..=4 {
        let day = start + chrono::Duration::days((span * f64::from(step) / 4.0).round() as i64);
        let anchor = match step {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#444\">{}</text>",
            x(day),
            HEIGHT - BOTTOM + 16.0,
            day.format("%Y-%m-%d")
        );
    }
    let mut legend_x = LEFT;
    for line in series {
        let points: Vec<String> =
            line.points.iter().map(|(day, value)| format!("{:.1},{:.1}", x(*day), y(*value))).collect();
        if points.len() == 1 {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"/>",
                x(line.points[0].0),
                y(line.points[0].1),
                line.color
            );
        } else if !points.is_empty() {
            let _ = write!(
                out,
                "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
                line.color,
                points.join(" ")
            );
        }
        let _ = write!(
            out,
            "<rect x=\"{legend_x:.1}\" y=\"{:.1}\" width=\"12\" height=\"4\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#222\">{}</text>",
            HEIGHT - 14.0,
            line.color,
            legend_x + 16.0,
            HEIGHT - 9.0,
            escape(line.name)
        );
        legend_x += 24.0 + 7.0 * line.name.chars().map(|c| if c.is_ascii() { 1.0 } else { 1.8 }).sum::<f64>();
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_read_in_round_numbers() {
        assert_eq!(nice_max(0.0), 4.0);
        assert_eq!(nice_max(7.0), 8.0);
        assert_eq!(nice_max(21.0), 24.0);
        assert_eq!(nice_max(240.0), 240.0);
        assert_eq!(nice_max(241.0), 320.0);
    }

    #[test]
    fn charts_are_svg_with_escaped_text() {
        let bars = bar_chart("每月页面", "<desc>", &["2026-01".into(), "2026-02".into()], &[3, 0]);
        assert!(bars.starts_with("<svg") && bars.ends_with("</svg>"));
        assert!(bars.contains("&lt;desc&gt;") && bars.contains("<title>每月页面</title>"));
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let lines = line_chart(
            "t",
            "d",
            day(1),
            day(31),
            &[Series { name: "第十三条", color: PALETTE[0], points: vec![(day(1), 2.0), (day(2), 4.0)] }],
        );
        assert!(lines.contains("<polyline") && lines.contains("第十三条"));
    }
}
