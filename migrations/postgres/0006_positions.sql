-- A new project goes last (storage::projects::upsert: MAX(position) of the round); without
-- this index each insert scanned the round, and a 100,000-project import took minutes.
CREATE INDEX projects_round_position ON projects (round_id, position);
