-- Reports fit to send upward (issue 16): the division's settings the reports print, each
-- pool kept as an account (到位 received, 结转 carried to the next round, 历史拨付 paid
-- before the system) and a round's 绩效 targets. Rows are never edited: a wrong receipt,
-- carry-over or payment record is cancelled (state, who, when) and entered again, and every
-- change writes an audit row (storage::audit) in the same transaction.

-- Settings of the division (填报单位全称, the signature line's titles, 制表人, the paying
-- account, where to object to a 公示): key and text; the keys are fixed in code.
CREATE TABLE division_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    updated_at TEXT NOT NULL
);

-- 到位: money received into a pool, with its date and document number (文号 or 凭证号).
CREATE TABLE pool_receipts (
    id INTEGER PRIMARY KEY,
    pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE RESTRICT,
    received_on TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    document_no TEXT NOT NULL CHECK (document_no <> ''),
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled')),
    created_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    cancelled_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    cancelled_at TEXT
);
CREATE INDEX pool_receipts_pool ON pool_receipts (pool_id);

-- 结转: unspent money of a pool carried to a pool of the next round. One row records both
-- sides: 结转下年 of the one pool, 上年结转 of the other.
CREATE TABLE carryovers (
    id INTEGER PRIMARY KEY,
    from_pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE RESTRICT,
    to_pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE RESTRICT,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    carried_on TEXT NOT NULL,
    document_no TEXT NOT NULL CHECK (document_no <> ''),
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled')),
    created_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    cancelled_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    cancelled_at TEXT,
    CHECK (from_pool_id <> to_pool_id)
);
CREATE INDEX carryovers_from ON carryovers (from_pool_id);
CREATE INDEX carryovers_to ON carryovers (to_pool_id);

-- 历史拨付: money of a pool paid before the system (no batch exists for it). Recording one
-- adds to the pool's paid_fen, so that the pools' CHECKs bound it by what was granted.
CREATE TABLE historical_payments (
    id INTEGER PRIMARY KEY,
    pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE RESTRICT,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on TEXT,
    voucher_no TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled')),
    created_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    cancelled_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    cancelled_at TEXT
);
CREATE INDEX historical_payments_pool ON historical_payments (pool_id);

-- A database of closed rounds recorded as totals (paid_fen without batches, as the demo's
-- history was) gets its paid money recorded as 历史拨付, so that every paid fen has a line.
INSERT INTO historical_payments (pool_id, amount_fen, paid_on, voucher_no, note, created_at)
SELECT l.id, l.paid_fen - COALESCE((SELECT SUM(bp.amount_fen) FROM batch_parts bp JOIN batch_items i ON i.id = bp.item_id
        JOIN batches b ON b.id = i.batch_id WHERE bp.pool_id = l.id AND b.state = 'paid'), 0),
    NULL, '', '系统启用前已拨付（升级时按原记录补登）', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM pools l JOIN rounds r ON r.id = l.round_id
WHERE r.status = 'closed' AND l.paid_fen > COALESCE((SELECT SUM(bp.amount_fen) FROM batch_parts bp
    JOIN batch_items i ON i.id = bp.item_id JOIN batches b ON b.id = i.batch_id WHERE bp.pool_id = l.id AND b.state = 'paid'), 0);

-- 绩效目标 of a round: a built-in indicator (computed by the engine) or one staff add with
-- its unit; target, weight (分值) and, where staff type it, the actual value; the reason for
-- a deviation. Decimal values are canonical text.
CREATE TABLE performance_targets (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE RESTRICT,
    position BIGINT NOT NULL,
    indicator TEXT NOT NULL,
    name TEXT NOT NULL CHECK (name <> ''),
    unit TEXT NOT NULL,
    direction TEXT NOT NULL DEFAULT 'at_least' CHECK (direction IN ('at_least', 'at_most')),
    target TEXT NOT NULL,
    weight TEXT NOT NULL,
    actual TEXT,
    reason TEXT NOT NULL DEFAULT '',
    updated_by BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, name)
);
CREATE INDEX performance_targets_round ON performance_targets (round_id, position);
