//! The Loans sheet's projects built from their groups, on a thread of their own once the
//! sheet has ended (docs/ARCHITECTURE.md "The parse child"), with the index of the sheet's
//! contracts that the events are checked against.

use std::borrow::Cow;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

use crate::engine::Project;
use crate::import::cells::Calendar;
use crate::import::columns::Key;
use crate::import::events::LoanIndex;
use crate::import::header::Header;
use crate::import::projects::{self, Group, Grouping, Sink};
use crate::import::{Options, Payee, RowError};

/// The Loans sheet's rows below its header, as far as they have been read.
pub(super) struct LoanRows {
    pub(super) header: Header,
    pub(super) calendar: Calendar,
    /// A problem of the header itself: no project of the sheet can be trusted.
    pub(super) sheet_failed: bool,
    pub(super) absent: Vec<Key>,
    /// The rows grouped into projects as they are read, until the sheet ends.
    pub(super) grouping: Grouping,
    /// The building of the projects, once the sheet has ended (`end`).
    pub(super) building: Option<Building>,
}

impl LoanRows {
    /// Start building the projects once the sheet has ended, on a thread of their own: a
    /// streaming reader calls `end_sheet` on the assembling thread while calamine goes on
    /// to read the Events sheet, and neither need wait for the build (docs/ARCHITECTURE.md
    /// "The parse child").
    pub(super) fn end(&mut self, sheet: &str, options: &Options) {
        if self.building.is_none() {
            self.building = Some(self.spawn(sheet, options));
        }
    }

    /// The build under way (started here when the sheet was never ended).
    pub(super) fn building(mut self, sheet: &str, options: &Options) -> Building {
        self.building.take().unwrap_or_else(|| self.spawn(sheet, options))
    }

    fn spawn(&mut self, sheet: &str, options: &Options) -> Building {
        let groups = std::mem::take(&mut self.grouping).groups();
        start(groups, sheet, &self.header, self.absent.clone(), *options)
    }
}

/// The Loans sheet's projects, built, with the problems found building them.
pub(super) struct Built {
    pub(super) projects: Vec<Option<(Project, Option<Payee>)>>,
    pub(super) errors: Vec<RowError>,
}

/// The build under way: the index of contracts comes first, so that the events can be
/// attached while the projects are still being built.
pub(super) struct Building {
    index: Receiver<LoanIndex>,
    built: JoinHandle<Built>,
}

impl Building {
    /// The index of the sheet's contracts, as soon as it is made; `None` when the build
    /// panicked first (`built` then passes the panic on).
    pub(super) fn index(&self) -> Option<LoanIndex> {
        self.index.recv().ok()
    }

    /// The index, if it is made already (it is handed over once).
    pub(super) fn try_index(&self) -> Option<LoanIndex> {
        self.index.try_recv().ok()
    }

    /// The projects, once built.
    pub(super) fn built(self) -> Built {
        // A panic while building is the parser's panic, as it was on one thread.
        self.built.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Start building: the index first (from every row, before the build takes their texts),
/// sent at once, then the projects. A thread that cannot start is a panic, as in `build`:
/// the parser's.
pub(super) fn start(groups: Vec<Group>, sheet: &str, header: &Header, absent: Vec<Key>, options: Options) -> Building {
    let (sheet, header) = (sheet.to_string(), header.clone());
    let (send, index) = std::sync::mpsc::sync_channel(1);
    let built = std::thread::spawn(move || {
        // A finish that no longer waits for the index (it panicked) is no reason to stop.
        let _ = send.send(self::index(&groups));
        let mut errors = Vec::new();
        let projects = build(groups, &options, Sink { sheet: &sheet, header: &header, errors: &mut errors, absent });
        Built { projects, errors }
    });
    Building { index, built }
}

/// Groups at or above which `build` builds in two halves at once.
const BUILD_IN_HALVES: usize = 4096;

/// Check every group and build its project (`None` when it has a problem), each group's
/// rows going as soon as its project is built. A large sheet is built in two halves at
/// once, beside the reading of the Events sheet (the Loans sheet's rows are all read), the
/// second half's problems reported after the first's (and all sorted by sheet and row in
/// `finish`), in the order one pass would report them.
fn build(mut groups: Vec<Group>, options: &Options, mut sink: Sink<'_>) -> Vec<Option<(Project, Option<Payee>)>> {
    let all = groups.len();
    let second = groups.split_off(if all >= BUILD_IN_HALVES { all / 2 } else { all });
    let (sheet, header, absent) = (sink.sheet, sink.header, sink.absent.clone());
    std::thread::scope(|scope| {
        let other = (!second.is_empty()).then(|| {
            scope.spawn(move || {
                let mut errors = Vec::new();
                let mut sink = Sink { sheet, header, errors: &mut errors, absent };
                let built: Vec<_> = second.into_iter().map(|g| projects::build(g, options, &mut sink)).collect();
                (built, errors)
            })
        });
        let mut built: Vec<_> = Vec::with_capacity(all);
        built.extend(groups.into_iter().map(|g| projects::build(g, options, &mut sink)));
        if let Some(other) = other {
            // A panic while building is the parser's panic, as it was on one thread.
            let (rest, errors) = other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            built.extend(rest);
            sink.errors.extend(errors);
        }
        built
    })
}

/// Every contract number of the Loans sheet, also on rows with problems, so that their
/// events are not reported as belonging to no loan.
fn index(groups: &[Group]) -> LoanIndex {
    let mut index = LoanIndex::with_capacity(groups.iter().map(|g| g.rows.len()).sum());
    for row in groups.iter().flat_map(|g| &g.rows) {
        let no = row.loan.contract_no.as_deref().map(Cow::Borrowed).or_else(|| {
            let found = row.found(Key::ContractNo).replace(char::is_whitespace, "");
            (!found.is_empty()).then_some(Cow::Owned(found))
        });
        if let Some(no) = no {
            index.add(&no, row.loan.principal);
        }
    }
    index
}
