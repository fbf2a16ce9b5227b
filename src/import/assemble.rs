//! The sheets of a workbook → `Parsed` (docs/workbook.md): the Loans sheet's rows grouped into
//! projects, the Events sheet's events attached to their loans, and every project with
//! a problem left out whole.

use std::collections::HashSet;

mod built;

use built::LoanRows;

use super::cells::{Calendar, Value};
use super::columns::{Key, LOANS};
use super::events::{self, ByContract, Events, LoanIndex};
use super::header::{self, Header};
use super::projects::Grouping;
use super::rows;
use super::sheet::Grid;
use super::{ImportError, Options, Parsed, Payee, RowError};
use crate::engine::{Event, Project};

/// Read the Loans sheet and the Events sheet of a workbook.
///
/// # Errors
/// `NoSheet` when the workbook has no sheet at all.
pub fn from_grids(grids: &[Grid], options: &Options) -> Result<Parsed, ImportError> {
    let names = grids.iter().map(|g| g.name.clone()).collect();
    let mut book = Book::new(names, options, |at| header::has_loans_header(&grids[at].head()))?;
    for (at, grid) in grids.iter().enumerate() {
        if !book.wants(at) {
            continue;
        }
        book.sheet(at, grid.is_1904);
        for (&row, cells) in &grid.rows {
            book.row(row, cells);
        }
        book.end_sheet();
    }
    Ok(book.finish())
}

/// A workbook read sheet by sheet and row by row, as a streaming reader hands them over
/// (`sheet`, its rows in order, `end_sheet`; then `finish`). Which sheet is the Loans
/// sheet and which the Events sheet is chosen first, from their names and first rows.
pub struct Book<'a> {
    options: &'a Options,
    names: Vec<String>,
    loans_at: usize,
    events_at: Option<usize>,
    /// The sheet being fed.
    current: Option<usize>,
    loans: Loans,
    events: Option<events::Sheet>,
    read_events: Option<Events>,
    /// The index of the Loans sheet's contracts once its build has made it, and the events
    /// attached to them so far.
    index: Option<LoanIndex>,
    by_contract: ByContract,
    errors: Vec<RowError>,
    /// The text above the Loans sheet's header (its title, e.g. `2024年度…申报汇总表`).
    title: String,
}

/// The Loans sheet as far as it has been read.
enum Loans {
    /// Its first rows, until the header is known.
    Head(Vec<(u32, Vec<Value>)>, Calendar),
    /// No header row: that is the one error of the workbook.
    NoHeader(RowError),
    Rows(LoanRows),
}

impl<'a> Book<'a> {
    /// A book of sheets with these names, in workbook order.
    ///
    /// # Errors
    /// `NoSheet` when there is no sheet at all.
    pub fn new(
        names: Vec<String>,
        options: &'a Options,
        has_loans_header: impl FnMut(usize) -> bool,
    ) -> Result<Book<'a>, ImportError> {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let loans_at = header::choose_loans_sheet(&refs, has_loans_header).ok_or(ImportError::NoSheet)?;
        let events_at = header::choose_events_sheet(&refs, loans_at);
        let loans = Loans::Head(Vec::new(), Calendar::default());
        let (current, events, read_events, errors) = (None, None, None, Vec::new());
        let (index, by_contract, title) = (None, ByContract::default(), String::new());
        Ok(Book {
            options,
            names,
            loans_at,
            events_at,
            current,
            loans,
            events,
            read_events,
            index,
            by_contract,
            errors,
            title,
        })
    }

    /// Whether the rows of the sheet at `at` are read (the others are not looked at).
    #[must_use]
    pub fn wants(&self, at: usize) -> bool {
        at == self.loans_at || Some(at) == self.events_at
    }

    /// The rows that follow are those of the sheet at `at`, whose serial days count from
    /// 1904 when `is_1904`.
    pub fn sheet(&mut self, at: usize, is_1904: bool) {
        self.current = Some(at);
        let calendar = Calendar { is_1904, round: self.options.round_years() };
        if Some(at) == self.events_at {
            self.events = Some(events::Sheet::new(&self.names[at], calendar));
        } else if let (true, Loans::Head(_, cal)) = (at == self.loans_at, &mut self.loans) {
            *cal = calendar;
        }
    }

    /// The next row with content (0-based index) of the current sheet.
    pub fn row(&mut self, row: u32, cells: &[Value]) {
        match self.current {
            Some(at) if at == self.loans_at => self.loans_row(row, cells),
            Some(_) => {
                if let Some(sheet) = &mut self.events {
                    sheet.row(row, cells, &mut self.errors);
                }
                self.attach_read();
            }
            None => {}
        }
    }

    /// The current sheet has no more rows.
    pub fn end_sheet(&mut self) {
        if self.current == Some(self.loans_at) {
            self.locate_loans();
            if let Loans::Rows(r) = &mut self.loans {
                r.end(&self.names[self.loans_at], self.options);
            }
        }
        if let Some(sheet) = self.events.take() {
            self.read_events = Some(sheet.end(&mut self.errors));
        }
        self.current = None;
    }

    /// Attach the Events sheet's rows read so far, once the build of the Loans sheet has
    /// made the index of its contracts: here, beside the reading, rather than after it
    /// (docs/ARCHITECTURE.md "The parse child").
    fn attach_read(&mut self) {
        if self.index.is_none() {
            if let Loans::Rows(LoanRows { building: Some(building), .. }) = &self.loans {
                self.index = building.try_index();
            }
        }
        if let (Some(index), Some(sheet)) = (&self.index, &mut self.events) {
            sheet.attach(&mut self.by_contract, index, &mut self.errors);
        }
    }

    fn loans_row(&mut self, row: u32, cells: &[Value]) {
        if let Loans::Head(head, _) = &mut self.loans {
            if row < header::HEADER_SEARCH_ROWS {
                head.push((row, cells.to_vec()));
                return;
            }
            self.locate_loans();
        }
        self.loans_body(row, cells);
    }

    /// The header among the first rows of the Loans sheet, then the rows below it there.
    fn locate_loans(&mut self) {
        let Loans::Head(head, calendar) = &mut self.loans else { return };
        let (head, calendar) = (std::mem::take(head), *calendar);
        let sheet = &self.names[self.loans_at];
        let refs: Vec<(u32, &[Value])> = head.iter().map(|(r, c)| (*r, c.as_slice())).collect();
        self.loans = match header::locate_in(sheet, &refs, LOANS, 4) {
            Err(e) => Loans::NoHeader(e),
            Ok(header) => {
                self.title = head
                    .iter()
                    .filter(|(row, _)| *row < header.row)
                    .flat_map(|(_, cells)| cells.iter().filter_map(super::cells::text))
                    .collect::<Vec<_>>()
                    .join(" ");
                let (errors, absent) = header_problems(sheet, &header, self.options.require_union_member);
                let sheet_failed = !errors.is_empty();
                self.errors.extend(errors);
                Loans::Rows(LoanRows {
                    header,
                    calendar,
                    sheet_failed,
                    absent,
                    grouping: Grouping::default(),
                    building: None,
                })
            }
        };
        for (row, cells) in head {
            self.loans_body(row, &cells);
        }
    }

    /// docs/workbook.md "Reading values": empty rows, totals rows (合计, 总计, 小计) and repeats of
    /// the header are skipped.
    fn loans_body(&mut self, row: u32, cells: &[Value]) {
        let Loans::Rows(r) = &mut self.loans else { return };
        let header = &r.header;
        if row <= header.row
            || rows::is_empty(cells, header)
            || rows::is_total(cells)
            || header.repeated_in(cells, LOANS)
        {
            return;
        }
        let sheet = rows::Sheet { name: &self.names[self.loans_at], calendar: r.calendar };
        r.grouping.push(Box::new(rows::read(sheet, header, row, cells, &mut self.errors)));
    }

    /// Group the rows into projects, attach the events, and leave out every project with a
    /// problem.
    #[must_use]
    pub fn finish(mut self) -> Parsed {
        self.locate_loans();
        let r = match self.loans {
            Loans::Rows(r) => r,
            Loans::NoHeader(e) => return Parsed { errors: vec![e], ..Parsed::default() },
            Loans::Head(..) => return Parsed::default(),
        };
        let sheet = &self.names[self.loans_at];
        let (trusted_sheet, mut errors) = (!r.sheet_failed, self.errors);
        let building = r.building(sheet, self.options);
        // The events not yet attached (all of them when the Events sheet came first) are
        // attached while the projects are still being built.
        let mut read = self.read_events.unwrap_or_default();
        let mut attach_errors = Vec::new();
        if let Some(index) = self.index.or_else(|| building.index()) {
            self.by_contract.add(&mut read, &index, &mut attach_errors);
        }
        // Without an index the build panicked, and `built` passes that panic on.
        let built = building.built();
        errors.extend(built.errors);
        errors.extend(attach_errors);
        let trusted = trusted_sheet && !read.failed;
        let mut parsed = finish(built.projects, &self.by_contract, &read.touched, trusted);
        errors.sort_by_key(|e| (self.names.iter().position(|n| *n == e.sheet), e.row));
        parsed.errors = errors;
        parsed.sheet.clone_from(sheet);
        parsed.title = self.title;
        parsed
    }
}

/// The sheet-level problems of the Loans sheet's header, and the keys of the columns it
/// lacks (reported once here, never again per row).
fn header_problems(sheet: &str, header: &Header, require_members: bool) -> (Vec<RowError>, Vec<Key>) {
    let mut errors = header::problems(sheet, header, LOANS);
    let mut absent: Vec<Key> =
        LOANS.iter().filter(|c| c.required && header.slot(c.id).is_none()).map(|c| c.id).collect();
    // docs/workbook.md: a blank 是否工会会员 is an error where the round requires members, so a
    // sheet without the column is one error, not one per project.
    if require_members && header.slot(Key::UnionMember).is_none() {
        errors.push(header::missing_column(sheet, header.row + 1, Key::UnionMember.column()));
        absent.push(Key::UnionMember);
    }
    (errors, absent)
}

/// Attach events, and leave out every project with a problem (docs/workbook.md "Errors").
/// When a sheet itself could not be read (`trusted` false), every project is left out.
fn finish(
    built: Vec<Option<(Project, Option<Payee>)>>,
    events: &events::ByContract,
    touched: &[String],
    trusted: bool,
) -> Parsed {
    let touched: HashSet<&str> = touched.iter().map(String::as_str).collect();
    // Room for every project at once: a list grown by doubling copied 100,000 projects
    // again and again into fresh pages, a tenth of the import's tail.
    let mut parsed = Parsed { projects: Vec::with_capacity(built.len()), ..Parsed::default() };
    for project in built {
        let clean =
            project.filter(|(p, _)| trusted && !p.loans.iter().any(|l| touched.contains(l.contract_no.as_str())));
        match clean {
            None => parsed.rejected += 1,
            Some((mut p, payee)) => {
                for loan in &mut p.loans {
                    loan.events = events.events(&loan.contract_no).map(<[Event]>::to_vec).unwrap_or_default();
                }
                if let Some(payee) = payee {
                    parsed.payees.insert(p.key.clone(), payee);
                }
                parsed.projects.push(p);
            }
        }
    }
    parsed
}

#[cfg(test)]
mod tests;
