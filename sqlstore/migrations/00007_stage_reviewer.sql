-- +goose Up
-- Who reviewed an approval stage, in a column of its own: "the stages this
-- user reviewed" is an indexed equality, not a LIKE on the JSON of
-- reviewed_by (which keeps the reviewer's name as it was). Backfilled from
-- that JSON.
ALTER TABLE approval_stages ADD COLUMN reviewed_by_id TEXT NOT NULL DEFAULT '';
-- +dialect sqlite
UPDATE approval_stages SET reviewed_by_id = COALESCE(json_extract(reviewed_by, '$.UserID'), '')
    WHERE reviewed_by <> '' AND json_valid(reviewed_by);
-- +dialect postgres
UPDATE approval_stages SET reviewed_by_id = COALESCE(reviewed_by::jsonb ->> 'UserID', '')
    WHERE reviewed_by LIKE '{%';
-- +dialect end
CREATE INDEX approval_stages_reviewer ON approval_stages(reviewed_by_id);

-- +goose Down
DROP INDEX approval_stages_reviewer;
ALTER TABLE approval_stages DROP COLUMN reviewed_by_id;
