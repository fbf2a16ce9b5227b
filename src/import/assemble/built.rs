//! The Loans sheet's projects built from their groups, on a thread of their own once the
//! sheet has ended (docs/ARCHITECTURE.md "The parse child"), with the index of the sheet's
//! contracts that the events are checked against.

use std::borrow::Cow;

use crate::engine::Project;
use crate::import::columns::Key;
use crate::import::events::LoanIndex;
use crate::import::header::Header;
use crate::import::projects::{self, Group, Sink};
use crate::import::{Options, Payee, RowError};

/// The Loans sheet's projects, built, with the index of their contracts and the problems
/// found building them.
pub(super) struct Built {
    pub(super) projects: Vec<Option<(Project, Option<Payee>)>>,
    pub(super) index: LoanIndex,
    pub(super) errors: Vec<RowError>,
}

/// Start building: the index first (from every row, before the build takes their texts),
/// then the projects. A thread that cannot start is a panic, as in `build`: the parser's.
pub(super) fn start(
    groups: Vec<Group>,
    sheet: &str,
    header: &Header,
    absent: Vec<Key>,
    options: Options,
) -> std::thread::JoinHandle<Built> {
    let (sheet, header) = (sheet.to_string(), header.clone());
    std::thread::spawn(move || {
        let index = index(&groups);
        let mut errors = Vec::new();
        let projects = build(groups, &options, Sink { sheet: &sheet, header: &header, errors: &mut errors, absent });
        Built { projects, index, errors }
    })
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
