-- +goose Up
-- How many deliveries a request has. They are all created with the request
-- (or when its delivery starts), so the roll-up knows a request is done
-- when one batch of outcomes made that many of them final, without
-- counting its deliveries again. 0 means unknown (rows from before this
-- migration): the roll-up counts.
ALTER TABLE assignment_requests ADD COLUMN delivery_count INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE assignment_requests DROP COLUMN delivery_count;
