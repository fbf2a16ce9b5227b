//! The applicant's columns (docs/workbook.md) as tiexi writes them, in the blank template and
//! in the workbook sent back with its errors: headers with their units, the number format
//! of each column, and an imported cell `Value` written back as what it was (numbers as
//! numbers, dates as dates, text as text), so that the file imports again unchanged.

use rust_xlsxwriter::{ColNum, Format, RowNum, Worksheet, XlsxError};

use super::sheet::{self, DATE, MONEY, TEXT};
use crate::import::cells::Value;
use crate::import::columns::{Column, Kind};

/// The header as the template writes it: the canonical name and, where docs/workbook.md gives
/// the value a unit, the unit (`贷款金额（元）`, `年利率（%）`).
// Deliberately like export/template.rs `list`: the match lists every Kind, so that a new Kind must be decided in both.
#[must_use]
pub fn header(column: &Column) -> String {
    match column.kind {
        Kind::Money => format!("{}（元）", column.header),
        Kind::Percent => format!("{}（%）", column.header),
        Kind::Text
        | Kind::Code
        | Kind::IdNumber
        | Kind::CreditCode
        | Kind::Account
        | Kind::Phone
        | Kind::ApplicantType
        | Kind::YesNo
        | Kind::Count
        | Kind::Date
        | Kind::Number
        | Kind::EventKind => column.header.to_string(),
    }
}

/// The number format of a column: text for identifiers (docs/hazards.md: an 18-digit number
/// loses digits), dates, amounts.
#[must_use]
pub fn number_format(column: &Column) -> Option<&'static str> {
    match column.kind {
        Kind::Code | Kind::IdNumber | Kind::CreditCode | Kind::Account | Kind::Phone => Some(TEXT),
        Kind::Date => Some(DATE),
        Kind::Money => Some(MONEY),
        Kind::Text
        | Kind::ApplicantType
        | Kind::YesNo
        | Kind::Count
        | Kind::Percent
        | Kind::Number
        | Kind::EventKind => None,
    }
}

/// The formats a cell of the applicant's workbook can need, all on one base (plain, or
/// marked red for a cell with an error).
#[derive(Debug, Clone)]
pub struct CellFormats {
    general: Format,
    text: Format,
    date: Format,
    money: Format,
}

impl CellFormats {
    #[must_use]
    pub fn new(base: &Format) -> CellFormats {
        CellFormats {
            general: base.clone(),
            text: base.clone().set_num_format(TEXT),
            date: base.clone().set_num_format(DATE),
            money: base.clone().set_num_format(MONEY),
        }
    }

    /// The format for a value in a column of the given number format.
    #[must_use]
    pub fn of(&self, value: &Value, column: Option<&str>) -> &Format {
        match (value, column) {
            (Value::Date(_), _) => &self.date,
            (Value::Text(_) | Value::Empty, Some(TEXT)) => &self.text,
            (Value::Number(_), Some(MONEY)) => &self.money,
            _ => &self.general,
        }
    }
}

/// Write an imported cell back as the kind of cell it was. An error cell (`#N/A`) becomes
/// its text: Excel files cannot be given an error value without a formula.
///
/// # Errors
/// From the writer, or a number beyond what Excel can hold.
pub fn write(sheet: &mut Worksheet, row: RowNum, col: ColNum, value: &Value, format: &Format) -> Result<(), XlsxError> {
    match value {
        Value::Empty => {}
        Value::Text(s) | Value::Error(s) => sheet::text(sheet, row, col, s, format)?,
        Value::Formula(_) => sheet::text(sheet, row, col, &value.shown(), format)?,
        Value::Number(n) => {
            sheet.write_with_format(row, col, *n, format)?;
        }
        Value::Date(d) => {
            sheet.write_date_with_format(row, col, d, format)?;
        }
        Value::Bool(b) => {
            sheet.write_boolean_with_format(row, col, *b, format)?;
        }
    }
    Ok(())
}

/// The width a value takes on screen, for the column width.
#[must_use]
pub fn width(value: &Value) -> usize {
    match value {
        Value::Date(_) => 10,
        other => sheet::display_width(&other.shown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::columns::{find, Key, EVENTS, LOANS};

    /// The template's headers, units and all, are read back as the same columns.
    #[test]
    fn every_template_header_is_found_again_by_the_importer() {
        for sheet in [LOANS, EVENTS] {
            for c in sheet {
                assert_eq!(find(sheet, &header(c)).map(|f| f.id), Some(c.id), "{}", header(c));
            }
        }
        assert_eq!(header(Key::Principal.column()), "贷款金额（元）");
        assert_eq!(number_format(Key::PayeeAccount.column()), Some(TEXT));
        assert_eq!(number_format(Key::ContractNo.column()), Some(TEXT));
    }
}
