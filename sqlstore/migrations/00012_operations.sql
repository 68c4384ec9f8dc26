-- +goose Up
-- Long-running operations (a bulk reprocess by filter): one row each, worked
-- by a background job. actor is the caller's identity as of the call (JSON:
-- user and roles), for the job acts for them; filter and system_id say what
-- the caller asked for.
CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    filter TEXT NOT NULL DEFAULT '',
    system_id TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    created_by TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    reprocessed INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    completed_at TEXT
);

-- The requests an operation matched when it was created, and what became of
-- each: pending until its batch runs, then reprocessed or refused (with the
-- code and message of the refusal). A request is worked once per operation:
-- its row leaves pending in the transaction that reprocesses it.
CREATE TABLE operation_requests (
    operation_id TEXT NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
    request_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (operation_id, request_id)
);
CREATE INDEX operation_requests_outcome ON operation_requests(operation_id, outcome, request_id);

-- +goose Down
DROP TABLE operation_requests;
DROP TABLE operations;
