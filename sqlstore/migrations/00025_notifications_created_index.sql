-- Notification ids carry their creation time (UUIDv7 of created_at, as
-- audit event ids do since 00020): pruning the outbox and a filter on
-- createdDateTime find the rows by id range, so the index on created_at
-- costs a write per message for no query. Messages recorded before took
-- the clock a moment after created_at; the prune's id bound allows an
-- hour of slack (auditIDBefore).

-- +goose Up
DROP INDEX notifications_created;

-- +goose Down
CREATE INDEX notifications_created ON notifications(created_at);
