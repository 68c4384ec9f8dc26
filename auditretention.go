package entitled

import "time"

// Audit retention actions: what an AuditRetention record says was done.
const (
	AuditExported = "export" // events before a time were written out
	AuditPruned   = "prune"  // events before a time were removed
)

// AuditRetention is one export or prune of the audit log, kept for ever
// (it is the proof of what left the log and when).
type AuditRetention struct {
	ID         string
	Action     string    // AuditExported or AuditPruned
	Before     time.Time // every event strictly older was exported or pruned
	Events     int       // how many
	SHA256     string    // of the exported JSON lines (exports only)
	RecordedBy string    // who ran it: the operating-system user and host of the CLI
	Created    time.Time
}

// CheckAuditPrune is the rule of audit retention: events may be removed only
// before a time in the past, and only once an export covering that time has
// been recorded (exported is the latest export's Before, nil when none) —
// unless the operator says, with withoutExport, that the organisation must
// not keep them.
func CheckAuditPrune(before, now time.Time, exported *time.Time, withoutExport bool) error {
	if before.IsZero() {
		return Invalidf("a time to prune before is required").WithKey("error.auditPrune.noTime")
	}
	if before.After(now) {
		return Invalidf("cannot prune audit events before %s: that is in the future", before.UTC().Format(time.RFC3339)).
			WithKey("error.auditPrune.future", "Before", before.UTC().Format(time.RFC3339))
	}
	if withoutExport {
		return nil
	}
	if exported == nil || exported.Before(before) {
		return Conflictf("the audit events before %s have not been exported: run entitled audit export --before with that time first, or prune --without-export",
			before.UTC().Format(time.RFC3339)).WithKey("error.auditPrune.notExported", "Before", before.UTC().Format(time.RFC3339))
	}
	return nil
}
