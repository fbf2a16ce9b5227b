-- The round's project figures kept as they change (issue 19): per round, 团场, applicant
-- type, review state and engine status, how many projects and their requested, granted and
-- paid fen. Triggers keep it in the transaction of every change of projects, so the
-- dashboard and the lists' counts read a few hundred rows instead of scanning the round, and
-- stay exact (storage::dashboard, storage::load::count). A group that empties keeps a row
-- of zeros; readers skip it. A group's row is added with WHERE NOT EXISTS, not INSERT OR
-- IGNORE: inside a trigger the conflict clause of the statement that fired it wins, and the
-- upsert of storage::projects would make an ignored conflict an error.
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

CREATE TRIGGER project_tallies_insert AFTER INSERT ON projects BEGIN
    INSERT INTO project_tallies (round_id, unit, applicant_type, state, calc_status)
    SELECT NEW.round_id, NEW.unit, NEW.applicant_type, NEW.state, NEW.calc_status WHERE NOT EXISTS (
        SELECT 1 FROM project_tallies WHERE round_id = NEW.round_id AND unit = NEW.unit
        AND applicant_type = NEW.applicant_type AND state = NEW.state AND calc_status = NEW.calc_status);
    UPDATE project_tallies SET projects = projects + 1, requested_fen = requested_fen + NEW.requested_fen,
        granted_fen = granted_fen + NEW.granted_fen, paid_fen = paid_fen + NEW.paid_fen
    WHERE round_id = NEW.round_id AND unit = NEW.unit AND applicant_type = NEW.applicant_type
        AND state = NEW.state AND calc_status = NEW.calc_status;
END;
CREATE TRIGGER project_tallies_update AFTER UPDATE OF round_id, unit, applicant_type, state, calc_status, requested_fen, granted_fen, paid_fen ON projects BEGIN
    UPDATE project_tallies SET projects = projects - 1, requested_fen = requested_fen - OLD.requested_fen,
        granted_fen = granted_fen - OLD.granted_fen, paid_fen = paid_fen - OLD.paid_fen
    WHERE round_id = OLD.round_id AND unit = OLD.unit AND applicant_type = OLD.applicant_type
        AND state = OLD.state AND calc_status = OLD.calc_status;
    INSERT INTO project_tallies (round_id, unit, applicant_type, state, calc_status)
    SELECT NEW.round_id, NEW.unit, NEW.applicant_type, NEW.state, NEW.calc_status WHERE NOT EXISTS (
        SELECT 1 FROM project_tallies WHERE round_id = NEW.round_id AND unit = NEW.unit
        AND applicant_type = NEW.applicant_type AND state = NEW.state AND calc_status = NEW.calc_status);
    UPDATE project_tallies SET projects = projects + 1, requested_fen = requested_fen + NEW.requested_fen,
        granted_fen = granted_fen + NEW.granted_fen, paid_fen = paid_fen + NEW.paid_fen
    WHERE round_id = NEW.round_id AND unit = NEW.unit AND applicant_type = NEW.applicant_type
        AND state = NEW.state AND calc_status = NEW.calc_status;
END;
CREATE TRIGGER project_tallies_delete AFTER DELETE ON projects BEGIN
    UPDATE project_tallies SET projects = projects - 1, requested_fen = requested_fen - OLD.requested_fen,
        granted_fen = granted_fen - OLD.granted_fen, paid_fen = paid_fen - OLD.paid_fen
    WHERE round_id = OLD.round_id AND unit = OLD.unit AND applicant_type = OLD.applicant_type
        AND state = OLD.state AND calc_status = OLD.calc_status;
END;
