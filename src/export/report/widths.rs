//! Column widths that fit the page (issue 16): each column's natural and least width as the
//! tables measured them, fitted to A4 landscape by narrowing the text columns that wrap,
//! never the numbers.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// The printable width of A4 landscape with 0.3 inch margins, in tenths of a pixel at 96
/// dpi, less a little for safety. A column of width `w` prints `7.4w + 5.3` pixels wide
/// (Arial 10's digit and the cell's padding, as `LibreOffice` measured it; Excel's 7w + 5 is
/// narrower), so the widths are budgeted for the wider of the two.
const PAGE_TENTHS: usize = 10_400;

/// The column units of a page with `n` columns.
fn budget(n: usize) -> usize {
    PAGE_TENTHS.saturating_sub(53 * n) / 74
}

/// A column's width as a table measured it: its widest cell, its narrowest acceptable width
/// and whether its text may wrap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Width {
    pub natural: usize,
    pub least: usize,
    pub wraps: bool,
}

/// Set the columns' widths (as `fit` chose them).
///
/// # Errors
/// From the writer.
pub(crate) fn set_widths(sheet: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (col, w) in (0..).zip(widths) {
        sheet.set_column_width(col, u16::try_from(*w).unwrap_or(10))?;
    }
    Ok(())
}

/// The widths that make the table fit the page: natural widths when they fit, else the
/// wrapping columns narrowed evenly, never below their least width (units, with a unit of
/// padding each).
#[must_use]
pub(crate) fn fit(widths: &[Width]) -> Vec<usize> {
    let budget = budget(widths.len());
    let mut out: Vec<usize> = widths.iter().map(|w| w.natural.max(w.least) + 1).collect();
    // Narrow the widest wrapping column, one unit at a time, until the table fits.
    while out.iter().sum::<usize>() > budget {
        let widest =
            (0..widths.len()).filter(|i| widths[*i].wraps && out[*i] > widths[*i].least + 1).max_by_key(|i| out[*i]);
        match widest {
            Some(i) => out[i] -= 1,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_tables_narrow_their_text_columns_and_keep_their_numbers() {
        let number = Width { natural: 13, least: 13, wraps: false };
        let text = Width { natural: 28, least: 6, wraps: true };
        let narrow = fit(&[number, text]);
        assert_eq!(narrow, [14, 29], "a table that fits keeps its widths");
        let wide = fit(&[number; 6].into_iter().chain([text; 4]).collect::<Vec<_>>());
        assert!(wide.iter().sum::<usize>() <= budget(10), "{wide:?}");
        assert!(wide[..6].iter().all(|w| *w == 14), "numbers keep their width: {wide:?}");
        assert!(wide[6..].iter().all(|w| *w >= 7 && *w < 29), "text gives way: {wide:?}");
    }
}
