-- Audit event ids are UUIDv7 carrying the event's time (sqlstore/auditid.go):
-- a time range is an id range on the primary key, so the index on
-- activity_date_time costs a write per event for no query.

-- +goose Up
DROP INDEX audit_events_time;

-- +goose Down
CREATE INDEX audit_events_time ON audit_events(activity_date_time, id);
