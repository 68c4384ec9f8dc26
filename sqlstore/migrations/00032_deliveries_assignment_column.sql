-- A delivery's assignment is always its request's (a grant's request
-- creates the assignment, a revoke's request removes it, and reprocess
-- runs the same rows again): deliveries read it through their request
-- (deliveriesFrom, sqlstore/deliveries.go) instead of repeating 36 bytes
-- per delivery. On SQLite the drop rewrites the table.

-- +goose Up
ALTER TABLE deliveries DROP COLUMN assignment_id;

-- +goose Down
ALTER TABLE deliveries ADD COLUMN assignment_id TEXT NOT NULL DEFAULT '';
UPDATE deliveries SET assignment_id = (SELECT r.assignment_id FROM assignment_requests r WHERE r.id = deliveries.request_id);
