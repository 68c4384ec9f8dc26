package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// auditFields are the filterable properties of audit events.
var auditFields = fields{
	"id":                  {expr: "id"},
	"activitydatetime":    {expr: "activity_date_time", kind: colTime, bound: auditIDBound},
	"targetid":            {expr: "target_id"},
	"activitydisplayname": {expr: "activity_display_name"},
	"category":            {expr: "'" + entitled.AuditCategory + "'"},
	"correlationid":       {expr: "correlation_id"},
	"initiatedby/user/id": {expr: "initiated_by_id"},
	"operationtype":       {expr: "operation_type"},
	"result":              {expr: "result"},
}

const auditCols = `id, activity_date_time, activity_display_name, operation_type, result, result_reason, correlation_id,
	initiated_by_id, initiated_by_upn, initiated_by_name, target_id, target_type, target_display_name, before_state, after_state`

func scanAudit(r scanner) (entitled.AuditEvent, error) {
	var e entitled.AuditEvent
	var at string
	err := r.Scan(&e.ID, &at, &e.ActivityDisplayName, &e.OperationType, &e.Result, &e.ResultReason, &e.CorrelationID,
		&e.InitiatedBy.UserID, &e.InitiatedBy.UserPrincipalName, &e.InitiatedBy.DisplayName, &e.TargetID, &e.TargetType,
		&e.TargetDisplayName, &e.Before, &e.After)
	e.ActivityDateTime = parseTime(at)
	return e, err
}

// AuditEvents lists audit events oldest first: tenant administrators see
// all; catalog-scoped administrators the events of catalogs where they may
// view requests; others get 403. Filterable on activityDateTime,
// targetId, activityDisplayName, category, correlationId,
// initiatedBy/user/id, operationType and result.
func (s *AuditService) AuditEvents(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AuditEvent], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.AuditEvent]{}, err
	}
	var base string
	var args []any
	switch {
	case a.Can(entitled.OpReadAudit, ""):
	case a.Can(entitled.OpViewRequests, ""):
		base = "catalog_id <> ''"
	default:
		base, args = readableCatalogs(a, entitled.OpViewRequests, "catalog_id")
		if base == "1 = 0" {
			return entitled.Page[entitled.AuditEvent]{}, a.Authorize(entitled.OpReadAudit, "")
		}
	}
	return listRows(ctx, s.db, opt, auditFields, "audit_events", "id", auditCols, base, args, scanAudit,
		func(e entitled.AuditEvent) string { return e.ID })
}
