//! `tiexi calc` (cli.md): read the policy and the workbook, run the engine, print JSON or
//! a Chinese summary, write the result workbook. Exit 0, 1 (workbook errors) or 2
//! (unusable policy or command line). Never touches a database.

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
}

/// Run `tiexi calc`; returns the exit status. The workbook is parsed by the
/// `parse-worker` subcommand of the current executable (`import::isolate`), so only the
/// `tiexi` binary itself may call this.
pub fn calc(args: &CalcArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let policy = match std::fs::read_to_string(&args.policy) {
        Ok(text) => match import::policy(&text) {
            Ok(p) => p,
            Err(e) => return usage(err, &format!("策略文件 {} 无效：{e}", args.policy.display())),
        },
        Err(e) => return usage(err, &format!("无法读取策略文件 {}：{e}", args.policy.display())),
    };
    let bytes = match import::guard::read(&args.workbook) {
        Ok(b) => b,
        Err(e) => return usage(err, &format!("无法读取申报表 {}：{e}", args.workbook.display())),
    };
    let options = import::Options::of(&policy);
    // hazards.md: the workbook is parsed in a child process of this same binary.
    let exe = std::env::current_exe().map_err(|e| import::ImportError::Worker(e.to_string()));
    let parsed = match exe.and_then(|exe| import::isolate::workbook(&exe, &bytes, &options)) {
        Ok(p) => p,
        Err(e) => Parsed { errors: vec![fatal(&e)], ..Parsed::default() },
    };
    let result = engine::compute(&policy, &parsed.projects);
    if let Some(contract) = &args.explain {
        return explain(&result, &parsed, contract, args.json, out, err);
    }
    if let Some(code) = write_files(args, &bytes, &policy, &parsed, &result, err) {
        return code;
    }
    let written = if args.json {
        serde_json::to_writer_pretty(&mut *out, &export::json::document(&policy, &result, &parsed.errors))
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
        "项目：{} 个计入试算，{} 个因错误未计入；全额贴息 {}，部分贴息 {}，候补 {}，不符合条件 {}",
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
    let found = r.projects.iter().find_map(|p| p.loans.iter().find(|l| l.contract_no == contract).map(|l| (p, l)));
    let Some((project, loan)) = found else {
        return usage(err, &format!("试算结果中没有贷款合同 {contract}（有错误的项目不参与试算）"));
    };
    let written = if json {
        serde_json::to_writer_pretty(&mut *out, loan).map_err(std::io::Error::from).and_then(|()| writeln!(out))
    } else {
        export::explain::write(&project.key, loan, out)
    };
    if written.is_err() {
        return 2;
    }
    u8::from(!parsed.errors.is_empty())
}
