-- Issue 14 (paying for real). The bank's answer to a batch (回单): uploaded once, it settles
-- every line of an approved batch. Lines the bank paid are paid on its date; lines it failed
-- stay unpaid with the bank's reason and can go in a later batch (docs/payments.md).
CREATE TABLE batch_returns (
    id INTEGER PRIMARY KEY,
    batch_id BIGINT NOT NULL UNIQUE REFERENCES batches (id) ON DELETE RESTRICT,
    paid_on TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    line_count BIGINT NOT NULL CHECK (line_count >= 0),
    total_fen BIGINT NOT NULL,
    failed_count BIGINT NOT NULL CHECK (failed_count >= 0),
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL
);

-- A line the bank did not pay (失败), with its reason; every other line of a returned batch
-- was paid.
CREATE TABLE batch_failures (
    item_id BIGINT PRIMARY KEY REFERENCES batch_items (id) ON DELETE RESTRICT,
    return_id BIGINT NOT NULL REFERENCES batch_returns (id) ON DELETE RESTRICT,
    reason TEXT NOT NULL
);
CREATE INDEX batch_failures_return ON batch_failures (return_id);

-- The bank's answer is a record: never edited, never deleted.
CREATE TRIGGER batch_returns_final BEFORE UPDATE ON batch_returns
BEGIN SELECT RAISE(ABORT, 'a bank return is immutable'); END;
CREATE TRIGGER batch_returns_no_delete BEFORE DELETE ON batch_returns
BEGIN SELECT RAISE(ABORT, 'a bank return is immutable'); END;
CREATE TRIGGER batch_failures_final BEFORE UPDATE ON batch_failures
BEGIN SELECT RAISE(ABORT, 'a bank return is immutable'); END;
CREATE TRIGGER batch_failures_no_delete BEFORE DELETE ON batch_failures
BEGIN SELECT RAISE(ABORT, 'a bank return is immutable'); END;
