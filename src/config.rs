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
    /// The binary that parses uploads in a child process (hazards.md); default: this one.
    pub parser: Option<PathBuf>,
    /// Failed logins allowed per user name in `login_window_minutes`.
    pub login_attempts: usize,
    pub login_window_minutes: u64,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            upload_limit: 20 * 1024 * 1024,
            document_limit: 10 * 1024 * 1024,
            secure_cookies: false,
            parser: None,
            login_attempts: 5,
            login_window_minutes: 15,
        }
    }
}

impl AppConfig {
    /// The parser binary: configured, else the running executable.
    #[must_use]
    pub fn parser(&self) -> PathBuf {
        self.parser.clone().or_else(|| std::env::current_exe().ok()).unwrap_or_else(|| PathBuf::from("tiexi"))
    }
}
