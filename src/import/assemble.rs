//! The sheets of a workbook → `Parsed` (workbook.md): the Loans sheet's rows grouped into
//! projects, the Events sheet's events attached to their loans, and every project with
//! a problem left out whole.

use std::collections::{HashMap, HashSet};

use super::columns::LOAN_COLUMNS;
use super::events::{self, LoanIndex};
use super::header::{self, Header};
use super::projects::{self, Group, Sink};
use super::rows::{self, LoanRow};
use super::sheet::Grid;
use super::{ImportError, Options, Parsed, RowError};
use crate::engine::{Event, Project};

/// Read the Loans sheet and the Events sheet of a workbook.
///
/// # Errors
/// `NoSheet` when the workbook has no sheet at all.
pub fn from_grids(grids: &[Grid], options: &Options) -> Result<Parsed, ImportError> {
    let loans_at = header::loans_sheet(grids).ok_or(ImportError::NoSheet)?;
    let grid = &grids[loans_at];
    let header = match header::locate(grid, LOAN_COLUMNS, 4) {
        Ok(h) => h,
        Err(e) => return Ok(Parsed { errors: vec![e], ..Parsed::default() }),
    };
    let (mut errors, absent) = header_problems(grid, &header, options.require_union_member);
    let sheet_failed = !errors.is_empty();
    let groups = projects::group(data_rows(grid, &header, &mut errors));
    let mut sink = Sink { sheet: &grid.name, header: &header, errors: &mut errors, absent };
    let built: Vec<Option<Project>> = groups.iter().map(|g| projects::build(g, options, &mut sink)).collect();
    let mut read =
        header::events_sheet(grids, loans_at).map(|at| events::read(&grids[at], &mut errors)).unwrap_or_default();
    let by_contract = events::attach(&mut read, &index(&groups), &mut errors);
    let trusted = !sheet_failed && !read.failed;
    let mut parsed = finish(groups, built, &by_contract, &read.touched, trusted);
    let order: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
    errors.sort_by_key(|e| (order.iter().position(|n| *n == e.sheet), e.row));
    parsed.errors = errors;
    Ok(parsed)
}

/// The sheet-level problems of the Loans sheet's header, and the keys of the columns it
/// lacks (reported once here, never again per row).
fn header_problems(grid: &Grid, header: &Header, require_members: bool) -> (Vec<RowError>, Vec<&'static str>) {
    let mut errors = header::problems(grid, header, LOAN_COLUMNS);
    let mut absent: Vec<&'static str> =
        LOAN_COLUMNS.iter().filter(|c| c.required && header.slot(c.key).is_none()).map(|c| c.key).collect();
    // workbook.md: a blank 是否工会会员 is an error where the round requires members, so a
    // sheet without the column is one error, not one per project.
    if require_members && header.slot("union_member").is_none() {
        let column = rows::column("union_member");
        errors.push(header::missing_column(grid, header.row + 1, column));
        absent.push("union_member");
    }
    (errors, absent)
}

/// Every contract number of the Loans sheet, also on rows with problems, so that their
/// events are not reported as belonging to no loan.
fn index(groups: &[Group]) -> LoanIndex {
    let mut index = LoanIndex::default();
    for row in groups.iter().flat_map(|g| &g.rows) {
        let found = row.found("contract_no").replace(char::is_whitespace, "");
        let no = row.loan.contract_no.clone().or((!found.is_empty()).then_some(found));
        if let Some(no) = no {
            index.add(&no, row.loan.principal);
        }
    }
    index
}

/// The data rows below the header: empty rows, totals rows (合计, 总计, 小计) and repeats
/// of the header skipped (workbook.md "Reading values").
fn data_rows(grid: &Grid, header: &Header, errors: &mut Vec<RowError>) -> Vec<LoanRow> {
    grid.rows
        .range(header.row + 1..)
        .filter(|(_, cells)| {
            !rows::is_empty(cells, header) && !rows::is_total(cells) && !header.repeated_in(cells, LOAN_COLUMNS)
        })
        .map(|(&row, _)| rows::read(grid, header, row, errors))
        .collect()
}

/// Attach events, and leave out every project with a problem (workbook.md "Errors").
/// When a sheet itself could not be read (`trusted` false), every project is left out.
fn finish(
    groups: Vec<Group>,
    built: Vec<Option<Project>>,
    events: &HashMap<String, Vec<Event>>,
    touched: &[String],
    trusted: bool,
) -> Parsed {
    let touched: HashSet<&str> = touched.iter().map(String::as_str).collect();
    let mut parsed = Parsed::default();
    for (_, project) in groups.into_iter().zip(built) {
        let clean = project.filter(|p| trusted && !p.loans.iter().any(|l| touched.contains(l.contract_no.as_str())));
        match clean {
            None => parsed.rejected += 1,
            Some(mut p) => {
                for loan in &mut p.loans {
                    loan.events = events.get(&loan.contract_no).cloned().unwrap_or_default();
                }
                parsed.projects.push(p);
            }
        }
    }
    parsed
}
