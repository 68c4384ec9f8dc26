package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/entitled-dev/entitled"
)

// An export carries the audit log as rows of the view audit_events, every
// column spelled out (the format of the table it was before migration
// 00029): the import stores them as the store writes events, through the
// dictionaries.

// checkAuditImport refuses an audit_events row whose values are not all
// text, or without an id.
func checkAuditImport(line int, cols []string, vals []any) error {
	for i, c := range cols {
		if _, ok := vals[i].(string); !ok || c == "id" && vals[i] == "" {
			return entitled.Invalidf("import: line %d: audit_events.%s: %v", line, c, errNotText).
				WithKey("err.import.badValue", "Line", line, "Table", "audit_events", "Column", c, "Problem", errNotText)
		}
	}
	if !slices.Contains(cols, "id") {
		return entitled.Invalidf("import: line %d: audit_events.id: %v", line, errNotText).
			WithKey("err.import.badValue", "Line", line, "Table", "audit_events", "Column", "id", "Problem", errNotText)
	}
	return nil
}

// errNotText is what checkAuditImport finds wrong.
var errNotText = errors.New("an audit event's values are text, and its id is not empty")

// flushAudit stores the queued audit_events rows (checkAuditImport checked
// their values).
func (im *importer) flushAudit(ctx context.Context) error {
	rows := make([]auditRow, len(im.pending))
	for i, vals := range im.pending {
		col := make(map[string]string, len(im.cols))
		for j, c := range im.cols {
			col[c], _ = vals[j].(string)
		}
		rows[i] = auditRow{id: col["id"], at: col["activity_date_time"],
			kind:         auditContent{col["activity_display_name"], col["operation_type"], col["result"], col["target_type"], col["catalog_id"]},
			actor:        auditContent{col["initiated_by_id"], col["initiated_by_upn"], col["initiated_by_name"]},
			resultReason: col["result_reason"], corr: col["correlation_id"], targetID: col["target_id"],
			targetName: col["target_display_name"], before: col["before_state"], after: col["after_state"]}.sharing()
	}
	im.pending = im.pending[:0]
	if err := im.t.insertAudit(ctx, rows); err != nil {
		return fmt.Errorf("import: insert into %s: %w", im.table, err)
	}
	return nil
}
