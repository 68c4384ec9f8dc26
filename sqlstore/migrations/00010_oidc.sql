-- +goose Up
-- OpenID Connect: the provider's subject recorded for a user at sign-in
-- (issuer + subject name one person, whatever their email becomes), and the
-- applications registered as service principals. A service principal is
-- also a row of users, hidden from the user list, so that role
-- assignments, audit events and requests reference it like any principal.
CREATE TABLE oidc_subjects (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_subjects_user ON oidc_subjects(user_id);

CREATE TABLE service_principals (
    id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    app_id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE service_principals;
DROP TABLE oidc_subjects;
