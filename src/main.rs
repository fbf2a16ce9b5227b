//! The `tiexi` binary: parses arguments and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tiexi", version, about = "贴息：职工自主创业示范项目贷款贴息管理")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 试算：按年度政策计算申报表中每笔贷款的贴息、每个项目的申请额和核定额
    Calc(CalcCommand),
    /// 申报模板：写出空白申报表（申报汇总表、还款及变更、填表说明）
    Template {
        /// Where to write the blank workbook
        #[arg(value_name = "OUT.xlsx")]
        out: PathBuf,
    },
    /// 启动网站（默认使用 data/ 下的 SQLite 文件）
    Serve {
        /// `sqlite://FILE` or `postgres://…`; default `TIEXI_DATABASE_URL` or `sqlite://data/tiexi.db`
        #[arg(long)]
        database: Option<String>,
        /// Fill a fresh database with the demo division (rounds 2017-2024, demo accounts)
        #[arg(long)]
        demo: bool,
    },
    /// 报表：年度报表（--year）或累计报表（--through），身份证号均已遮蔽
    Report {
        /// The annual report of this round
        #[arg(long, conflicts_with = "through", required_unless_present = "through")]
        year: Option<i32>,
        /// The cumulative report of every round up to this year
        #[arg(long)]
        through: Option<i32>,
        /// Where to write the workbook
        #[arg(short = 'o', long = "output", value_name = "FILE.xlsx")]
        output: PathBuf,
        /// 填报单位 (default: the division's setting `division_name`)
        #[arg(long)]
        issuer: Option<String>,
        #[arg(long)]
        database: Option<String>,
    },
    /// 往年记录：一个申请人（身份证号或统一社会信用代码）历年的项目、核定和拨付（JSON）
    History {
        #[arg(long)]
        applicant: String,
        #[arg(long)]
        database: Option<String>,
    },
    /// 账户管理
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 单位设置：报表的填报单位全称、签字栏、制表人、付款账户、公示异议受理
    Settings {
        #[command(subcommand)]
        command: SettingsCommand,
    },
    /// 审计记录
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// 按保存期限清除上传文件（服务器启动时和每天也会执行），记入审计
    Purge {
        #[arg(long)]
        database: Option<String>,
    },
    /// 在线备份（SQLite：VACUUM INTO 并校验；PostgreSQL：给出备份命令）
    Backup {
        /// The new backup file (never overwritten)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long)]
        database: Option<String>,
    },
    /// 基准测试数据
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// 核对：资金池、项目、批次的金额不变量与数据库完整性（任何一项不成立则退出码为 1）
    Check {
        #[arg(long)]
        database: Option<String>,
    },
    /// The isolated workbook parser (`import::isolate`): reads a request on stdin.
    #[command(name = "parse-worker", hide = true)]
    ParseWorker,
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新建账户（提示输入密码，或用 --password-stdin 从标准输入读取）
    Add {
        #[arg(long)]
        username: String,
        /// `division_staff`, `regiment_staff`, `cooperative`, `bureau_reviewer` or `auditor`
        #[arg(long)]
        role: String,
        /// 团场, for `regiment_staff`
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        database: Option<String>,
    },
    /// 停用账户（其所有会话立即失效）
    Disable {
        #[arg(long)]
        username: String,
        #[arg(long)]
        database: Option<String>,
    },
    /// 清除账户的双重验证（手机和恢复码都丢失时；下次登录重新设置）
    ResetSecondFactor {
        #[arg(long)]
        username: String,
        #[arg(long)]
        database: Option<String>,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// 修改一项设置，例如 `tiexi settings set division_name 第十三师新星市总工会`（记入审计）
    Set {
        /// `division_name`, `title_head`, `title_finance`, `title_reviewer`, `title_preparer`,
        /// `preparer`, `payer_name`, `payer_bank`, `payer_account` or `objection_contact`
        key: String,
        value: String,
        #[arg(long)]
        database: Option<String>,
    },
    /// 列出全部设置及其当前值
    Show {
        #[arg(long)]
        database: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 重新计算哈希链；完整时输出 OK 和条数，否则指出第一条断开的记录并以非零状态退出
    Verify {
        #[arg(long)]
        database: Option<String>,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Write a deterministic applicant workbook of N loans (the same N gives the same file)
    Gen {
        #[arg(long)]
        loans: usize,
        #[arg(long, default_value_t = 2024)]
        year: i32,
        #[arg(value_name = "OUT.xlsx")]
        out: PathBuf,
    },
}

/// Run an async subcommand on Rocket's runtime; errors are one line on stderr, exit 1.
fn run_async(work: impl std::future::Future<Output = Result<(), String>> + Send) -> u8 {
    match rocket::execute(work) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("错误：{e}");
            1
        }
    }
}

/// The options of `tiexi calc` (docs/cli.md).
#[derive(Args)]
struct CalcCommand {
    /// The round's policy file (TOML)
    #[arg(long)]
    policy: PathBuf,
    /// The applicant workbook (.xlsx, .xls, .ods or .csv)
    workbook: PathBuf,
    /// Print the JSON document of docs/cli.md
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
    /// A bank's interest statement (结息清单); repeat for several files
    #[arg(long, value_name = "FILE")]
    statements: Vec<PathBuf>,
    /// Earlier rounds, as the JSON of `GET /api/v1/history`
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Review cuts (核减), a CSV of `contract_no,excluded,amount,reason,text`
    #[arg(long, value_name = "FILE")]
    cuts: Option<PathBuf>,
}

impl From<CalcCommand> for tiexi::cli::CalcArgs {
    fn from(c: CalcCommand) -> Self {
        let CalcCommand { policy, workbook, json, output, explain, errors_out, statements, history, cuts } = c;
        tiexi::cli::CalcArgs { policy, workbook, json, output, explain, errors_out, statements, history, cuts }
    }
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
        Command::Calc(c) => calc(&c.into()),
        Command::Template { out } => tiexi::cli::template(&out, &mut std::io::stderr().lock()),
        Command::Serve { database, demo } => {
            run_async(tiexi::commands::serve(&tiexi::commands::database_url(database), demo))
        }
        Command::Report { year, through, output, issuer, database } => report(year, through, &output, issuer, database),
        Command::History { applicant, database } => {
            run_async(
                async move { tiexi::commands::history(&tiexi::commands::database_url(database), &applicant).await },
            )
        }
        Command::User { command } => user(command),
        Command::Settings { command } => settings(command),
        Command::Audit { command: AuditCommand::Verify { database } } => {
            run_async(async move { tiexi::commands::audit_verify(&tiexi::commands::database_url(database)).await })
        }
        Command::Backup { file, database } => {
            run_async(async move { tiexi::commands::backup(&tiexi::commands::database_url(database), &file).await })
        }
        Command::Bench { command: BenchCommand::Gen { loans, year, out } } => bench_gen(loans, year, &out),
        Command::Purge { database } => {
            run_async(async move { tiexi::commands::purge(&tiexi::commands::database_url(database)).await })
        }
        Command::Check { database } => {
            run_async(async move { tiexi::commands::check(&tiexi::commands::database_url(database)).await })
        }
        Command::ParseWorker => {
            tiexi::import::isolate::serve(&mut std::io::stdin().lock(), &mut std::io::stdout().lock())
        }
    };
    ExitCode::from(code)
}

/// `tiexi calc`, on standard output and error.
fn calc(args: &tiexi::cli::CalcArgs) -> u8 {
    tiexi::cli::calc(args, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())
}

/// `tiexi user add | disable | reset-second-factor`.
fn user(command: UserCommand) -> u8 {
    match command {
        UserCommand::Add { username, role, unit, password_stdin, database } => {
            match tiexi::commands::read_password(password_stdin) {
                Ok(password) => run_async(async move {
                    let url = tiexi::commands::database_url(database);
                    tiexi::commands::user_add(&url, &username, &role, unit.as_deref(), &password).await
                }),
                Err(e) => {
                    eprintln!("错误：无法读取密码：{e}");
                    2
                }
            }
        }
        UserCommand::Disable { username, database } => run_async(async move {
            tiexi::commands::user_disable(&tiexi::commands::database_url(database), &username).await
        }),
        UserCommand::ResetSecondFactor { username, database } => run_async(async move {
            tiexi::commands::user_reset_second_factor(&tiexi::commands::database_url(database), &username).await
        }),
    }
}

/// `tiexi report --year Y | --through Y -o FILE.xlsx`.
fn report(
    year: Option<i32>,
    through: Option<i32>,
    output: &std::path::Path,
    issuer: Option<String>,
    database: Option<String>,
) -> u8 {
    run_async(async move {
        let url = tiexi::commands::database_url(database);
        let kind = year.map_or_else(
            || tiexi::commands::Report::Through(through.unwrap_or_default()),
            tiexi::commands::Report::Year,
        );
        tiexi::commands::report(&url, kind, issuer.as_deref(), output).await
    })
}

/// `tiexi settings set | show`.
fn settings(command: SettingsCommand) -> u8 {
    match command {
        SettingsCommand::Set { key, value, database } => run_async(async move {
            tiexi::commands::settings_set(&tiexi::commands::database_url(database), &key, &value).await
        }),
        SettingsCommand::Show { database } => {
            run_async(async move { tiexi::commands::settings_show(&tiexi::commands::database_url(database)).await })
        }
    }
}

/// `tiexi bench gen --loans N OUT.xlsx`.
fn bench_gen(loans: usize, year: i32, out: &std::path::Path) -> u8 {
    match tiexi::sample::workbook(loans, year, out) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("错误：无法写入 {}：{e}", out.display());
            2
        }
    }
}
