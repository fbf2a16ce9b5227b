-- Projects, loans and events of a round. Natural keys are unique so that a re-import
-- updates and never duplicates: a project by (round, project key), a loan by (round,
-- contract number, occurrence) — occurrence > 0 keeps a workbook's repeated contract
-- rows, which docs/rules.md §4 marks `duplicate_contract`. Money is BIGINT fen.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    file_bytes BLOB NOT NULL,
    only_valid BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'previewed' CHECK (status IN ('previewed', 'confirmed')),
    preview_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT
);
CREATE INDEX imports_round_sha ON imports (round_id, file_sha256);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    project_key TEXT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    applicant_type TEXT NOT NULL,
    org_name TEXT NOT NULL DEFAULT '',
    credit_code TEXT NOT NULL DEFAULT '',
    leader TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    union_member BIGINT,
    industry TEXT NOT NULL DEFAULT '',
    households BIGINT NOT NULL CHECK (households >= 0),
    hardship_households BIGINT,
    radiated_households BIGINT,
    income_increase_fen BIGINT,
    score TEXT,
    note TEXT NOT NULL DEFAULT '',
    extra_json TEXT NOT NULL DEFAULT '[]',
    owner_id BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    import_id BIGINT REFERENCES imports (id) ON DELETE RESTRICT,
    state TEXT NOT NULL DEFAULT 'submitted',
    requested_fen BIGINT NOT NULL DEFAULT 0 CHECK (requested_fen >= 0),
    calc_status TEXT NOT NULL DEFAULT 'ineligible',
    granted_fen BIGINT NOT NULL DEFAULT 0 CHECK (granted_fen >= 0),
    paid_fen BIGINT NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= granted_fen),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, project_key)
);
CREATE INDEX projects_round_unit ON projects (round_id, unit);
CREATE INDEX projects_owner ON projects (owner_id);

CREATE TABLE loans (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    contract_no TEXT NOT NULL,
    occurrence BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL,
    bank TEXT NOT NULL DEFAULT '',
    principal_fen BIGINT NOT NULL CHECK (principal_fen > 0),
    rate TEXT NOT NULL,
    disbursed_on TEXT NOT NULL,
    maturity_on TEXT NOT NULL,
    settled_on TEXT,
    interest_paid_fen BIGINT CHECK (interest_paid_fen >= 0),
    source_row BIGINT NOT NULL DEFAULT 0,
    UNIQUE (round_id, contract_no, occurrence)
);
CREATE INDEX loans_project ON loans (project_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    loan_id BIGINT NOT NULL REFERENCES loans (id) ON DELETE CASCADE,
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('repayment', 'rate_change', 'overdue_start', 'overdue_end', 'extension')),
    amount_fen BIGINT CHECK (amount_fen > 0),
    rate TEXT,
    extended_to TEXT
);
CREATE INDEX events_loan ON events (loan_id);
