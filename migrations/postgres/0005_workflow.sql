-- Running a round (issue 5): review states, documents, grants, disbursement batches and the
-- audit trail. The money invariants are guarded here as well as in code: CHECKs bound every
-- pool and project, maker-checker is a CHECK, and triggers keep paid batches and the audit
-- trail unchangeable. No table is rebuilt (docs/hazards.md: a rebuild cascades deletes).

-- Review states of a project .
UPDATE projects SET state = 'approved' WHERE state = 'paid';
ALTER TABLE projects ADD CONSTRAINT projects_state CHECK (state IN ('draft', 'submitted', 'returned', 'regiment_reviewed', 'division_reviewed', 'published', 'approved', 'rejected', 'withdrawn'));
-- A project is never granted more than it requested (docs/rules.md §6), nor paid beyond its grant.
ALTER TABLE projects ADD CONSTRAINT projects_granted_bound CHECK (granted_fen <= requested_fen AND paid_fen <= granted_fen);

ALTER TABLE projects ADD COLUMN publication_start TEXT;
ALTER TABLE projects ADD COLUMN publication_end TEXT;
ALTER TABLE projects ADD COLUMN decision_reason TEXT NOT NULL DEFAULT '';
-- 收款账户: the payee of the project's disbursements (full number shown only to roles that pay).
ALTER TABLE projects ADD COLUMN payee_name TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN payee_bank TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN payee_account TEXT NOT NULL DEFAULT '';
CREATE INDEX projects_round_state ON projects (round_id, state);

-- Every move of a project between states, and every opinion (from_state = to_state).
CREATE TABLE transitions (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    comment TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX transitions_project ON transitions (project_id);

-- Supporting documents (贷款合同, 结息单), kept in the database so that a backup and a crash
-- keep them consistent with the project; `stored_name` is chosen by the server.
CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CHECK (kind IN ('contract', 'interest_statement', 'other')),
    stored_name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX documents_project ON documents (project_id);

-- An allocation run (docs/rules.md §6 through the engine): proposed by one user, approved by
-- another (maker-checker), whose approval makes its grants count against the pools.
CREATE TABLE allocations (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    rule TEXT NOT NULL CHECK (rule IN ('pro_rata', 'priority')),
    state TEXT NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'approved', 'cancelled')),
    budget_fen BIGINT NOT NULL CHECK (budget_fen >= 0),
    requested_fen BIGINT NOT NULL CHECK (requested_fen >= 0),
    granted_fen BIGINT NOT NULL CHECK (granted_fen >= 0 AND granted_fen <= budget_fen),
    proposed_by BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    proposed_at TEXT NOT NULL,
    decided_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    decided_at TEXT,
    comment TEXT NOT NULL DEFAULT '',
    CHECK (decided_by IS NULL OR decided_by <> proposed_by)
);
CREATE INDEX allocations_round ON allocations (round_id);

-- Grant lines: a grant (> 0) from an allocation, or a release (< 0) when a project is
-- withdrawn or clawed back. Lines are never edited after they are active.
CREATE TABLE grants (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    allocation_id BIGINT REFERENCES allocations (id) ON DELETE RESTRICT,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'release')),
    amount_fen BIGINT NOT NULL CHECK ((kind = 'grant' AND amount_fen > 0) OR (kind = 'release' AND amount_fen < 0)),
    status TEXT NOT NULL CHECK (status IN ('funded', 'partially_funded', 'waitlisted', 'ineligible', 'released')),
    state TEXT NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'active', 'cancelled')),
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL
);
CREATE INDEX grants_project ON grants (project_id);
CREATE INDEX grants_allocation ON grants (allocation_id);

-- The pool split of a grant line (docs/rules.md §6), signed like its line.
CREATE TABLE grant_parts (
    grant_id BIGINT NOT NULL REFERENCES grants (id) ON DELETE RESTRICT,
    pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE RESTRICT,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (grant_id, pool_id)
);

-- 拨付批次: prepared by one user, approved by another, paid with a voucher; a payment batch
-- pays (> 0), a clawback batch (追回) takes back (< 0). A paid batch is immutable.
CREATE TABLE batches (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('payment', 'clawback')),
    state TEXT NOT NULL DEFAULT 'prepared' CHECK (state IN ('prepared', 'approved', 'paid', 'cancelled')),
    item_count BIGINT NOT NULL CHECK (item_count >= 0),
    total_fen BIGINT NOT NULL,
    prepared_by BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    prepared_at TEXT NOT NULL,
    approved_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    approved_at TEXT,
    paid_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    paid_at TEXT,
    voucher_no TEXT,
    paid_on TEXT,
    cancelled_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    cancelled_at TEXT,
    comment TEXT NOT NULL DEFAULT '',
    UNIQUE (round_id, number),
    CHECK (approved_by IS NULL OR approved_by <> prepared_by),
    CHECK ((kind = 'payment' AND total_fen >= 0) OR (kind = 'clawback' AND total_fen <= 0)),
    CHECK (state <> 'paid' OR (voucher_no IS NOT NULL AND voucher_no <> '' AND paid_on IS NOT NULL))
);
CREATE INDEX batches_round ON batches (round_id);

CREATE TABLE batch_items (
    id BIGSERIAL PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES batches (id) ON DELETE RESTRICT,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    amount_fen BIGINT NOT NULL CHECK (amount_fen <> 0),
    payee_name TEXT NOT NULL,
    payee_bank TEXT NOT NULL,
    payee_account TEXT NOT NULL,
    UNIQUE (batch_id, project_id)
);
CREATE INDEX batch_items_project ON batch_items (project_id);

CREATE TABLE batch_parts (
    item_id BIGINT NOT NULL REFERENCES batch_items (id) ON DELETE RESTRICT,
    pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE RESTRICT,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (item_id, pool_id)
);

-- A paid or cancelled batch never changes; nor do its items and parts.
CREATE FUNCTION tiexi_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;
CREATE FUNCTION tiexi_batch_items_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN b := NEW.batch_id; ELSE b := OLD.batch_id; END IF;
    IF (SELECT state FROM batches WHERE id = b) <> 'prepared' THEN
        RAISE EXCEPTION 'items of an approved, paid or cancelled batch are immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER batches_final BEFORE UPDATE ON batches FOR EACH ROW
WHEN (OLD.state IN ('paid', 'cancelled')) EXECUTE FUNCTION tiexi_refuse('a paid or cancelled batch is immutable');
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches FOR EACH ROW
EXECUTE FUNCTION tiexi_refuse('batches are never deleted');
CREATE TRIGGER batch_items_final BEFORE INSERT OR UPDATE OR DELETE ON batch_items FOR EACH ROW
EXECUTE FUNCTION tiexi_batch_items_final();

-- The audit trail: append-only and hash-chained (hash = sha256 of the previous hash and
-- this row's fields; storage::audit). Personal numbers are masked before they get here.
CREATE TABLE audit (
    seq BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    round_id BIGINT,
    old_json TEXT NOT NULL,
    new_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_entity ON audit (entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW
EXECUTE FUNCTION tiexi_refuse('the audit trail is append-only');
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT
EXECUTE FUNCTION tiexi_refuse('the audit trail is append-only');

-- Idempotent requests: a repeated one-time token or Idempotency-Key returns the first result.
CREATE TABLE idempotency (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    status BIGINT,
    content_type TEXT,
    location TEXT,
    body BYTEA,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
