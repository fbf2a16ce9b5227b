-- The round's project figures kept as they change (issue 19): per round, 团场, applicant
-- type, review state and engine status, how many projects and their requested, granted and
-- paid fen. Triggers keep it in the transaction of every change of projects, so the
-- dashboard and the lists' counts read a few hundred rows instead of scanning the round, and
-- stay exact (storage::dashboard, storage::load::count). A group that empties keeps a row
-- of zeros; readers skip it. Statement-level triggers with transition tables: a multi-row
-- INSERT or UPDATE of 500 projects (storage::bulk) adds its groups once, not row by row.
CREATE TABLE project_tallies (
    round_id BIGINT NOT NULL,
    unit TEXT NOT NULL,
    applicant_type TEXT NOT NULL,
    state TEXT NOT NULL,
    calc_status TEXT NOT NULL,
    projects BIGINT NOT NULL DEFAULT 0,
    requested_fen BIGINT NOT NULL DEFAULT 0,
    granted_fen BIGINT NOT NULL DEFAULT 0,
    paid_fen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, unit, applicant_type, state, calc_status)
);
INSERT INTO project_tallies (round_id, unit, applicant_type, state, calc_status, projects, requested_fen, granted_fen, paid_fen)
SELECT round_id, unit, applicant_type, state, calc_status, COUNT(*), SUM(requested_fen), SUM(granted_fen), SUM(paid_fen)
FROM projects GROUP BY round_id, unit, applicant_type, state, calc_status;

CREATE FUNCTION tiexi_tally_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO project_tallies AS t (round_id, unit, applicant_type, state, calc_status, projects, requested_fen, granted_fen, paid_fen)
        SELECT round_id, unit, applicant_type, state, calc_status, -COUNT(*), -SUM(requested_fen), -SUM(granted_fen), -SUM(paid_fen)
        FROM old_rows GROUP BY round_id, unit, applicant_type, state, calc_status
        ON CONFLICT (round_id, unit, applicant_type, state, calc_status) DO UPDATE SET projects = t.projects + excluded.projects,
            requested_fen = t.requested_fen + excluded.requested_fen, granted_fen = t.granted_fen + excluded.granted_fen,
            paid_fen = t.paid_fen + excluded.paid_fen;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO project_tallies AS t (round_id, unit, applicant_type, state, calc_status, projects, requested_fen, granted_fen, paid_fen)
        SELECT round_id, unit, applicant_type, state, calc_status, COUNT(*), SUM(requested_fen), SUM(granted_fen), SUM(paid_fen)
        FROM new_rows GROUP BY round_id, unit, applicant_type, state, calc_status
        ON CONFLICT (round_id, unit, applicant_type, state, calc_status) DO UPDATE SET projects = t.projects + excluded.projects,
            requested_fen = t.requested_fen + excluded.requested_fen, granted_fen = t.granted_fen + excluded.granted_fen,
            paid_fen = t.paid_fen + excluded.paid_fen;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER project_tallies_insert AFTER INSERT ON projects REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION tiexi_tally_projects();
CREATE TRIGGER project_tallies_update AFTER UPDATE ON projects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION tiexi_tally_projects();
CREATE TRIGGER project_tallies_delete AFTER DELETE ON projects REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION tiexi_tally_projects();
