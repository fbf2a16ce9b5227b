//! `tiexi calc` (docs/cli.md): read the policy and the workbook, run the engine, print JSON or
//! a Chinese summary, write the result workbook. Exit 0, 1 (workbook errors) or 2
//! (unusable policy or command line). Never touches a database.

mod facts;

use std::io::Write;
use std::path::PathBuf;

use crate::engine::{self, Policy, RoundResult};
use crate::export;
use crate::import::{self, Parsed, RowError};

/// The arguments of `tiexi calc`.
#[derive(Debug, Clone, Default)]
pub struct CalcArgs {
    pub policy: PathBuf,
    pub workbook: PathBuf,
    pub json: bool,
    pub output: Option<PathBuf>,
    pub explain: Option<String>,
    /// Write the workbook back with its errors marked (`--errors-out`).
    pub errors_out: Option<PathBuf>,
    /// Banks' interest statements (`--statements`, repeatable; docs/cli.md).
    pub statements: Vec<PathBuf>,
    /// Earlier rounds, as `GET /api/v1/history` gives them (`--history`).
    pub history: Option<PathBuf>,
    /// Review cuts, a CSV (`--cuts`).
    pub cuts: Option<PathBuf>,
}

/// Run `tiexi calc`; returns the exit status. The workbook is parsed by the
/// `parse-worker` subcommand of the current executable (`import::isolate`), so only the
/// `tiexi` binary itself may call this.
pub fn calc(args: &CalcArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (policy, bytes, parsed, facts) = match inputs(args) {
        Ok(read) => read,
        Err(message) => return usage(err, &message),
    };
    let result = engine::compute_with(&policy, &parsed.projects, &facts);
    if let Some(contract) = &args.explain {
        return explain(&result, &parsed, contract, args.json, out, err);
    }
    if let Some(code) = write_files(args, &bytes, &policy, &parsed, &result, err) {
        return code;
    }
    let written = if args.json {
        serde_json::to_writer_pretty(
            &mut *out,
            &export::json::document(&policy, &parsed.projects, &result, &parsed.errors),
        )
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
    } else {
        summary(&policy, &result, &parsed, out)
    };
    if written.is_err() {
        return 2;
    }
    u8::from(!parsed.errors.is_empty())
}

/// The policy, the workbook (its bytes and what was read from it) and the facts of
/// docs/rules.md §9; `Err` is what makes the command unusable (exit 2).
fn inputs(args: &CalcArgs) -> Result<(Policy, Vec<u8>, Parsed, engine::Facts), String> {
    let text = std::fs::read_to_string(&args.policy)
        .map_err(|e| format!("无法读取策略文件 {}：{e}", args.policy.display()))?;
    let policy = import::policy(&text).map_err(|e| format!("策略文件 {} 无效：{e}", args.policy.display()))?;
    let bytes =
        import::guard::read(&args.workbook).map_err(|e| format!("无法读取申报表 {}：{e}", args.workbook.display()))?;
    let options = import::Options::of(&policy);
    // docs/hazards.md: the workbook is parsed in a child process of this same binary.
    // Without its own path, the child cannot start: `isolate` then says so as an error.
    let exe = std::env::current_exe().unwrap_or_default();
    let mut parsed = match import::isolate::workbook(&exe, &bytes, &options) {
        Ok(p) => p,
        Err(e) => Parsed { errors: vec![fatal(&e)], ..Parsed::default() },
    };
    let sources =
        facts::Sources { statements: &args.statements, cuts: args.cuts.as_deref(), history: args.history.as_deref() };
    let facts = facts::read(&exe, &sources, &mut parsed)?;
    Ok((policy, bytes, parsed, facts))
}

/// `--output` and `--errors-out`; the exit status when one cannot be written.
fn write_files(
    args: &CalcArgs,
    bytes: &[u8],
    policy: &Policy,
    parsed: &Parsed,
    result: &RoundResult,
    err: &mut dyn Write,
) -> Option<u8> {
    if let Some(path) = &args.output {
        if let Err(e) = export::xlsx::result(policy, &parsed.projects, result, path) {
            return Some(usage(err, &format!("无法写入结果文件 {}：{e}", path.display())));
        }
    }
    if let Some(path) = &args.errors_out {
        if let Err(e) = export::annotated::write(bytes, &parsed.errors, path) {
            return Some(usage(err, &format!("无法写入错误标注文件 {}：{e}", path.display())));
        }
    }
    None
}

/// Run `tiexi template OUT.xlsx`: write the blank applicant workbook; exit 0 or 2.
pub fn template(path: &std::path::Path, err: &mut dyn Write) -> u8 {
    match export::template::write(path) {
        Ok(()) => 0,
        Err(e) => usage(err, &format!("无法写入申报模板 {}：{e}", path.display())),
    }
}

/// A workbook that cannot be read at all becomes one error, so the JSON still tells why.
#[must_use]
pub fn fatal(e: &import::ImportError) -> RowError {
    RowError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        key: None,
        value: String::new(),
        message: e.to_string(),
    }
}

fn usage(err: &mut dyn Write, message: &str) -> u8 {
    let _ = writeln!(err, "错误：{message}");
    2
}

fn summary(policy: &Policy, r: &RoundResult, parsed: &Parsed, out: &mut dyn Write) -> std::io::Result<()> {
    let t = &r.totals;
    writeln!(out, "{}（{}年度）试算结果", policy.name, policy.year)?;
    let pools: Vec<String> = r.pools.iter().map(|p| format!("{} {} 元", p.name, p.amount)).collect();
    writeln!(out, "预算：{} 元（{}）", r.budget, pools.join("；"))?;
    let count = |s: engine::Status| r.projects.iter().filter(|p| p.status == s).count();
    writeln!(
        out,
        "项目：{} 个计入试算，{} 个因错误未计入；全额贴息 {}，部分贴息 {}，预算不足 {}，不符合条件 {}",
        t.projects,
        parsed.rejected,
        count(engine::Status::Funded),
        count(engine::Status::PartiallyFunded),
        count(engine::Status::Waitlisted),
        count(engine::Status::Ineligible)
    )?;
    let left: engine::Money = r.pools.iter().map(|p| p.remaining).sum();
    writeln!(out, "申请贴息 {} 元，核定贴息 {} 元，预算剩余 {} 元", t.requested, t.granted, left)?;
    let leverage = t.leverage.map_or_else(|| "—".to_string(), |l| format!("{l} 倍"));
    let income = t.avg_income_increase.map_or_else(|| "—".to_string(), |i| format!("{i} 元"));
    writeln!(
        out,
        "撬动贷款 {} 元，撬动倍数 {leverage}，带动职工 {} 户，户均增收 {income}",
        t.loans_unlocked, t.households
    )?;
    caps(r, out)?;
    if !parsed.errors.is_empty() {
        writeln!(out, "申报表有 {} 处错误，请修改后重新提交：", parsed.errors.len())?;
        for e in &parsed.errors {
            writeln!(out, "  [{}] {}", e.sheet, e.message)?;
        }
    }
    Ok(())
}

fn explain(
    r: &RoundResult,
    parsed: &Parsed,
    contract: &str,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let found = r.projects.iter().zip(&parsed.projects).find_map(|(p, input)| {
        let mut loans = p.loans.iter().zip(&input.loans);
        loans.find(|(l, _)| l.contract_no == contract).map(|(l, given)| (p, l, given.interest_paid))
    });
    let Some((project, loan, interest_paid)) = found else {
        return usage(err, &format!("试算结果中没有贷款合同 {contract}（有错误的项目不参与试算）"));
    };
    let written = if json {
        serde_json::to_writer_pretty(&mut *out, loan).map_err(std::io::Error::from).and_then(|()| writeln!(out))
    } else {
        export::explain::write(&project.key, loan, interest_paid, out)
    };
    if written.is_err() {
        return 2;
    }
    u8::from(!parsed.errors.is_empty())
}

/// docs/rules.md §4 and §9 in the summary: how many loans each cap or rule held back, and by how
/// much; nothing when none did.
fn caps(r: &RoundResult, out: &mut dyn Write) -> std::io::Result<()> {
    use engine::Reason;
    let loans = || r.projects.iter().flat_map(|p| &p.loans);
    let mut parts = Vec::new();
    for reason in [
        Reason::AlreadySubsidised,
        Reason::ExcludedByReview,
        Reason::LimitedByInterestPaid,
        Reason::LimitedByCertifiedInterest,
        Reason::LimitedByReview,
    ] {
        let held: Vec<_> = loans().filter(|l| l.reasons.contains(&reason)).collect();
        if !held.is_empty() {
            let less: engine::Money = held.iter().map(|l| l.computed - l.subsidy).sum();
            parts.push(format!("{} {} 笔（较计算值少 {less} 元）", reason.label(), held.len()));
        }
    }
    for reason in [Reason::RoundLimitReached, Reason::LimitedByApplicantTotal] {
        let n = r.projects.iter().filter(|p| p.reasons.contains(&reason)).count();
        if n > 0 {
            parts.push(format!("{} {n} 个项目", reason.label()));
        }
    }
    if !parts.is_empty() {
        writeln!(out, "贴息上限与核减：{}", parts.join("；"))?;
    }
    let certified = loans().filter(|l| l.certified.is_some()).count();
    if certified > 0 {
        let differ = loans().filter(|l| l.statement_difference.is_some()).count();
        writeln!(
            out,
            "银行结息：{certified} 笔贷款有结息清单，其中 {differ} 笔与按合同利率计算的同期利息相差超过 1 元（逐笔见 --explain）"
        )?;
    }
    Ok(())
}
