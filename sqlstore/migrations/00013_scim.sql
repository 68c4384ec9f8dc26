-- +goose Up
-- SCIM provisioning: a user's externalId (the identity provider's id of the
-- user; unique when set) and a token's scope ('' a full token, 'scim' a
-- provisioning token that only the SCIM endpoint accepts).
ALTER TABLE users ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX users_external_id ON users (external_id);
ALTER TABLE tokens ADD COLUMN scope TEXT NOT NULL DEFAULT '';
-- When the user's account was last disabled (NULL while enabled): a leaver's
-- access is removed a grace period after it (entitled.LeaverDue).
ALTER TABLE users ADD COLUMN disabled_at TEXT;

-- +goose Down
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE tokens DROP COLUMN scope;
DROP INDEX users_external_id;
ALTER TABLE users DROP COLUMN external_id;
