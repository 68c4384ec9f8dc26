package http

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// auditWire is Graph's directoryAudit.
type auditWire struct {
	ID                  string             `json:"id"`
	Category            string             `json:"category"`
	CorrelationID       string             `json:"correlationId"`
	ActivityDateTime    *string            `json:"activityDateTime"`
	ActivityDisplayName string             `json:"activityDisplayName"`
	LoggedByService     string             `json:"loggedByService"`
	OperationType       string             `json:"operationType"`
	Result              string             `json:"result"`
	ResultReason        string             `json:"resultReason"`
	InitiatedBy         auditInitiatorWire `json:"initiatedBy"`
	TargetResources     []targetWire       `json:"targetResources"`
	AdditionalDetails   []keyValueWire     `json:"additionalDetails"`
}

type auditInitiatorWire struct {
	User *identityWire `json:"user"`
	App  any           `json:"app"`
}

type targetWire struct {
	ID                 string             `json:"id"`
	DisplayName        string             `json:"displayName"`
	Type               string             `json:"type"`
	ModifiedProperties []modifiedPropWire `json:"modifiedProperties"`
}

type modifiedPropWire struct {
	DisplayName string `json:"displayName"`
	OldValue    string `json:"oldValue"`
	NewValue    string `json:"newValue"`
}

type keyValueWire struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// stateOf reads the "state" property (any case) of a JSON snapshot.
func stateOf(snapshot string) (string, bool) {
	if snapshot == "" {
		return "", false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(snapshot), &m) != nil {
		return "", false
	}
	for k, v := range m {
		if strings.EqualFold(k, "state") {
			var s any
			_ = json.Unmarshal(v, &s)
			if str, ok := s.(string); ok {
				return str, true
			}
			return strings.Trim(string(v), `"`), true
		}
	}
	return "", false
}

// DirectoryAudit is e in Graph's directoryAudit shape, as the API lists it:
// what `entitled audit export` writes, one per line.
func DirectoryAudit(e entitled.AuditEvent) any { return toAudit(e) }

func toAudit(e entitled.AuditEvent) auditWire {
	w := auditWire{ID: e.ID, Category: entitled.AuditCategory, CorrelationID: e.CorrelationID,
		ActivityDateTime: fmtTime(e.ActivityDateTime), ActivityDisplayName: e.ActivityDisplayName,
		LoggedByService: "Entitlement Management", OperationType: e.OperationType, Result: e.Result,
		ResultReason: e.ResultReason, AdditionalDetails: []keyValueWire{}}
	if e.InitiatedBy.UserID != "" {
		w.InitiatedBy.User = &identityWire{ID: e.InitiatedBy.UserID, DisplayName: e.InitiatedBy.DisplayName,
			UserPrincipalName: e.InitiatedBy.UserPrincipalName}
	}
	t := targetWire{ID: e.TargetID, DisplayName: e.TargetDisplayName, Type: e.TargetType, ModifiedProperties: []modifiedPropWire{}}
	oldState, okOld := stateOf(e.Before)
	newState, okNew := stateOf(e.After)
	if okOld && okNew {
		t.ModifiedProperties = append(t.ModifiedProperties, modifiedPropWire{DisplayName: "state", OldValue: oldState, NewValue: newState})
	}
	w.TargetResources = []targetWire{t}
	if e.Before != "" {
		w.AdditionalDetails = append(w.AdditionalDetails, keyValueWire{Key: "before", Value: e.Before})
	}
	if e.After != "" {
		w.AdditionalDetails = append(w.AdditionalDetails, keyValueWire{Key: "after", Value: e.After})
	}
	return w
}

func (s *Server) registerAudit() {
	set := "auditLogs/directoryAudits"
	s.routes.handle("GET", "/v1.0/auditLogs/directoryAudits", getPage(s, set, s.svc.Audit.AuditEvents, func(e entitled.AuditEvent) (any, error) { return toAudit(e), nil }))
	s.routes.handle("GET", "/v1.0/auditLogs/directoryAudits/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		pg, err := s.svc.Audit.AuditEvents(r.Context(), entitled.ListOptions{Top: 1,
			Filter: entitled.Compare{Op: "eq", Property: "id", Value: p["id"]}})
		if err != nil {
			return err
		}
		if len(pg.Items) == 0 {
			return entitled.NotFoundf("audit event %q was not found", p["id"]).WithKey("err.audit.eventNotFound", "ID", p["id"])
		}
		return s.entity(w, r, 200, set, toAudit(pg.Items[0]), q.Select)
	})
}
