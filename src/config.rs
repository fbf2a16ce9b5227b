//! The app's own settings, read once from Rocket's figment (`Rocket.toml`, `ROCKET_*`).
//! Business parameters are not here: a round's policy is data.

use std::path::PathBuf;

use serde::Deserialize;

/// Settings with their defaults (README: settings table).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    /// The largest workbook accepted, bytes.
    pub upload_limit: u64,
    /// The largest supporting document (PDF, JPEG, PNG) accepted, bytes.
    pub document_limit: u64,
    /// Set `Secure` on cookies (for a site behind a TLS proxy).
    pub secure_cookies: bool,
    /// The binary that parses uploads in a child process (docs/hazards.md); default: this one.
    pub parser: Option<PathBuf>,
    /// Failed logins per user name before each further one waits (`web::accounts::login_limit`).
    pub login_attempts: i64,
    /// Failed logins per client address before each further one waits (offices share one
    /// address behind NAT, so this is larger).
    pub login_address_attempts: i64,
    /// The first wait, seconds; it doubles with each further failure.
    pub login_delay_seconds: i64,
    /// The longest wait, and how long a subject must stay quiet after it before its
    /// failures are forgotten.
    pub login_window_minutes: i64,
    /// Password checks (argon2, 19 MiB each) running at once; more wait briefly, then 503.
    pub password_checks: usize,
    /// A session ends after this long without a request…
    pub session_idle_minutes: i64,
    /// …and in any case this long after the login.
    pub session_hours: i64,
    /// Roles (`division_staff`, `auditor`, …) that must use a TOTP second factor.
    pub second_factor_roles: Vec<String>,
    /// An upload never confirmed (a preview) is deleted after this many days.
    pub unconfirmed_upload_days: i64,
    /// Accepted uploads (confirmed imports, supporting documents) are kept until this many
    /// years after their round closed.
    pub retention_years: i64,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            upload_limit: 20 * 1024 * 1024,
            document_limit: 10 * 1024 * 1024,
            secure_cookies: false,
            parser: None,
            login_attempts: 5,
            login_address_attempts: 20,
            login_delay_seconds: 2,
            login_window_minutes: 15,
            password_checks: 2,
            session_idle_minutes: 30,
            session_hours: 12,
            second_factor_roles: Vec::new(),
            unconfirmed_upload_days: 7,
            retention_years: 5,
        }
    }
}

impl AppConfig {
    /// The parser binary: configured, else the running executable.
    #[must_use]
    pub fn parser(&self) -> PathBuf {
        self.parser.clone().or_else(|| std::env::current_exe().ok()).unwrap_or_else(|| PathBuf::from("tiexi"))
    }

    /// Whether the role must use a second factor.
    #[must_use]
    pub fn second_factor_required(&self, role: crate::accounts::Role) -> bool {
        self.second_factor_roles.iter().any(|r| r == role.code())
    }
}
