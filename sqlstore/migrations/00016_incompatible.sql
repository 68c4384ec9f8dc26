-- +goose Up
-- Separation of duties: an access package names the packages and the groups
-- whose holders may not get it (Graph's incompatibleAccessPackages and
-- incompatibleGroups). A pair applies both ways for packages.
CREATE TABLE incompatible_packages (
    access_package_id TEXT NOT NULL REFERENCES access_packages(id) ON DELETE CASCADE,
    incompatible_id TEXT NOT NULL REFERENCES access_packages(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (access_package_id, incompatible_id)
);
CREATE INDEX incompatible_packages_other ON incompatible_packages(incompatible_id);

CREATE TABLE incompatible_groups (
    access_package_id TEXT NOT NULL REFERENCES access_packages(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (access_package_id, group_id)
);

-- +goose Down
DROP TABLE incompatible_groups;
DROP TABLE incompatible_packages;
