package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// assignmentWire is Graph's accessPackageAssignment.
type assignmentWire struct {
	ID                              string             `json:"id"`
	State                           string             `json:"state"`
	Status                          string             `json:"status"`
	ExpiredDateTime                 *string            `json:"expiredDateTime"`
	Schedule                        scheduleWire       `json:"schedule"`
	CustomExtensionCalloutInstances []any              `json:"customExtensionCalloutInstances"`
	AccessPackage                   *accessPackageWire `json:"accessPackage,omitempty"`
	Target                          *subjectWire       `json:"target,omitempty"`
	AssignmentPolicy                *policyWire        `json:"assignmentPolicy,omitempty"`
}

func toAssignment(a entitled.Assignment) assignmentWire {
	w := assignmentWire{ID: a.ID, State: string(a.State), Status: a.Status, ExpiredDateTime: fmtTimePtr(a.ExpiredDateTime),
		Schedule: toSchedule(a.Schedule), CustomExtensionCalloutInstances: []any{}}
	if w.Status == "" {
		w.Status = a.State.Status()
	}
	return w
}

func (s *Server) assignmentOut(r *http.Request, a entitled.Assignment, q odata.Query) (assignmentWire, error) {
	w := toAssignment(a)
	ctx := r.Context()
	var err error
	if q.Expanded("accessPackage") {
		if w.AccessPackage, err = s.packageOf(r, a.AccessPackageID, q.Sub("accessPackage")); err != nil {
			return w, err
		}
	}
	if q.Expanded("target") {
		if w.Target, err = s.subjectOut(r, a.TargetID); err != nil {
			return w, err
		}
	}
	if q.Expanded("assignmentPolicy") {
		w.AssignmentPolicy, err = expandOne(func() (*entitled.AssignmentPolicy, error) { return s.svc.Policies.Policy(ctx, a.AssignmentPolicyID) },
			func(p entitled.AssignmentPolicy) (policyWire, error) {
				return s.policyOut(r, p, q.Sub("assignmentPolicy"))
			},
			func() policyWire { return policyWire{ID: a.AssignmentPolicyID} })
		if err != nil {
			return w, err
		}
	}
	return w, nil
}

func (s *Server) registerAssignments() {
	rt := s.routes
	set := emSet + "assignments"
	base := emBase + "/assignments"
	list := func(on string) handlerFunc {
		return func(w http.ResponseWriter, r *http.Request, _ params) error {
			q, err := query(r, "assignment")
			if err != nil {
				return err
			}
			pg, err := s.svc.Assignments.Assignments(r.Context(), entitled.AssignmentQuery{ListOptions: q.List, FilterByCurrentUser: on})
			if err != nil {
				return err
			}
			if q.Expanded("target") {
				s.prefetchUsers(r, idsOf(pg.Items, func(a entitled.Assignment) string { return a.TargetID }))
			}
			return writePage(s, w, r, set, pg, q.Select, func(a entitled.Assignment) (any, error) {
				return nestedOf(q)(s.assignmentOut(r, a, q))
			})
		}
	}
	rt.handle("GET", base+"/filterByCurrentUser(on='target')", list(entitled.OnTarget))
	rt.handle("GET", base+"/filterByCurrentUser(on='createdBy')", list(entitled.OnCreatedBy))
	rt.handle("GET", base, list(""))
	rt.handle("GET", base+"/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		if args, ok, err := functionCall(p["id"], "additionalAccess"); ok || err != nil {
			if err != nil {
				return err
			}
			return s.additionalAccess(w, r, args)
		}
		q, err := query(r, "assignment")
		if err != nil {
			return err
		}
		a, err := s.svc.Assignments.Assignment(r.Context(), p["id"])
		if err != nil {
			return err
		}
		v, err := nestedOf(q)(s.assignmentOut(r, *a, q))
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, set, v, q.Select)
	})
	rt.handle("POST", base+"/{id}/reprocess", func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.Assignments.ReprocessAssignment(r.Context(), p["id"]); err != nil {
			return err
		}
		w.WriteHeader(http.StatusAccepted)
		return nil
	})
}
