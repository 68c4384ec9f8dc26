-- +goose Up
-- Drift (issue 10 part 3): the findings of the latest reconciliation of
-- each connected system; a run replaces its system's findings. user_id and
-- principal_name are empty when no entitled user matches target_id, the
-- target's own identifier of the member. assignment_id is the assignment
-- granting a missing membership (empty for an unmanaged one).
CREATE TABLE drift_findings (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    resource_origin_id TEXT NOT NULL,
    resource_display_name TEXT NOT NULL DEFAULT '',
    role_id TEXT NOT NULL,
    role_origin_id TEXT NOT NULL,
    role_display_name TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    principal_name TEXT NOT NULL DEFAULT '',
    target_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    assignment_id TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    detected_at TEXT NOT NULL
);
CREATE INDEX drift_findings_system ON drift_findings(system_id, kind);

-- When each system is next reconciled on its own (config.reconcile.interval),
-- and the lease of the one replica reconciling it now (lease_until): one
-- reconciliation at a time per system, whichever replicas run.
CREATE TABLE reconcile_schedule (
    system_id TEXT PRIMARY KEY REFERENCES systems(id) ON DELETE CASCADE,
    next_at TEXT NOT NULL,
    lease_until TEXT,
    last_at TEXT
);

-- +goose Down
DROP TABLE reconcile_schedule;
DROP TABLE drift_findings;
