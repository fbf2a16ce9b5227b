//! The subcommands that work on the database: `serve` and `user add`.

use std::io::{BufRead, Write};

use rocket::figment::Figment;

use crate::accounts::{self, Role};
use crate::storage;

/// The default database: a SQLite file under `data/`, created on first start.
pub const DEFAULT_DATABASE: &str = "sqlite://data/tiexi.db";

/// The database URL: `--database`, else `TIEXI_DATABASE_URL`, else the default.
#[must_use]
pub fn database_url(flag: Option<String>) -> String {
    flag.or_else(|| std::env::var("TIEXI_DATABASE_URL").ok()).unwrap_or_else(|| DEFAULT_DATABASE.to_string())
}

/// Rocket's figment (Rocket.toml, ROCKET_*) with the database URL merged in.
#[must_use]
pub fn figment(url: &str) -> Figment {
    rocket::Config::figment().merge(("databases.tiexi.url", url))
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

/// `tiexi user add --username U --role R [--unit 团场] [--password-stdin]`.
///
/// # Errors
/// A bad role, a missing unit, a short password, or a database error.
pub async fn user_add(url: &str, username: &str, role: &str, unit: Option<&str>, password: &str) -> Result<(), String> {
    let role = Role::parse(role).ok_or_else(|| {
        format!("未知角色 {role}，可选：division_staff, regiment_staff, cooperative, bureau_reviewer, auditor")
    })?;
    if role == Role::RegimentStaff && unit.is_none() {
        return Err("团场工会账户需要 --unit 团场".into());
    }
    if password.chars().count() < 8 {
        return Err("密码至少 8 位".into());
    }
    let hash = accounts::hash_password(password).map_err(|e| e.to_string())?;
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let mut tx = storage::begin_write(&pool).await.map_err(|e| e.to_string())?;
    storage::users::insert(&mut tx, username, &hash, role.code(), unit)
        .await
        .map_err(|e| format!("无法创建账户（用户名可能已存在）：{e}"))?;
    tx.commit().await.map_err(|e| e.to_string())?;
    pool.inner.close().await;
    Ok(())
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

/// `tiexi user disable --username U`: the account can no longer log in, and its sessions end.
///
/// # Errors
/// No such user, or a database error.
pub async fn user_disable(url: &str, username: &str) -> Result<(), String> {
    let pool = storage::connect(url, 2).await.map_err(|e| format!("无法打开数据库：{e}"))?;
    let mut tx = storage::begin_write(&pool).await.map_err(|e| e.to_string())?;
    let user = storage::users::find_by_name(&mut tx, username)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("没有账户 {username}"))?;
    storage::users::set_disabled(&mut tx, user.id, true).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    pool.inner.close().await;
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
