//! The `tiexi` binary: parses arguments and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tiexi", version, about = "贴息：职工自主创业示范项目贷款贴息管理")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 试算：按年度政策计算申报表中每笔贷款的贴息、每个项目的申请额和核定额
    Calc {
        /// The round's policy file (TOML)
        #[arg(long)]
        policy: PathBuf,
        /// The applicant workbook (.xlsx, .xls, .ods or .csv)
        workbook: PathBuf,
        /// Print the JSON document of cli.md
        #[arg(long)]
        json: bool,
        /// Also write the result workbook
        #[arg(long, value_name = "RESULT.xlsx")]
        output: Option<PathBuf>,
        /// Print the calculation pieces of one loan
        #[arg(long, value_name = "CONTRACT_NO")]
        explain: Option<String>,
        /// Also write the workbook back with its errors marked, for the applicant to fix
        #[arg(long = "errors-out", value_name = "FIXME.xlsx")]
        errors_out: Option<PathBuf>,
    },
    /// 申报模板：写出空白申报表（申报汇总表、还款及变更、填表说明）
    Template {
        /// Where to write the blank workbook
        #[arg(value_name = "OUT.xlsx")]
        out: PathBuf,
    },
    /// The isolated workbook parser (`import::isolate`): reads a request on stdin.
    #[command(name = "parse-worker", hide = true)]
    ParseWorker,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Calc { policy, workbook, json, output, explain, errors_out } => {
            let args = tiexi::cli::CalcArgs { policy, workbook, json, output, explain, errors_out };
            tiexi::cli::calc(&args, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())
        }
        Command::Template { out } => tiexi::cli::template(&out, &mut std::io::stderr().lock()),
        Command::ParseWorker => tiexi::import::isolate::serve(&mut std::io::stdin().lock(), &mut std::io::stdout().lock()),
    };
    ExitCode::from(code)
}
