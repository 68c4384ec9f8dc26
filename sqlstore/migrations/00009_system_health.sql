-- +goose Up
-- The health of each connected system (SystemHealth): active, suspended by
-- entitled after consecutive transient failures, or paused by an
-- administrator. A system without a row is active with no failures. Kept in
-- the database so that every replica sees it and it survives restarts;
-- next_probe_at is also the probe lease (ClaimProbes).
CREATE TABLE system_health (
    system_id TEXT PRIMARY KEY REFERENCES systems(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'active',
    since TEXT,
    reason TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    suspended_at TEXT,
    probe_failures INTEGER NOT NULL DEFAULT 0,
    last_probe_at TEXT,
    next_probe_at TEXT,
    paused_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX system_health_probe ON system_health(state, next_probe_at);

-- The system's health policy (HealthPolicy) is part of its definition:
-- JSON {"suspendAfter", "maxProbeInterval", "retryFailedWithin"}; '{}' is
-- the default.
ALTER TABLE systems ADD COLUMN health_policy TEXT NOT NULL DEFAULT '{}';

-- The deliveries not final yet, per system: those waiting for a system
-- that is not active (counted, and one of them probes the system). Partial,
-- so that it stays small and final deliveries cost it nothing.
CREATE INDEX deliveries_open_system ON deliveries(system_id) WHERE status IN ('pending', 'running');
-- The failed deliveries per system: those that failed shortly before a
-- suspension run again when the system resumes.
CREATE INDEX deliveries_failed_system ON deliveries(system_id, completed_at) WHERE status = 'failed';

-- +goose Down
DROP INDEX deliveries_failed_system;
DROP INDEX deliveries_open_system;
ALTER TABLE systems DROP COLUMN health_policy;
DROP TABLE system_health;
