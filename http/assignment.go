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

var assignmentExpands = []string{"accessPackage", "target", "assignmentPolicy"}

func (s *Server) assignmentOut(r *http.Request, a entitled.Assignment, q odata.Query) (assignmentWire, error) {
	w := toAssignment(a)
	ctx := r.Context()
	if q.Expanded("accessPackage") {
		ap, err := s.svc.AccessPackages.AccessPackage(ctx, a.AccessPackageID)
		switch {
		case err == nil:
			apw := toAccessPackage(*ap)
			w.AccessPackage = &apw
		case tolerable(err):
			w.AccessPackage = &accessPackageWire{ID: a.AccessPackageID}
		default:
			return w, err
		}
	}
	if q.Expanded("target") {
		u, err := s.svc.Users.User(ctx, a.TargetID)
		switch {
		case err == nil:
			sw := toSubject(*u)
			w.Target = &sw
		case tolerable(err):
			w.Target = &subjectWire{ID: a.TargetID, ObjectID: a.TargetID, SubjectType: "user"}
		default:
			return w, err
		}
	}
	if q.Expanded("assignmentPolicy") {
		p, err := s.svc.Policies.Policy(ctx, a.AssignmentPolicyID)
		switch {
		case err == nil:
			pw := toPolicy(*p)
			w.AssignmentPolicy = &pw
		case tolerable(err):
			w.AssignmentPolicy = &policyWire{ID: a.AssignmentPolicyID}
		default:
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
			q, err := odata.Parse(r.URL.Query(), assignmentExpands...)
			if err != nil {
				return err
			}
			pg, err := s.svc.Assignments.Assignments(r.Context(), entitled.AssignmentQuery{ListOptions: q.List, FilterByCurrentUser: on})
			if err != nil {
				return err
			}
			return writePage(s, w, r, set, pg, q.Select, func(a entitled.Assignment) (any, error) { return s.assignmentOut(r, a, q) })
		}
	}
	rt.handle("GET", base+"/filterByCurrentUser(on='target')", list(entitled.OnTarget))
	rt.handle("GET", base, list(""))
	rt.handle("GET", base+"/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query(), assignmentExpands...)
		if err != nil {
			return err
		}
		a, err := s.svc.Assignments.Assignment(r.Context(), p["id"])
		if err != nil {
			return err
		}
		out, err := s.assignmentOut(r, *a, q)
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, set, out, q.Select)
	})
	rt.handle("POST", base+"/{id}/reprocess", func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.Assignments.ReprocessAssignment(r.Context(), p["id"]); err != nil {
			return err
		}
		w.WriteHeader(http.StatusAccepted)
		return nil
	})
}
