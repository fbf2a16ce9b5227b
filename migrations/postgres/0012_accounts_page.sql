-- The accounts page (issue 17 item 1, docs/accounts.md): a password set by staff (a new
-- account's or a reset one) is a one-time password that its user must change at the next
-- login; and the time of each user's last login, shown on the page (UTC, RFC 3339).
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN last_login_at TEXT;
