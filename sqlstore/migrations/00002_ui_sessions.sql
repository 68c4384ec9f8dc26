-- +goose Up
-- Web UI sign-in: one-time sign-in links and browser sessions. Only the
-- SHA-256 hash of each secret is stored; rows past expires_at are dead and
-- are deleted as new links and sessions are made.
CREATE TABLE ui_login_links (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ui_login_links_expires ON ui_login_links(expires_at);

CREATE TABLE ui_sessions (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ui_sessions_expires ON ui_sessions(expires_at);
CREATE INDEX ui_sessions_user ON ui_sessions(user_id);

-- +goose Down
DROP TABLE ui_sessions;
DROP TABLE ui_login_links;
