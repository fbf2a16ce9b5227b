-- One row whose update opens every write transaction, so that SQLite takes the write lock
-- at the start (storage::begin_write; docs/hazards.md: deferred BEGIN fails under concurrency).
CREATE TABLE write_lock (id BIGINT PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
INSERT INTO write_lock (id, n) VALUES (1, 0);
