-- Rounds (年度) keep their policy as the TOML text, parsed by the same import::policy as
-- `tiexi calc`; pools mirror the policy's pools so that SQL can guard the money.
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    year BIGINT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    policy_toml TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE pools (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('funded', 'matched')),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    granted_fen BIGINT NOT NULL DEFAULT 0 CHECK (granted_fen >= 0 AND granted_fen <= amount_fen),
    paid_fen BIGINT NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= granted_fen),
    UNIQUE (round_id, name),
    UNIQUE (round_id, position)
);
