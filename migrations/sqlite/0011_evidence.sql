-- Evidence before money (issue 15, docs/rules.md §9, docs/facts.md): the banks' interest
-- statements of a round (uploaded, previewed, confirmed all or nothing, like an import),
-- the review of each supporting document, and the indexes that let the cross-round checks
-- (days already subsidised, earlier grants of the same applicant) be set-based queries.

-- A statement file as uploaded: its bytes and SHA-256 (the same file twice is confirmed
-- once), its preview, and whether it was confirmed.
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    file_bytes BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'previewed' CHECK (status IN ('previewed', 'confirmed')),
    preview_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT
);
CREATE INDEX statements_round_sha ON statements (round_id, file_sha256);

-- The lines of confirmed statements: per contract and interest period [from_on, to_on]
-- (both days included), the normal interest paid; 罚息 is kept, never subsidised.
CREATE TABLE statement_lines (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES statements (id) ON DELETE RESTRICT,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    contract_no TEXT NOT NULL,
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    paid_fen BIGINT NOT NULL CHECK (paid_fen >= 0),
    penalty_fen BIGINT CHECK (penalty_fen >= 0),
    bank TEXT NOT NULL DEFAULT '',
    sheet TEXT NOT NULL DEFAULT '',
    source_row BIGINT NOT NULL DEFAULT 0,
    CHECK (to_on >= from_on)
);
CREATE INDEX statement_lines_round ON statement_lines (round_id, contract_no);
CREATE INDEX statement_lines_statement ON statement_lines (statement_id);
CREATE TRIGGER statement_lines_no_update BEFORE UPDATE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are never edited'); END;
CREATE TRIGGER statement_lines_no_delete BEFORE DELETE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are never deleted'); END;

-- Documents: the category the policy's evidence.documents names (blank: the kind's own
-- label), and the staff's review with the reason the applicant sees.
ALTER TABLE documents ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN review TEXT NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'accepted', 'rejected'));
ALTER TABLE documents ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN reviewed_by BIGINT REFERENCES users (id) ON DELETE RESTRICT;
ALTER TABLE documents ADD COLUMN reviewed_at TEXT;

-- A project carried forward from the previous round (continuing loans) keeps its origin.
ALTER TABLE projects ADD COLUMN carried_from BIGINT REFERENCES projects (id) ON DELETE RESTRICT;

-- Cross-round checks: the same contract in other rounds, the same applicant by either identity.
CREATE INDEX loans_contract ON loans (contract_no);
CREATE INDEX projects_id_number ON projects (id_number);
CREATE INDEX projects_credit_code ON projects (credit_code);
