//! The purge of uploads past their time (issue 18, README "Retention"), run by the server
//! at start and then daily, and by `tiexi purge`: the cut-offs from the settings and the
//! clock, one write transaction, and one audit entry naming what went (none when nothing did).

use chrono::{DateTime, Duration, Months, Utc};

use crate::config::AppConfig;
use crate::storage::retention::{self, Cutoffs, Purged};
use crate::storage::{self, Pool};

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The cut-offs of a purge at `now` under the settings.
#[must_use]
pub fn cutoffs(config: &AppConfig, now: DateTime<Utc>) -> Cutoffs {
    let months = u32::try_from(config.retention_years.max(0).saturating_mul(12)).unwrap_or(u32::MAX);
    let closed_before = now.checked_sub_months(Months::new(months)).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let days = |d: i64| Duration::try_days(d.max(0)).unwrap_or(Duration::MAX);
    let minutes = |m: i64| Duration::try_minutes(m.max(0)).unwrap_or(Duration::MAX);
    let before = |d: Duration| now.checked_sub_signed(d).unwrap_or(DateTime::<Utc>::MIN_UTC);
    Cutoffs {
        now: stamp(now),
        unconfirmed_before: stamp(before(days(config.unconfirmed_upload_days))),
        closed_before: stamp(closed_before),
        idle_before: stamp(before(minutes(config.session_idle_minutes))),
        // Twice the longest wait: by then the counter would have been forgotten anyway.
        quiet_before: stamp(before(minutes(config.login_window_minutes.saturating_mul(2)))),
    }
}

/// Purge now; audited as `retention.purge` by `actor` (`system` or `cli`) when anything went.
///
/// # Errors
/// A database error (nothing is removed then).
pub async fn run(pool: &Pool, config: &AppConfig, actor: crate::app::Actor<'_>) -> Result<Purged, sqlx::Error> {
    let cut = cutoffs(config, Utc::now());
    let mut tx = storage::begin_write(pool).await?;
    let purged = retention::purge(&mut tx, &cut).await?;
    if !purged.is_empty() {
        let mut entry = actor.entry("retention.purge", "upload", &cut.now, None);
        entry.old = serde_json::json!({});
        entry.new = serde_json::json!({
                "imports_deleted": purged.imports_deleted, "imports_emptied": purged.imports_emptied,
                "documents_emptied": purged.documents_emptied,
                "unconfirmed_before": cut.unconfirmed_before, "closed_before": cut.closed_before,
        });
        storage::audit::append(&mut tx, &entry).await?;
    }
    tx.commit().await?;
    Ok(purged)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn cutoffs_follow_the_settings() {
        let now = chrono::Utc.with_ymd_and_hms(2030, 3, 1, 12, 0, 0).single().expect("a time");
        let c = super::cutoffs(&crate::config::AppConfig::default(), now);
        assert_eq!(c.now, "2030-03-01T12:00:00Z");
        assert_eq!(c.unconfirmed_before, "2030-02-22T12:00:00Z");
        assert_eq!(c.closed_before, "2025-03-01T12:00:00Z");
        assert_eq!(c.idle_before, "2030-03-01T11:30:00Z");
        assert_eq!(c.quiet_before, "2030-03-01T11:30:00Z");
    }
}
