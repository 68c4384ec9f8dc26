-- +goose Up
-- Graph's user property preferredLanguage: a BCP 47 tag ("fr-FR"), '' when
-- unset. The web UI and emails speak it to the user.
ALTER TABLE users ADD COLUMN preferred_language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN preferred_language;
