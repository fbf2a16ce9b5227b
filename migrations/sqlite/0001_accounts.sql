-- Accounts and server-side sessions: the cookie carries only a random id whose hash is
-- stored here, so logging out or disabling a user ends the session (docs/hazards.md, Rocket).
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('division_staff', 'regiment_staff', 'cooperative', 'bureau_reviewer', 'auditor')),
    unit TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    CHECK (role <> 'regiment_staff' OR unit IS NOT NULL)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
