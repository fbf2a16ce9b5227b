-- Decisions that nothing bends (issue 12): the division's list of 团场, and the review cuts
-- (核减, docs/rules.md §9). Objections (异议) and their resolutions are transitions
-- (`object`, `resolve`), like opinions: they keep the state.

-- The division's 团场: the online application picks from it, a project's 团场 is corrected
-- to one of it. Division staff add and retire names; a name is never deleted, since
-- projects and users keep it as text. Seeded with the 团场 of the regiment accounts.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    position BIGINT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);
INSERT INTO units (name, position, created_at)
SELECT unit, ROW_NUMBER() OVER (ORDER BY MIN(id)) - 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM users WHERE role = 'regiment_staff' AND unit IS NOT NULL AND unit <> '' GROUP BY unit;

-- Review cuts, append-only: the latest row of a project's contract is the cut in force; a
-- row of kind 'none' withdraws it. Each row keeps who cut, when, why and by how much.
CREATE TABLE cuts (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE RESTRICT,
    contract_no TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('excluded', 'amount', 'none')),
    amount_fen BIGINT CHECK (amount_fen >= 0),
    reason TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    actor_id BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    at TEXT NOT NULL,
    CHECK ((kind = 'amount') = (amount_fen IS NOT NULL)),
    CHECK (kind = 'none' OR reason IN ('materials_incomplete', 'purpose_mismatch', 'overdue', 'not_this_year', 'other')),
    CHECK (reason <> 'other' OR comment <> '')
);
CREATE INDEX cuts_round ON cuts (round_id, contract_no);
CREATE INDEX cuts_project ON cuts (project_id, contract_no);
CREATE TRIGGER cuts_no_update BEFORE UPDATE ON cuts
BEGIN SELECT RAISE(ABORT, 'review cuts are append-only'); END;
CREATE TRIGGER cuts_no_delete BEFORE DELETE ON cuts
BEGIN SELECT RAISE(ABORT, 'review cuts are append-only'); END;

-- The latest publication and the objections since are looked up per project.
CREATE INDEX transitions_project_action ON transitions (project_id, action);
