//! Charts as SVG text, drawn on the server: horizontal bars (grouped or overlaid) and
//! columns with an optional line. No script, font or style from outside: the page works
//! offline and prints. Every text is escaped.
//!
//! Geometry works on integers: a value (fen, a count, a ratio × 100) becomes a length by
//! `value × length / largest` in `i128`, floored. No money is computed here: overlaid bars
//! draw budget, granted and paid each from zero, so no segment is a difference.

use std::fmt::Write as _;

use crate::web::kernel::views::escape;

/// A named, coloured data series.
#[derive(Debug, Clone, Copy)]
pub struct Series {
    pub name: &'static str,
    pub color: &'static str,
}

/// How the values of one row share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One thin bar per series, one under the other.
    Grouped,
    /// Bars drawn from zero on top of each other, the first (widest) at the back, each
    /// later one thinner: budget ▸ granted ▸ paid.
    Overlaid,
}

const WIDTH: i64 = 640;
const LABEL_W: i64 = 150;
const VALUE_W: i64 = 120;
const LEGEND_H: i64 = 24;
const FONT: &str = "font-family=\"'Noto Sans CJK SC','Microsoft YaHei',sans-serif\" font-size=\"12\"";

/// `value × length / largest`, floored, for values clamped to `0..=largest`.
#[must_use]
pub fn scale(value: i64, largest: i64, length: i64) -> i64 {
    if largest <= 0 {
        return 0;
    }
    let v = i128::from(value.clamp(0, largest));
    i64::try_from(v * i128::from(length) / i128::from(largest)).unwrap_or(0)
}

fn open(out: &mut String, title: &str, height: i64) {
    let t = escape(title);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" \
         height=\"{height}\" role=\"img\" aria-label=\"{t}\" {FONT}><title>{t}</title>"
    );
}

fn legend(out: &mut String, series: &[Series]) {
    let mut x = 0;
    for s in series {
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"16\">{}</text>",
            s.color,
            x + 16,
            escape(s.name)
        );
        x += 16 + 14 * i64::try_from(s.name.chars().count()).unwrap_or(4) + 18;
    }
}

/// Horizontal bars: one row per `(label, values)`, one value per series; the value of the
/// first series is written after its bar (the table beside the chart gives all of them).
#[must_use]
pub fn bars(
    title: &str,
    rows: &[(String, Vec<i64>)],
    series: &[Series],
    layout: Layout,
    label: &dyn Fn(i64) -> String,
) -> String {
    let count = i64::try_from(series.len()).unwrap_or(1).max(1);
    let row_h = match layout {
        Layout::Grouped => count * 14 + 10,
        Layout::Overlaid => 30,
    };
    let height = LEGEND_H + i64::try_from(rows.len()).unwrap_or(0) * row_h + 6;
    let largest = rows.iter().flat_map(|(_, v)| v.iter().copied()).max().unwrap_or(0);
    let mut out = String::new();
    open(&mut out, title, height);
    legend(&mut out, series);
    for (i, (name, values)) in rows.iter().enumerate() {
        let top = LEGEND_H + i64::try_from(i).unwrap_or(0) * row_h;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 6,
            top + row_h / 2 + 4,
            escape(name)
        );
        for (index, (value, s)) in values.iter().zip(series).enumerate() {
            let bar = Bar { index: i64::try_from(index).unwrap_or(0), top, value: *value, largest, color: s.color };
            bar.draw(&mut out, layout, label);
        }
    }
    out.push_str("</svg>");
    out
}

/// One bar of a row: the `index`-th series of the row starting at `top`.
struct Bar {
    index: i64,
    top: i64,
    value: i64,
    largest: i64,
    color: &'static str,
}

impl Bar {
    fn draw(&self, out: &mut String, layout: Layout, label: &dyn Fn(i64) -> String) {
        let (y, height) = match layout {
            Layout::Grouped => (self.top + 4 + self.index * 14, 12),
            Layout::Overlaid => (self.top + 3 + self.index * 4, (22 - self.index * 8).max(4)),
        };
        let width = scale(self.value, self.largest, WIDTH - LABEL_W - VALUE_W);
        let _ = write!(
            out,
            "<rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" fill=\"{}\"/>",
            self.color
        );
        // Zeros go unlabelled in groups (the table beside says 0.00); the first bar always speaks.
        if (layout == Layout::Grouped && self.value != 0) || self.index == 0 {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                LABEL_W + width + 4,
                y + height.min(12) - 1,
                escape(&label(self.value))
            );
        }
    }
}

/// A line over the columns, on its own scale from zero to its highest value (drawn in the
/// top band of the chart, over a dashed zero line), every point labelled: a fall from 21.53
/// to 20.33 looks like the 6% it is (issue 16), not like a collapse.
pub struct Line<'a> {
    pub series: Series,
    pub values: Vec<Option<i64>>,
    pub label: &'a dyn Fn(i64) -> String,
}

const COL_H: i64 = 240;
const PLOT_TOP: i64 = LEGEND_H + 10;
const PLOT_BOTTOM: i64 = COL_H - 22;
/// Columns reach at most this far up, so that the line's band and the labels stay clear.
const COL_MAX: i64 = (PLOT_BOTTOM - PLOT_TOP) * 7 / 10;

/// Columns, one per category (a year), with their values above them, and maybe a line.
#[must_use]
pub fn columns(
    title: &str,
    categories: &[String],
    values: &[i64],
    bar: Series,
    line: Option<&Line<'_>>,
    label: &dyn Fn(i64) -> String,
) -> String {
    let n = i64::try_from(categories.len()).unwrap_or(1).max(1);
    let slot = (WIDTH - 20) / n;
    let largest = values.iter().copied().max().unwrap_or(0);
    let mut out = String::new();
    open(&mut out, title, COL_H);
    let mut shown = vec![bar];
    shown.extend(line.map(|l| l.series));
    legend(&mut out, &shown);
    let _ = write!(
        out,
        "<line x1=\"10\" y1=\"{PLOT_BOTTOM}\" x2=\"{}\" y2=\"{PLOT_BOTTOM}\" stroke=\"#9aa5b1\"/>",
        WIDTH - 10
    );
    for (i, (cat, value)) in categories.iter().zip(values).enumerate() {
        let x = 10 + i64::try_from(i).unwrap_or(0) * slot;
        let h = scale(*value, largest, COL_MAX);
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x + slot / 5,
            PLOT_BOTTOM - h,
            slot * 3 / 5,
            bar.color,
            x + slot / 2,
            PLOT_BOTTOM - h - 4,
            escape(&label(*value)),
            x + slot / 2,
            PLOT_BOTTOM + 16,
            escape(cat)
        );
    }
    if let Some(l) = line {
        draw_line(&mut out, l, slot);
    }
    out.push_str("</svg>");
    out
}

/// The line's points `(x, y, value)`: `y` from the band's bottom (zero) up to its top (the
/// highest value).
fn points(line: &Line<'_>, slot: i64, band: i64) -> Vec<(i64, i64, i64)> {
    let high = line.values.iter().flatten().copied().max().unwrap_or(0);
    line.values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let v = (*v)?;
            let x = 10 + i64::try_from(i).unwrap_or(0) * slot + slot / 2;
            Some((x, PLOT_TOP + 12 + band - scale(v, high, band), v))
        })
        .collect()
}

fn draw_line(out: &mut String, line: &Line<'_>, slot: i64) {
    let band = PLOT_BOTTOM - PLOT_TOP - COL_MAX - 34;
    let zero = PLOT_TOP + 12 + band;
    let _ = write!(
        out,
        "<line x1=\"10\" y1=\"{zero}\" x2=\"{}\" y2=\"{zero}\" stroke=\"{}\" stroke-dasharray=\"2,3\"/>",
        WIDTH - 10,
        line.series.color
    );
    let points = points(line, slot, band);
    let path: Vec<String> = points.iter().map(|(x, y, _)| format!("{x},{y}")).collect();
    let _ = write!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
        path.join(" "),
        line.series.color
    );
    for (x, y, v) in points {
        let _ = write!(
            out,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"{}\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{}\">{}</text>",
            line.series.color,
            y - 6,
            line.series.color,
            escape(&(line.label)(v))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_proportional_floored_and_clamped() {
        for (v, largest, len, want) in
            [(5, 10, 350, 175), (1, 3, 100, 33), (-4, 10, 100, 0), (20, 10, 100, 100), (7, 0, 100, 0)]
        {
            assert_eq!(scale(v, largest, len), want, "{v}/{largest}");
        }
        assert_eq!(scale(i64::MAX, i64::MAX, 350), 350, "no overflow at the extreme");
    }

    #[test]
    fn text_is_escaped_and_nothing_is_fetched_from_outside() {
        let s = [Series { name: "<b>预算</b>", color: "#ccc" }];
        let svg =
            bars("团场 & <script>", &[("<img src=x>".into(), vec![3])], &s, Layout::Grouped, &|v| v.to_string());
        assert!(svg.contains("&lt;img src=x&gt;") && svg.contains("团场 &amp; &lt;script&gt;"), "{svg}");
        assert!(!svg.contains("<script") && !svg.contains("<img") && !svg.contains("href"), "{svg}");
        let line = Line {
            series: Series { name: "倍数", color: "#333" },
            values: vec![Some(2080), None],
            label: &|v| v.to_string(),
        };
        let svg = columns("年", &["2017".into(), "2018".into()], &[5, 10], s[0], Some(&line), &|v| v.to_string());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>") && svg.contains("<polyline"), "{svg}");
    }

    /// Issue 16: the line starts at zero, so 21.53 → 20.33 moves 6% of its band, not all of it.
    #[test]
    fn the_line_is_drawn_from_zero() {
        let line = Line {
            series: Series { name: "倍数", color: "#333" },
            values: vec![Some(2153), Some(2033)],
            label: &|v| v.to_string(),
        };
        let band = 100;
        let p = points(&line, 100, band);
        assert_eq!(p[0].1, PLOT_TOP + 12, "the highest value is at the band's top");
        let drop = p[1].1 - p[0].1;
        assert!(drop > 0 && drop <= band * 6 / 100, "a 5.6% fall moves {drop} of {band}");
    }
}
