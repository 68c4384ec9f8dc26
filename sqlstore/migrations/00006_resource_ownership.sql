-- +goose Up
-- Who brings a resource into a catalog (entitled.MayAddResource): a catalog
-- owner may add a directory group they own, or a resource of a connected
-- system whose administrators delegated it to their catalog.
CREATE TABLE group_owners (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_owners_user ON group_owners(user_id);

CREATE TABLE system_catalogs (
    system_id TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    catalog_id TEXT NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
    PRIMARY KEY (system_id, catalog_id)
);
CREATE INDEX system_catalogs_catalog ON system_catalogs(catalog_id);

-- +goose Down
DROP TABLE system_catalogs;
DROP TABLE group_owners;
