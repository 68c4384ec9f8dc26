-- +goose Up
-- A token minted over the API with another token records that token as
-- its parent: it expires no later than the parent, and revoking the parent
-- revokes it (RevokeToken cascades down parent_id). No foreign key: the
-- store revokes children itself, and deleting a user revokes the children
-- of their tokens before the tokens go.
ALTER TABLE tokens ADD COLUMN parent_id TEXT;
-- The caller's note on what the token is for.
ALTER TABLE tokens ADD COLUMN description TEXT NOT NULL DEFAULT '';
CREATE INDEX tokens_parent ON tokens(parent_id);
CREATE INDEX tokens_user ON tokens(user_id);

-- +goose Down
DROP INDEX tokens_user;
DROP INDEX tokens_parent;
ALTER TABLE tokens DROP COLUMN description;
ALTER TABLE tokens DROP COLUMN parent_id;
