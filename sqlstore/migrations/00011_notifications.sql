-- +goose Up
-- The messages entitled sends (or, without an SMTP server, records): one row
-- per notice and recipient (unique), so a notice worked twice (a retry, a
-- crash) finds its row instead of recording it again. Bodies are not kept (the outbox page
-- renders them again); the subject says what the message was.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL,
    event TEXT NOT NULL,
    request_id TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    recipient_address TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (notice_id, recipient_id)
);
CREATE INDEX notifications_created ON notifications(created_at);
CREATE INDEX notifications_request ON notifications(request_id);

-- When a stage went in progress: its escalation approvers may decide once
-- it has waited durationBeforeEscalation (ApprovalStage.Escalated).
ALTER TABLE approval_stages ADD COLUMN started_at TEXT;

-- +goose Down
ALTER TABLE approval_stages DROP COLUMN started_at;
DROP TABLE notifications;
