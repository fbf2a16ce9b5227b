//! Writing a confirmed import (`super::confirm`): which of the workbook's projects go in
//! (`plan`), the round as the transaction will then hold it (`round_after`, the engine's
//! input, so that the round is computed before it is written and not read back: issue
//! 19), and the writes, new projects with their figures.

use std::collections::{HashMap, HashSet};

use super::{checks, diff, Confirmed, Import};
use crate::app::calculation::{self, Change};
use crate::app::Actor;
use crate::engine::{Policy, Project};
use crate::error::AppError;
use crate::import::Parsed;
use crate::storage::{self, projects::Record, rounds::Round};

/// Write the checked workbook (the parsed projects, the check's findings and the round's
/// stored projects as the check read them) into the round, with the engine's request and
/// status of every project of the round (`app::calculation`), computed from what the
/// transaction holds and will write, before writing: the new projects go in with their
/// figures and the round is not read back (issue 19). Then the confirmation's audit entry
/// and each project's `project.recalculate` entry whose figures changed, new ones included
/// (from the figures an inserted project starts with, `storage::projects::UNCALCULATED`),
/// as when the round was read back.
///
/// # Errors
/// `Conflict` (`app::calculation::figures`) or a database error.
pub(super) async fn confirmed(
    tx: &mut storage::Conn,
    actor: Actor<'_>,
    policy: &Policy,
    import: &Import,
    round: &Round,
    (preview, only_valid): (&serde_json::Value, bool),
    (parsed, found, stored): (&Parsed, &checks::Findings, HashMap<String, checks::Stored>),
) -> Result<Confirmed, AppError> {
    let plan = plan(import, preview, parsed, found);
    let (mut records, projects) = round_after(round.id, stored, parsed, &plan);
    let facts = storage::facts::round_holding(tx, round.id, round.year, &projects).await?;
    let changed = calculation::figures(policy, &records, &projects, &facts)?;
    let first_new = records.len() - plan.added();
    let (done, ids) = write(tx, actor, import, round.id, parsed, plan, (&changed, first_new)).await?;
    for (record, id) in records[first_new..].iter_mut().zip(ids) {
        record.id = id;
    }
    storage::audit::append(tx, &confirmed_entry(actor, import, round.id, only_valid, &done)).await?;
    storage::bulk::analyze_grown(tx, done.added).await?;
    calculation::store(tx, actor, round.id, &records, &changed, first_new).await?;
    debug_same(tx, round.id, (records, projects), &changed).await?;
    Ok(done)
}

/// What the confirmation does with one project of the workbook.
enum Step<'a> {
    Leave,
    Update(&'a checks::ProjectChange),
    Add,
}

/// The confirmation's steps, one per project of the parsed workbook, and what it will say.
struct Plan<'a> {
    steps: Vec<Step<'a>>,
    done: Confirmed,
}

impl Plan<'_> {
    /// How many projects the plan adds.
    fn added(&self) -> usize {
        self.done.added
    }
}

/// Add the new projects, update the changed ones; leave out what the preview or the check
/// refused; touch no unchanged project.
fn plan<'a>(import: &Import, preview: &serde_json::Value, parsed: &Parsed, found: &'a checks::Findings) -> Plan<'a> {
    let refused_before: HashSet<&str> =
        preview["refused"].as_array().into_iter().flatten().filter_map(serde_json::Value::as_str).collect();
    let changed: HashMap<&str, &checks::ProjectChange> = found.changes.iter().map(|c| (c.key.as_str(), c)).collect();
    let added: HashSet<&str> = found.added.iter().map(String::as_str).collect();
    let mut done = Confirmed {
        import_id: import.id,
        left_out: found.refused.clone(),
        with_errors: parsed.rejected.saturating_sub(found.refused.len()),
        ..Confirmed::default()
    };
    let mut steps = Vec::with_capacity(parsed.projects.len());
    for p in &parsed.projects {
        let key = crate::export::mask::project_key(&p.key, &p.applicant.id_number);
        steps.push(if refused_before.contains(key.as_str()) {
            done.left_out.push(key);
            Step::Leave
        } else if let Some(change) = changed.get(key.as_str()) {
            done.changed += 1;
            Step::Update(change)
        } else if added.contains(key.as_str()) {
            done.added += 1;
            Step::Add
        } else {
            Step::Leave
        });
    }
    done.projects = done.added + done.changed;
    done.left_out.sort();
    done.left_out.dedup();
    Plan { steps, done }
}

/// The round once the plan is written, in `storage::load::round`'s order (by position): its
/// stored projects in their places, those the workbook updates as the workbook gives them
/// (an update keeps the position), then the new ones in workbook order
/// (`storage::bulk::add_projects` puts them last). The new ones' records have id 0 until
/// written.
fn round_after(
    round_id: i64,
    stored: HashMap<String, checks::Stored>,
    parsed: &Parsed,
    plan: &Plan<'_>,
) -> (Vec<Record>, Vec<Project>) {
    let mut updated: HashMap<i64, &Project> = HashMap::new();
    let mut new = Vec::with_capacity(plan.added());
    for (p, step) in parsed.projects.iter().zip(&plan.steps) {
        match step {
            Step::Update(change) => {
                updated.insert(change.id, p);
            }
            Step::Add => new.push(p),
            Step::Leave => {}
        }
    }
    let mut stored: Vec<checks::Stored> = stored.into_values().collect();
    stored.sort_unstable_by_key(|s| s.at);
    let mut records = Vec::with_capacity(stored.len() + new.len());
    let mut projects = Vec::with_capacity(stored.len() + new.len());
    for s in stored {
        let project = updated.get(&s.record.id).map_or(s.project, |p| (*p).clone());
        records.push(s.record);
        projects.push(project);
    }
    for p in new {
        records.push(Record::inserted(0, round_id));
        projects.push(p.clone());
    }
    (records, projects)
}

/// Write the plan: new projects together (`storage::bulk`, issue 19) in workbook order with
/// their figures from `changed` (the round's index `first_new` on are the new ones), the run
/// of them before an updated project written before it, so that positions and contract
/// occurrences are what one-by-one writes would give; each update with one audit row (old
/// and new). Returns what was done and the new projects' ids, in order.
///
/// # Errors
/// A database error.
async fn write(
    tx: &mut storage::Conn,
    actor: Actor<'_>,
    import: &Import,
    round_id: i64,
    parsed: &Parsed,
    plan: Plan<'_>,
    (changed, first_new): (&[Change], usize),
) -> Result<(Confirmed, Vec<i64>), AppError> {
    let mut figures = vec![storage::projects::UNCALCULATED; plan.added()];
    for &(i, requested, status) in changed.iter().filter(|(i, _, _)| *i >= first_new) {
        figures[i - first_new] = (requested, status);
    }
    let mut figures = figures.into_iter();
    let mut ids = Vec::with_capacity(plan.added());
    let mut new: Vec<storage::bulk::NewProject<'_>> = Vec::new();
    for (p, step) in parsed.projects.iter().zip(&plan.steps) {
        match step {
            Step::Update(change) => {
                ids.extend(
                    storage::bulk::add_projects(tx, round_id, &std::mem::take(&mut new), Some(import.id)).await?,
                );
                let id = storage::projects::upsert(tx, round_id, p, None, Some(import.id)).await?;
                store_payee(tx, parsed_payee(parsed, &p.key), id).await?;
                let mut e = actor.entry("project.import_update", "project", change.id, Some(round_id));
                (e.old, e.new) = diff::audit_values(&change.fields);
                e.new["import_id"] = import.id.into();
                storage::audit::append(tx, &e).await?;
            }
            Step::Add => {
                let payee = parsed
                    .payee(&p.key)
                    .map_or(["", "", ""], |y| [y.name.as_str(), y.bank.as_str(), y.account.as_str()]);
                let figures = figures.next().unwrap_or(storage::projects::UNCALCULATED);
                new.push(storage::bulk::NewProject { project: p, payee, figures });
            }
            Step::Leave => {}
        }
    }
    ids.extend(storage::bulk::add_projects(tx, round_id, &new, Some(import.id)).await?);
    Ok((plan.done, ids))
}

fn parsed_payee(parsed: &Parsed, key: &str) -> Option<storage::applications::Payee> {
    parsed.payee(key).map(|p| storage::applications::Payee {
        name: p.name.clone(),
        bank: p.bank.clone(),
        account: p.account.clone(),
    })
}

/// The payee the workbook gives for a project it adds or updates (docs/payments.md).
async fn store_payee(
    tx: &mut storage::Conn,
    payee: Option<storage::applications::Payee>,
    id: i64,
) -> Result<(), AppError> {
    if let Some(p) = payee {
        storage::payees::from_workbook(tx, id, &p).await?;
    }
    Ok(())
}

/// The audit entry of a confirmation: the file, what it added and changed, and what it
/// left out (keys masked).
fn confirmed_entry<'a>(
    actor: Actor<'a>,
    import: &Import,
    round_id: i64,
    only_valid: bool,
    done: &Confirmed,
) -> storage::audit::Entry<'a> {
    let mut e = actor.entry("import.confirm", "import", import.id, Some(round_id));
    e.old = serde_json::json!({ "status": "previewed" });
    e.new = serde_json::json!({
        "status": "confirmed", "file_name": import.file_name, "file_sha256": import.file_sha256,
        "only_valid": only_valid, "added": done.added, "changed": done.changed, "left_out": done.left_out, "with_errors": done.with_errors,
    });
    e
}

/// In debug builds (every test), the round as computed in memory is the round as stored:
/// the same projects in the same order, with the figures written. What makes the
/// confirmation's calculation the one `app::calculation::recalculate` would make.
///
/// # Errors
/// A database error.
async fn debug_same(
    tx: &mut storage::Conn,
    round_id: i64,
    (mut records, projects): (Vec<Record>, Vec<Project>),
    changed: &[Change],
) -> Result<(), AppError> {
    if cfg!(debug_assertions) {
        for &(i, requested, status) in changed {
            (records[i].requested, records[i].calc_status) = (requested, status);
        }
        let stored = storage::load::round(tx, round_id).await?;
        let computed: Vec<(Record, Project)> = records.into_iter().zip(projects).collect();
        assert_eq!(stored.len(), computed.len(), "the round in memory holds as many projects as stored");
        if let Some((s, c)) = stored.iter().zip(&computed).find(|(s, c)| s != c) {
            panic!("the confirmed import's round in memory differs from the stored round: {c:?} is stored as {s:?}");
        }
    }
    Ok(())
}
