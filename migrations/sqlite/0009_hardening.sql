-- Issue 18 (hardening). Login attempts are counted in SQL before a password is checked,
-- per user name ('user:NAME') and per client address ('addr:IP'): every attempt, the
-- failures that set the growing delay, and the moment before which none is checked.
CREATE TABLE login_attempts (
    subject TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    last_failure_at TEXT NOT NULL DEFAULT '',
    not_before TEXT NOT NULL DEFAULT ''
);

-- Sessions: the idle timeout reads the last request's time; a session that waits for its
-- second factor (password right, code not yet given) opens nothing else.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN second_factor_pending BIGINT NOT NULL DEFAULT 0 CHECK (second_factor_pending IN (0, 1));

-- TOTP (RFC 6238): the secret once confirmed, the one being enrolled, and the last time
-- step used, so that a code is accepted once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- One-time recovery codes: only their SHA-256 (each code carries 120 random bits).
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Retention: an upload's bytes are removed when its time is up; the row stays for the
-- trail (what was imported, by whom, its SHA-256).
ALTER TABLE imports ADD COLUMN purged_at TEXT;
ALTER TABLE documents ADD COLUMN purged_at TEXT;
