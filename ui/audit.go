package ui

import (
	"encoding/json"

	"github.com/entitled-dev/entitled"
)

// The audit trail of a request on its detail page.

// auditRow is one audit event as the request page shows it.
type auditRow struct {
	When   string
	Who    string
	WhoUPN string
	What   string
	Result string
	Before string
	After  string
}

// maxAuditRows caps the trail a page shows (a request has a handful).
const maxAuditRows = 500

// requestAudit lists the audit events of a request, oldest first. Callers
// the audit service refuses (requesters without an administrative role)
// get no rows and no error: the trail is simply not shown.
func (h *handler) requestAudit(c *call, requestID string) ([]auditRow, bool) {
	if h.svc.Audit == nil {
		return nil, false
	}
	var rows []auditRow
	skip := ""
	for len(rows) < maxAuditRows {
		pg, err := h.svc.Audit.AuditEvents(c.ctx, entitled.ListOptions{Top: entitled.MaxPageSize, SkipToken: skip,
			Filter: entitled.Compare{Op: "eq", Property: "targetId", Value: requestID}})
		if err != nil {
			if k := entitled.ErrorKind(err); k != entitled.KindForbidden && k != entitled.KindNotFound {
				h.log.Error("ui: audit trail", "request", requestID, "err", err)
			}
			return nil, false
		}
		for _, e := range pg.Items {
			rows = append(rows, auditRow{When: c.loc.DateTime(e.ActivityDateTime), Who: firstNonEmpty(e.InitiatedBy.DisplayName, e.InitiatedBy.UserPrincipalName),
				WhoUPN: e.InitiatedBy.UserPrincipalName, What: e.ActivityDisplayName, Result: e.Result,
				Before: snapshotState(c, e.Before), After: snapshotState(c, e.After)})
		}
		if pg.NextSkipToken == "" {
			break
		}
		skip = pg.NextSkipToken
	}
	return rows, true
}

// snapshotState reads the request state of an audit snapshot, in plain
// words ("" when the snapshot has none).
func snapshotState(c *call, snap string) string {
	if snap == "" {
		return ""
	}
	var v struct {
		State string `json:"state"`
	}
	if json.Unmarshal([]byte(snap), &v) != nil || v.State == "" {
		return ""
	}
	if st, ok := entitled.ParseRequestState(v.State); ok {
		return stateText(c.loc, st)
	}
	return v.State
}
