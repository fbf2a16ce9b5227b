//! The subcommands that work on the database: `serve`, `user add`, `user disable`,
//! `audit verify`, `backup`, `report`, `settings set | show`.

use std::io::{BufRead, Write};

use rocket::figment::Figment;

use crate::accounts::Role;
use crate::app::accounts::operator;
use crate::app::Actor;
use crate::error::AppError;
use crate::storage;

/// The default database: a SQLite file under `data/`, created on first start.
pub const DEFAULT_DATABASE: &str = "sqlite://data/tiexi.db";

/// The database URL: `--database`, else `TIEXI_DATABASE_URL`, else the default.
#[must_use]
pub fn database_url(flag: Option<String>) -> String {
    flag.or_else(|| std::env::var("TIEXI_DATABASE_URL").ok()).unwrap_or_else(|| DEFAULT_DATABASE.to_string())
}

/// The settings the binary carries: the checkout's `Rocket.toml`, so that a copied binary
/// started elsewhere has the same upload limits and defaults (docs/deployment.md).
const BUILT_IN_SETTINGS: &str = include_str!("../Rocket.toml");

/// Rocket's figment with the database URL merged in: Rocket's defaults, then the built-in
/// settings, then a `Rocket.toml` found from the working directory up (or `ROCKET_CONFIG`),
/// then `ROCKET_*` variables; the order of `rocket::Config::figment`, with one layer more.
#[must_use]
pub fn figment(url: &str) -> Figment {
    use rocket::figment::providers::{Env, Format, Toml};
    use rocket::figment::Profile;
    Figment::from(rocket::Config::default())
        .merge(Toml::string(BUILT_IN_SETTINGS).nested())
        .merge(Toml::file(Env::var_or("ROCKET_CONFIG", "Rocket.toml")).nested())
        .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
        .select(Profile::from_env_or("ROCKET_PROFILE", rocket::Config::DEFAULT_PROFILE))
        .merge(("databases.tiexi.url", url))
}

/// `tiexi serve [--database URL] [--demo]`.
///
/// # Errors
/// The database cannot be prepared or the server fails to start.
pub async fn serve(url: &str, demo: bool) -> Result<(), String> {
    if demo {
        let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
        let fresh = crate::demo::load(&pool).await.map_err(|e| format!("无法写入演示数据：{e}"))?;
        pool.inner.close().await;
        if fresh {
            println!("演示数据已生成。演示账户（密码均为 {}）：", crate::demo::PASSWORD);
            for (name, role, unit) in crate::demo::ACCOUNTS {
                println!("  {name:<10} {}{}", role.label(), unit.map(|u| format!("（{u}）")).unwrap_or_default());
            }
        }
    }
    crate::web::rocket(figment(url)).launch().await.map(|_| ()).map_err(|e| format!("服务器启动失败：{e}"))
}

/// `tiexi user add --username U --role R [--unit 团场] [--password-stdin]`
/// (`app::accounts::operator::add`).
///
/// # Errors
/// A bad role, a missing unit, a password the policy refuses, a name taken, or a database
/// error.
pub async fn user_add(url: &str, username: &str, role: &str, unit: Option<&str>, password: &str) -> Result<(), String> {
    let role = Role::parse(role).ok_or_else(|| {
        format!("未知角色 {role}，可选：division_staff, regiment_staff, cooperative, bureau_reviewer, auditor")
    })?;
    if role == Role::RegimentStaff && unit.is_none() {
        return Err("团场工会账户需要 --unit 团场".into());
    }
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let done = operator::add(&pool, Actor::cli(), username, role, unit, password).await;
    pool.inner.close().await;
    done.map(|_| ()).map_err(said)
}

/// What the operator reads of a use case's refusal: its Chinese text, and a database
/// error's own words (the operator is on the server; no page shows this).
fn said(e: AppError) -> String {
    match e {
        AppError::Db(e) => format!("数据库错误：{e}"),
        AppError::Internal(e) => format!("内部错误：{e}"),
        other => other.to_string(),
    }
}

/// The password: one line from standard input, or asked for on the terminal.
///
/// # Errors
/// Standard input cannot be read.
pub fn read_password(from_stdin: bool) -> std::io::Result<String> {
    if !from_stdin {
        eprint!("密码：");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// `tiexi user disable --username U`: the account can no longer log in, and its sessions end
/// (`app::accounts::operator::disable`).
///
/// # Errors
/// No such user, or a database error.
pub async fn user_disable(url: &str, username: &str) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let done = operator::disable(&pool, Actor::cli(), username).await;
    pool.inner.close().await;
    done.map_err(said)
}

/// `tiexi user reset-second-factor --username U`: for a user who lost both the phone and
/// the recovery codes (`app::accounts::operator::reset_second_factor`).
///
/// # Errors
/// No such user, or a database error.
pub async fn user_reset_second_factor(url: &str, username: &str) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let done = operator::reset_second_factor(&pool, Actor::cli(), username).await;
    pool.inner.close().await;
    done.map_err(said)
}

/// `tiexi purge`: the retention purge of the server, once, with the settings of
/// `Rocket.toml` and `ROCKET_*`; prints what went.
///
/// # Errors
/// The settings do not parse, or a database error.
pub async fn purge(url: &str) -> Result<(), String> {
    let config: crate::config::AppConfig = figment(url).extract().map_err(|e| format!("设置有误：{e}"))?;
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let purged =
        crate::app::retention::run(&pool, &config, crate::app::Actor::cli()).await.map_err(|e| e.to_string())?;
    pool.inner.close().await;
    println!(
        "已删除未确认的上传 {} 个；已清除过期的导入文件 {} 个、证明材料 {} 个",
        purged.imports_deleted.len(),
        purged.imports_emptied.len(),
        purged.documents_emptied.len()
    );
    Ok(())
}

/// `tiexi check`: every money invariant and the database's own checks. Prints each breach
/// (the invariant, then the records) and fails when there is one.
///
/// # Errors
/// A breach (its count), or a database error.
pub async fn check(url: &str) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let mut conn = pool.inner.acquire().await.map_err(|e| e.to_string())?;
    let breaches = storage::check::run(&mut conn, pool.backend).await.map_err(|e| e.to_string())?;
    drop(conn);
    pool.inner.close().await;
    for b in &breaches {
        println!("BREACH {}: {}", b.invariant, b.records.join(", "));
    }
    if breaches.is_empty() {
        println!("ok: every invariant holds");
        Ok(())
    } else {
        Err(format!("{} 项不变量不成立", breaches.len()))
    }
}

/// `tiexi audit verify`: recompute the audit chain; the first broken row is named.
///
/// # Errors
/// The database cannot be opened, or the chain is broken (the message names the row).
pub async fn audit_verify(url: &str) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let mut conn = pool.inner.acquire().await.map_err(|e| e.to_string())?;
    let verdict = storage::audit::verify(&mut conn).await.map_err(|e| e.to_string())?;
    drop(conn);
    pool.inner.close().await;
    match verdict {
        Ok(count) => {
            println!("OK：审计记录 {count} 条，哈希链完整");
            Ok(())
        }
        Err(b) => Err(format!("审计链在 seq {} 处断开：{}", b.seq, b.what)),
    }
}

/// `tiexi backup FILE`: a consistent snapshot of the running server's SQLite database
/// (`VACUUM INTO`), checked with `integrity_check` and the audit chain. An existing file
/// is never overwritten; a copy that fails its checks is removed. PostgreSQL: the
/// `pg_dump` command to run instead, and a non-zero exit.
///
/// # Errors
/// PostgreSQL, an existing file, a database error, or a copy that fails its checks.
pub async fn backup(url: &str, out: &std::path::Path) -> Result<(), String> {
    if storage::Backend::of(url).map_err(|e| e.to_string())? == storage::Backend::Postgres {
        return Err(format!(
            "PostgreSQL 请用 pg_dump 备份：pg_dump --format=custom --file={} \"$TIEXI_DATABASE_URL\"；恢复：pg_restore --clean --dbname=… {}",
            out.display(),
            out.display()
        ));
    }
    // Claim the name first: VACUUM INTO accepts an empty file, and no other file is overwritten.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .map_err(|e| format!("不能写入 {}（已存在的文件不会被覆盖）：{e}", out.display()))?;
    let result = snapshot(url, out).await;
    if result.is_err() {
        let _ = std::fs::remove_file(out);
    }
    let count = result?;
    println!("备份完成：{}（integrity_check ok，审计记录 {count} 条，哈希链完整）", out.display());
    Ok(())
}

async fn snapshot(url: &str, out: &std::path::Path) -> Result<i64, String> {
    let path = out.to_str().ok_or("备份文件名应为 UTF-8")?;
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let done = storage::snapshot::vacuum_into(&pool, path).await;
    pool.inner.close().await;
    done.map_err(|e| format!("备份失败：{e}"))?;
    let mut copy = storage::snapshot::open_read_only(path).await.map_err(|e| format!("无法打开备份：{e}"))?;
    let answers = storage::snapshot::integrity_check(&mut copy).await.map_err(|e| e.to_string())?;
    if answers != ["ok"] {
        return Err(format!("备份未通过 integrity_check：{}", answers.join("; ")));
    }
    match storage::audit::verify(&mut copy).await.map_err(|e| e.to_string())? {
        Ok(count) => Ok(count),
        Err(b) => Err(format!("备份中的审计链在 seq {} 处断开：{}", b.seq, b.what)),
    }
}

/// Which report `tiexi report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// `--year Y`: the annual report.
    Year(i32),
    /// `--through Y`: the cumulative report.
    Through(i32),
}

/// `tiexi report --year Y | --through Y -o FILE.xlsx [--issuer 填报单位]`: the division's
/// settings give the heading (`--issuer` overrides its full name); ID numbers always masked
/// (no user is logged in to be allowed more).
///
/// # Errors
/// No such round, a database error, or the file cannot be written.
pub async fn report(url: &str, which: Report, issuer: Option<&str>, out: &std::path::Path) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let mut conn = pool.inner.acquire().await.map_err(|e| e.to_string())?;
    let settings = crate::app::division::settings::load(&mut conn).await.map_err(|e| e.to_string())?;
    let mut heading = settings.heading(chrono::Local::now().date_naive(), false);
    if let Some(issuer) = issuer {
        heading.division = issuer.to_string();
    }
    let book = match which {
        Report::Year(y) => crate::reports::annual(&mut conn, y, &heading).await,
        Report::Through(y) => crate::reports::cumulative(&mut conn, y, &heading).await,
    };
    drop(conn);
    pool.inner.close().await;
    let mut book = book.map_err(|e| e.to_string())?;
    book.save(out).map_err(|e| format!("无法写入 {}：{e}", out.display()))
}

/// `tiexi settings set KEY VALUE`: change one of the division's settings (audited as `cli`).
///
/// # Errors
/// An unknown key, an overlong value, or a database error.
pub async fn settings_set(url: &str, key: &str, value: &str) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let changes = [(key.to_string(), value.to_string())];
    let done = crate::app::division::settings::set(&pool, &crate::app::Actor::cli(), &changes).await;
    pool.inner.close().await;
    match done {
        Ok(_) => Ok(()),
        Err(crate::error::AppError::Db(e)) => Err(format!("数据库错误：{e}")),
        Err(e) => Err(e.to_string()),
    }
}

/// `tiexi settings show`: every setting, its value (or default) and what it is.
///
/// # Errors
/// A database error.
pub async fn settings_show(url: &str) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let mut conn = pool.inner.acquire().await.map_err(|e| e.to_string())?;
    let settings = crate::app::division::settings::load(&mut conn).await.map_err(|e| e.to_string())?;
    drop(conn);
    pool.inner.close().await;
    for s in crate::app::division::settings::ALL {
        println!("{}\t{}\t{}", s.key, settings.get(s.key), s.label);
    }
    Ok(())
}

/// `tiexi history --applicant ID`: one applicant's rounds, projects, grants and payments, the
/// JSON of `GET /api/v1/history` (docs/facts.md), which `tiexi calc --history` reads.
///
/// # Errors
/// A database error, or no identity given.
pub async fn history(url: &str, applicant: &str) -> Result<(), String> {
    let who = crate::app::history::identity(applicant);
    if who.is_empty() {
        return Err("请给出申请人的身份证号或统一社会信用代码（--applicant）".into());
    }
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let mut conn = pool.inner.acquire().await.map_err(|e| e.to_string())?;
    let doc = crate::app::history::document(&mut conn, &who).await.map_err(|e| e.to_string());
    drop(conn);
    pool.inner.close().await;
    println!("{}", serde_json::to_string_pretty(&doc?).map_err(|e| e.to_string())?);
    Ok(())
}
