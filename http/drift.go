package http

import (
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// Drift (docs/api.md "Drift"): POST /api/v1/systems/{id}/reconcile starts
// a reconciliation (202 with the operation's Location), GET
// /api/v1/systems/{id}/drift lists the latest findings, and
// POST …/drift/{findingId}/adopt or /revoke acts on an unmanaged one.

// driftRefWire names a finding's resource.
type driftRefWire struct {
	ID          string `json:"id"`
	OriginID    string `json:"originId"`
	DisplayName string `json:"displayName"`
}

// driftUserWire is a finding's user when entitled knows them.
type driftUserWire struct {
	ID            string `json:"id"`
	PrincipalName string `json:"principalName"`
}

// driftFindingWire is one finding. User is a driftUserWire, or the
// target's own identifier (a string) when no user matches.
type driftFindingWire struct {
	ID               string       `json:"id"`
	Resource         driftRefWire `json:"resource"`
	Role             string       `json:"role"`
	User             any          `json:"user"`
	TargetID         string       `json:"targetId"`
	Kind             string       `json:"kind"`
	DetectedDateTime *string      `json:"detectedDateTime"`
	Action           string       `json:"action"`
	AssignmentID     string       `json:"assignmentId,omitempty"`
	Error            string       `json:"error,omitempty"`
}

func toDriftFinding(f entitled.DriftFinding) driftFindingWire {
	out := driftFindingWire{ID: f.ID, Resource: driftRefWire{ID: f.Resource.ID, OriginID: f.Resource.OriginID,
		DisplayName: f.Resource.DisplayName}, Role: f.Role.DisplayName, User: f.User.TargetID, TargetID: f.User.TargetID,
		Kind: string(f.Kind), DetectedDateTime: fmtTime(f.DetectedDateTime), Action: string(f.Action),
		AssignmentID: f.AssignmentID, Error: f.Error}
	if f.User.ID != "" {
		out.User = driftUserWire{ID: f.User.ID, PrincipalName: f.User.PrincipalName}
	}
	return out
}

// registerDrift serves reconciliation under the systems' base path; a
// server without a drift service has none of these routes (404).
func (s *Server) registerDrift(base string) {
	d := s.svc.Drift
	if d == nil {
		return
	}
	s.routes.handle("POST", base+"/{id}/reconcile", func(w http.ResponseWriter, r *http.Request, p params) error {
		op, err := d.Reconcile(r.Context(), p["id"])
		if err != nil {
			return err
		}
		w.Header().Set("Location", s.baseURL(r)+apiBase+"/operations/"+url.PathEscape(op.ID))
		return s.entity(w, r, http.StatusAccepted, "", toOperationWire(op), nil)
	})
	s.routes.handle("GET", base+"/{id}/drift", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := whole(odata.Parse(r.URL.Query()))
		if err != nil {
			return err
		}
		fs, err := d.Drift(r.Context(), p["id"])
		if err != nil {
			return err
		}
		items := make([]any, len(fs))
		for i, f := range fs {
			items[i] = toDriftFinding(f)
		}
		return s.collection(w, r, "", items, "", nil, q.Select)
	})
	s.routes.handle("POST", base+"/{id}/drift/{findingId}/adopt", func(w http.ResponseWriter, r *http.Request, p params) error {
		req, err := d.AdoptFinding(r.Context(), p["id"], p["findingId"])
		if err != nil {
			return err
		}
		return s.entity(w, r, http.StatusCreated, "", toRequest(*req), nil)
	})
	s.routes.handle("POST", base+"/{id}/drift/{findingId}/revoke", func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := d.RevokeFinding(r.Context(), p["id"], p["findingId"]); err != nil {
			return err
		}
		return noContent(w)
	})
}
