//! The login limit (issue 18). Every attempt is counted in SQL before its password or code
//! is checked, per user name and per client address, inside `begin_write`, whose lock
//! serialises every claim on both backends, so that concurrent attempts each see the ones
//! before them. A claim that may go on is written down as a failure at once (undone by
//! a success), and each failure past the free ones sets a growing wait before the
//! subject's next check: the rightful owner gets in once the wait is over, and the answer
//! says how long it is. Attempts refused during a wait are counted but do not lengthen it,
//! so that nobody can keep an account shut by hammering it.
//!
//! Password checks (argon2id, 19 MiB each) run at most `password_checks` at a time; a
//! request that finds none free within a second is answered 503 with `Retry-After`.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::tokio::sync::{Semaphore, SemaphorePermit};

use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::login_attempts::{self, Counters};
use crate::storage::{self, Db};

/// How long a request waits for a free password check before it is told to come back.
const CHECK_WAIT: Duration = Duration::from_secs(1);

/// The argon2 checks that may run at once (managed state).
pub struct PasswordChecks(Semaphore);

impl PasswordChecks {
    #[must_use]
    pub fn new(permits: usize) -> PasswordChecks {
        PasswordChecks(Semaphore::new(permits.max(1)))
    }

    /// A free check, waiting at most a second for one.
    pub(crate) async fn acquire(&self) -> Option<SemaphorePermit<'_>> {
        rocket::tokio::time::timeout(CHECK_WAIT, self.0.acquire()).await.ok()?.ok()
    }
}

/// The client's address as Rocket sees it (the socket's peer, or the `ip_header` of a
/// trusted proxy: README "Settings").
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientAddress {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(ClientAddress(req.client_ip()))
    }
}

/// Who an attempt counts against: the user name, and the address when known.
#[derive(Debug, Clone)]
pub(crate) struct Subjects {
    pub user: String,
    pub address: Option<String>,
}

impl Subjects {
    #[must_use]
    pub fn new(username: &str, address: ClientAddress) -> Subjects {
        // A name longer than any account's is still counted, under its first 100 characters.
        let name: String = username.chars().take(100).collect();
        Subjects { user: format!("user:{name}"), address: address.0.map(|a| format!("addr:{a}")) }
    }

    fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.user.as_str()).chain(self.address.as_deref())
    }
}

/// Whether a check may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    Go,
    /// Not before this many seconds.
    Wait(u64),
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// The wait set by the `failures`-th failure: none for the first `free - 1`, then `base`
/// seconds doubling with each further one, at most `max`.
#[must_use]
pub fn delay_seconds(failures: i64, free: i64, base: i64, max: i64) -> i64 {
    if failures < free.max(1) {
        return 0;
    }
    let doublings = u32::try_from((failures - free.max(1)).min(32)).unwrap_or(32);
    base.max(1).saturating_mul(1_i64 << doublings.min(40)).min(max.max(1))
}

/// Failures are forgotten once the subject stayed quiet for a window after its last wait.
fn forgotten(c: &Counters, now: DateTime<Utc>, window: chrono::Duration) -> bool {
    let last = [&c.last_failure_at, &c.not_before].into_iter().filter_map(|s| parse(s)).max();
    last.is_none_or(|t| t + window < now)
}

/// Count an attempt against each subject, and decide under the write lock: wait (the
/// attempt is counted, nothing else changes) or go (written down as a failure at once).
///
/// # Errors
/// A database error.
pub(crate) async fn claim(db: &Db, config: &AppConfig, who: &Subjects) -> Result<Claim, AppError> {
    let now = Utc::now();
    let window = chrono::Duration::try_minutes(config.login_window_minutes.max(1)).unwrap_or(chrono::Duration::MAX);
    let mut tx = storage::begin_write(db).await?;
    let mut counted = Vec::new();
    let mut wait = 0_i64;
    for subject in who.all() {
        let mut c = login_attempts::count(&mut tx, subject).await?;
        if forgotten(&c, now, window) {
            c.failures = 0;
        }
        if let Some(t) = parse(&c.not_before).filter(|t| *t > now) {
            wait = wait.max((t - now).num_seconds() + 1);
        }
        counted.push((subject, c));
    }
    if wait > 0 {
        tx.commit().await?;
        return Ok(Claim::Wait(u64::try_from(wait).unwrap_or(u64::MAX)));
    }
    let max = config.login_window_minutes.max(1).saturating_mul(60);
    for (subject, c) in counted {
        let free = if subject.starts_with("addr:") { config.login_address_attempts } else { config.login_attempts };
        let failures = c.failures + 1;
        let delay = delay_seconds(failures, free, config.login_delay_seconds, max);
        let not_before = if delay > 0 { stamp(now + chrono::Duration::seconds(delay)) } else { String::new() };
        login_attempts::fail(&mut tx, subject, failures, &stamp(now), &not_before).await?;
    }
    tx.commit().await?;
    Ok(Claim::Go)
}

/// Count an attempt that was not checked at all (every check was busy).
///
/// # Errors
/// A database error.
pub(crate) async fn count_only(db: &Db, who: &Subjects) -> Result<(), AppError> {
    let mut tx = storage::begin_write(db).await?;
    for subject in who.all() {
        login_attempts::count(&mut tx, subject).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The owner proved who they are: the user name's failures are forgotten; the address
/// only loses the failure counted for this check (clearing it would let one account of an
/// attacker's wipe what their address did to others).
///
/// # Errors
/// A database error.
pub(crate) async fn succeeded(db: &Db, who: &Subjects) -> Result<(), AppError> {
    let mut tx = storage::begin_write(db).await?;
    login_attempts::clear(&mut tx, &who.user).await?;
    if let Some(address) = &who.address {
        login_attempts::undo(&mut tx, address).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The password was right but a second factor is still to come: the address's failure for
/// this check is taken back; the user name's stays until the code is right too.
///
/// # Errors
/// A database error.
pub(crate) async fn password_right(db: &Db, who: &Subjects) -> Result<(), AppError> {
    let Some(address) = &who.address else { return Ok(()) };
    let mut tx = storage::begin_write(db).await?;
    login_attempts::undo(&mut tx, address).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::delay_seconds;

    #[test]
    fn the_wait_grows_after_the_free_failures_up_to_the_window() {
        let waits: Vec<i64> = (1..=15).map(|f| delay_seconds(f, 5, 2, 900)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(delay_seconds(i64::MAX, 5, 2, 900), 900, "no overflow");
        assert_eq!(delay_seconds(1, 0, 0, 0), 1, "settings of 0 still wait");
    }
}
