-- +goose Up
-- The first schema. Times are fixed-width UTC text and booleans INTEGER 0/1,
-- on both dialects, so one set of queries runs on both.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    user_principal_name TEXT NOT NULL,
    upn_key TEXT NOT NULL UNIQUE, -- lower-cased userPrincipalName
    display_name TEXT NOT NULL DEFAULT '',
    mail TEXT NOT NULL DEFAULT '',
    account_enabled INTEGER NOT NULL DEFAULT 1,
    manager_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    mail_nickname TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);

CREATE TABLE role_assignments (
    id TEXT PRIMARY KEY,
    principal_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_definition_id TEXT NOT NULL,
    directory_scope_id TEXT NOT NULL DEFAULT '',
    app_scope_id TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (principal_id, role_definition_id, directory_scope_id, app_scope_id)
);

CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    expires_at TEXT,
    revoked_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    config TEXT NOT NULL DEFAULT '{}',
    retry TEXT NOT NULL DEFAULT '{}',
    built_in INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);

CREATE TABLE catalogs (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    catalog_type TEXT NOT NULL DEFAULT 'userManaged',
    state TEXT NOT NULL DEFAULT 'published',
    is_externally_visible INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);

CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    catalog_id TEXT NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES systems(id),
    display_name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    origin_id TEXT NOT NULL,
    origin_system TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    UNIQUE (catalog_id, system_id, origin_id)
);

CREATE TABLE resource_roles (
    id TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    origin_id TEXT NOT NULL,
    origin_system TEXT NOT NULL,
    UNIQUE (resource_id, origin_id)
);

CREATE TABLE resource_requests (
    id TEXT PRIMARY KEY,
    request_type TEXT NOT NULL,
    state TEXT NOT NULL,
    catalog_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    resource TEXT NOT NULL DEFAULT '{}', -- JSON snapshot of the resource
    created_at TEXT NOT NULL
);

CREATE TABLE access_packages (
    id TEXT PRIMARY KEY,
    catalog_id TEXT NOT NULL REFERENCES catalogs(id),
    display_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_hidden INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX access_packages_catalog ON access_packages(catalog_id);

CREATE TABLE resource_role_scopes (
    id TEXT PRIMARY KEY,
    access_package_id TEXT NOT NULL REFERENCES access_packages(id) ON DELETE CASCADE,
    resource_role_id TEXT NOT NULL REFERENCES resource_roles(id),
    resource_id TEXT NOT NULL REFERENCES resources(id),
    created_at TEXT NOT NULL,
    UNIQUE (access_package_id, resource_role_id)
);

CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    access_package_id TEXT NOT NULL REFERENCES access_packages(id),
    catalog_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    allowed_target_scope TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}', -- JSON: targets, requestor, approval, expiration
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX policies_package ON policies(access_package_id);

CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    access_package_id TEXT NOT NULL REFERENCES access_packages(id),
    policy_id TEXT NOT NULL,
    catalog_id TEXT NOT NULL,
    target_id TEXT NOT NULL REFERENCES users(id),
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    schedule TEXT NOT NULL DEFAULT '{}',
    expired_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX assignments_target_package ON assignments(target_id, access_package_id);
CREATE INDEX assignments_package ON assignments(access_package_id, id);

CREATE TABLE assignment_requests (
    id TEXT PRIMARY KEY,
    request_type TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    justification TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    completed_at TEXT,
    schedule TEXT NOT NULL DEFAULT '{}',
    access_package_id TEXT NOT NULL REFERENCES access_packages(id),
    policy_id TEXT NOT NULL DEFAULT '',
    catalog_id TEXT NOT NULL,
    target_id TEXT NOT NULL REFERENCES users(id),
    requestor_id TEXT NOT NULL,
    assignment_id TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1 -- bumped on every state change; guards concurrent decisions
);
CREATE INDEX assignment_requests_package ON assignment_requests(access_package_id, id);
CREATE INDEX assignment_requests_target ON assignment_requests(target_id, access_package_id);
CREATE INDEX assignment_requests_state ON assignment_requests(state, id);
CREATE INDEX assignment_requests_catalog ON assignment_requests(catalog_id, id);

CREATE TABLE approval_stages (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES assignment_requests(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    review_result TEXT NOT NULL DEFAULT 'NotReviewed',
    justification TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT NOT NULL DEFAULT '', -- JSON of the reviewer
    reviewed_at TEXT,
    due_at TEXT,
    UNIQUE (request_id, idx)
);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES assignment_requests(id),
    assignment_id TEXT NOT NULL,
    resource_role_scope_id TEXT NOT NULL DEFAULT '',
    system_id TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    run INTEGER NOT NULL DEFAULT 1,
    last_error_class TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    resource_id TEXT NOT NULL,
    resource_display_name TEXT NOT NULL DEFAULT '',
    resource_origin_id TEXT NOT NULL,
    resource_origin_system TEXT NOT NULL,
    role_id TEXT NOT NULL,
    role_display_name TEXT NOT NULL DEFAULT '',
    role_origin_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX deliveries_request ON deliveries(request_id);
CREATE INDEX deliveries_assignment ON deliveries(assignment_id);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    activity_date_time TEXT NOT NULL,
    activity_display_name TEXT NOT NULL,
    operation_type TEXT NOT NULL,
    result TEXT NOT NULL,
    result_reason TEXT NOT NULL DEFAULT '',
    correlation_id TEXT NOT NULL DEFAULT '',
    initiated_by_id TEXT NOT NULL DEFAULT '',
    initiated_by_upn TEXT NOT NULL DEFAULT '',
    initiated_by_name TEXT NOT NULL DEFAULT '',
    target_id TEXT NOT NULL DEFAULT '',
    target_type TEXT NOT NULL DEFAULT '',
    target_display_name TEXT NOT NULL DEFAULT '',
    catalog_id TEXT NOT NULL DEFAULT '',
    before_state TEXT NOT NULL DEFAULT '',
    after_state TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_time ON audit_events(activity_date_time, id);
CREATE INDEX audit_events_target ON audit_events(target_id);

-- Audit events are append-only: each dialect writes its triggers its own way.
-- +dialect sqlite
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
-- +goose StatementEnd
-- +dialect postgres
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
-- +dialect end

INSERT INTO systems (id, name, kind, config, retry, built_in, created_at, modified_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'directory', 'directory', '{}',
        '{"maxAttempts":5,"initialBackoff":"PT1S","maxBackoff":"PT1M"}', 1,
        '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z');

-- +goose Down
SELECT 1;
