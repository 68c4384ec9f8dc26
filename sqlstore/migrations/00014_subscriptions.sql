-- +goose Up
-- Event subscriptions: other systems told of every lifecycle event as a
-- signed CloudEvent. The secret is write-only: the API never returns it
-- (as connected systems keep theirs).
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- The outbox of sends: one row per event and matching subscription,
-- inserted in the transaction of the change. seq numbers the events of one
-- subject (a request, a system) per subscription; a send waits for the
-- earlier sends of its subject. next_at is when it is due (a sender that
-- claims it moves it ahead by its lease, so a crash mid-send only delays it).
CREATE TABLE subscription_sends (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    subject TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_time TEXT NOT NULL,
    data TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    response_status INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    sent_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (subscription_id, subject, seq)
);
CREATE INDEX subscription_sends_due ON subscription_sends(status, next_at);
CREATE INDEX subscription_sends_created ON subscription_sends(subscription_id, created_at);

-- +goose Down
DROP TABLE subscription_sends;
DROP TABLE subscriptions;
