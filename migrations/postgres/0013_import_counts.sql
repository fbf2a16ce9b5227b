-- The import history of a round (issue 17 item 3): each upload's counts as its preview found
-- them, kept beside the preview so that the history reads no preview JSON (which the purge
-- of a closed round's uploads empties: docs/hazards.md). NULL for uploads made before.
ALTER TABLE imports ADD COLUMN project_count BIGINT;
ALTER TABLE imports ADD COLUMN loan_count BIGINT;
ALTER TABLE imports ADD COLUMN error_count BIGINT;
