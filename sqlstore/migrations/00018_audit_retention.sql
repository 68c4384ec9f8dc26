-- +goose Up
-- Audit retention: what `entitled audit export --before` wrote and what
-- `entitled audit prune --before` removed. The audit log stays append-only
-- except for events older than the latest recorded prune: a prune writes its
-- row first, then deletes, in one transaction.
CREATE TABLE audit_retention (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    before_time TEXT NOT NULL,
    events INTEGER NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- +dialect sqlite
-- +goose StatementBegin
CREATE TRIGGER audit_retention_no_update BEFORE UPDATE ON audit_retention
BEGIN SELECT RAISE(ABORT, 'audit retention records are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_retention_no_delete BEFORE DELETE ON audit_retention
BEGIN SELECT RAISE(ABORT, 'audit retention records are append-only'); END;
-- +goose StatementEnd

DROP TRIGGER audit_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN old.activity_date_time >= coalesce((SELECT max(before_time) FROM audit_retention WHERE action = 'prune'), '')
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
-- +goose StatementEnd
-- +dialect postgres
-- +goose StatementBegin
CREATE FUNCTION audit_retention_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit retention records are append-only';
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_retention_no_update BEFORE UPDATE ON audit_retention
    FOR EACH ROW EXECUTE FUNCTION audit_retention_append_only();
CREATE TRIGGER audit_retention_no_delete BEFORE DELETE ON audit_retention
    FOR EACH ROW EXECUTE FUNCTION audit_retention_append_only();
CREATE TRIGGER audit_retention_no_truncate BEFORE TRUNCATE ON audit_retention
    FOR EACH STATEMENT EXECUTE FUNCTION audit_retention_append_only();

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.activity_date_time <
        coalesce((SELECT max(before_time) FROM audit_retention WHERE action = 'prune'), '') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END $$;
-- +goose StatementEnd
-- +dialect end

-- +goose Down
-- +dialect sqlite
DROP TRIGGER audit_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
-- +goose StatementEnd
DROP TABLE audit_retention;
-- +dialect postgres
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END $$;
-- +goose StatementEnd
DROP TABLE audit_retention;
DROP FUNCTION audit_retention_append_only();
-- +dialect end
