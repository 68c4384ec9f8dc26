package http

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// scheduleWire is Graph's entitlementManagementSchedule.
type scheduleWire struct {
	StartDateTime *string         `json:"startDateTime"`
	Expiration    *expirationWire `json:"expiration"`
}

func toSchedule(s entitled.Schedule) scheduleWire {
	e := toExpiration(s.Expiration)
	return scheduleWire{StartDateTime: fmtTimePtr(s.StartDateTime), Expiration: &e}
}

func fromSchedule(w *scheduleWire) (entitled.Schedule, error) {
	var s entitled.Schedule
	if w == nil {
		return s, nil
	}
	var err error
	if s.StartDateTime, err = parseTime(w.StartDateTime, "schedule.startDateTime"); err != nil {
		return s, err
	}
	s.Expiration, err = fromExpiration(w.Expiration, "schedule.expiration")
	return s, err
}

// subjectWire is Graph's accessPackageSubject.
type subjectWire struct {
	ID            string `json:"id"`
	ObjectID      string `json:"objectId"`
	DisplayName   string `json:"displayName"`
	Email         string `json:"email"`
	PrincipalName string `json:"principalName"`
	SubjectType   string `json:"subjectType"`
}

func toSubject(u entitled.User) subjectWire {
	s := entitled.SubjectOf(u)
	return subjectWire{ID: s.ID, ObjectID: s.ObjectID, DisplayName: s.DisplayName, Email: s.Email,
		PrincipalName: s.PrincipalName, SubjectType: s.SubjectType}
}

// requestWire is Graph's accessPackageAssignmentRequest.
type requestWire struct {
	ID                string             `json:"id"`
	RequestType       string             `json:"requestType"`
	State             string             `json:"state"`
	Status            string             `json:"status"`
	Justification     *string            `json:"justification"`
	CreatedDateTime   *string            `json:"createdDateTime"`
	CompletedDateTime *string            `json:"completedDateTime"`
	Schedule          scheduleWire       `json:"schedule"`
	Answers           json.RawMessage    `json:"answers"`
	AccessPackage     *accessPackageWire `json:"accessPackage,omitempty"`
	Assignment        any                `json:"assignment,omitempty"`
	Requestor         *subjectWire       `json:"requestor,omitempty"`
}

func toRequest(ar entitled.AssignmentRequest) requestWire {
	w := requestWire{ID: ar.ID, RequestType: string(ar.RequestType), State: string(ar.State), Status: ar.Status,
		CreatedDateTime: fmtTime(ar.CreatedDateTime), CompletedDateTime: fmtTimePtr(ar.CompletedDateTime),
		Schedule: toSchedule(ar.Schedule), Answers: json.RawMessage("[]")}
	if w.Status == "" {
		w.Status = ar.State.Status()
	}
	w.Justification = orNull(ar.Justification)
	if a := strings.TrimSpace(ar.Answers); a != "" && json.Valid([]byte(a)) {
		w.Answers = json.RawMessage(a)
	}
	return w
}

type requestInput struct {
	RequestType string           `json:"requestType"`
	Assignment  *assignmentInput `json:"assignment"`
	// AccessPackageAssignment is assignment under its beta name, which
	// Graph's v1.0 examples still send.
	AccessPackageAssignment *assignmentInput `json:"accessPackageAssignment"`
	Justification           string           `json:"justification"`
	Answers                 json.RawMessage  `json:"answers"`
	Schedule                *scheduleWire    `json:"schedule"`
}

// tolerable reports errors an $expand may skip: the caller may see the
// request but not the expanded entity, or it is gone.
func tolerable(err error) bool {
	k := entitled.ErrorKind(err)
	return k == entitled.KindForbidden || k == entitled.KindNotFound
}

// subjectOut is the expanded accessPackageSubject of a user id; a caller
// who may not see the user gets the bare reference.
func (s *Server) subjectOut(r *http.Request, userID string) (*subjectWire, error) {
	return expandOne(func() (*entitled.User, error) { return s.memoUser(r, userID) },
		func(u entitled.User) (subjectWire, error) { return toSubject(u), nil },
		func() subjectWire { return subjectWire{ID: userID, ObjectID: userID, SubjectType: "user"} })
}

func (s *Server) requestOut(r *http.Request, ar entitled.AssignmentRequest, q odata.Query) (requestWire, error) {
	w := toRequest(ar)
	ctx := r.Context()
	var err error
	if q.Expanded("accessPackage") && ar.AccessPackageID != "" {
		if w.AccessPackage, err = s.packageOf(r, ar.AccessPackageID, q.Sub("accessPackage")); err != nil {
			return w, err
		}
	}
	if q.Expanded("assignment") && ar.AssignmentID != "" {
		a, err := s.svc.Assignments.Assignment(ctx, ar.AssignmentID)
		switch {
		case err == nil:
			if w.Assignment, err = s.assignmentOut(r, *a, q.Sub("assignment")); err != nil {
				return w, err
			}
		case tolerable(err):
			w.Assignment = idRef{ID: ar.AssignmentID}
		default:
			return w, err
		}
	}
	if q.Expanded("requestor") && ar.RequestorID != "" {
		if w.Requestor, err = s.subjectOut(r, ar.RequestorID); err != nil {
			return w, err
		}
	}
	return w, nil
}

func (s *Server) registerRequests() {
	rt := s.routes
	set := emSet + "assignmentRequests"
	base := emBase + "/assignmentRequests"
	list := func(on string) handlerFunc {
		return func(w http.ResponseWriter, r *http.Request, _ params) error {
			q, err := query(r, "request")
			if err != nil {
				return err
			}
			pg, err := s.svc.Requests.Requests(r.Context(), entitled.RequestQuery{ListOptions: q.List, FilterByCurrentUser: on})
			if err != nil {
				return err
			}
			if q.Expanded("requestor") {
				s.prefetchUsers(r, idsOf(pg.Items, func(ar entitled.AssignmentRequest) string { return ar.RequestorID }))
			}
			return writePage(s, w, r, set, pg, q.Select, func(ar entitled.AssignmentRequest) (any, error) {
				return nestedOf(q)(s.requestOut(r, ar, q))
			})
		}
	}
	for _, on := range []string{entitled.OnTarget, entitled.OnCreatedBy, entitled.OnApprover} {
		rt.handle("GET", base+"/filterByCurrentUser(on='"+on+"')", list(on))
	}
	rt.handle("GET", base, list(""))
	rt.handle("POST", base, func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in requestInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		if strings.TrimSpace(in.RequestType) == "" {
			return badProp("requestType", "requestType is required: userAdd, userRemove, adminAdd or adminRemove").WithKey("api.requestTypeRequired")
		}
		typ, err := entitled.ParseRequestType(in.RequestType)
		if err != nil {
			return err
		}
		if in.Assignment == nil {
			in.Assignment = in.AccessPackageAssignment
		}
		if in.Assignment == nil {
			return badProp("assignment", "assignment is required: {\"accessPackageId\", \"assignmentPolicyId\", \"targetId\"} to add, {\"id\"} to remove").WithKey("api.assignmentRequired")
		}
		if err := checkRequestShape(&in); err != nil {
			return err
		}
		sched, err := fromSchedule(in.Schedule)
		if err != nil {
			return err
		}
		ar := &entitled.AssignmentRequest{RequestType: typ, Justification: in.Justification, Schedule: sched,
			AccessPackageID: in.Assignment.AccessPackageID, AssignmentPolicyID: in.Assignment.AssignmentPolicyID,
			TargetID: in.Assignment.TargetID, AssignmentID: in.Assignment.ID}
		if len(in.Answers) > 0 && string(in.Answers) != "null" {
			var arr []json.RawMessage
			if err := json.Unmarshal(in.Answers, &arr); err != nil {
				return badProp("answers", "answers must be an array").WithKey("api.answersArray")
			}
			ar.Answers = string(in.Answers)
		}
		if err := s.inferPolicy(r.Context(), ar); err != nil {
			return err
		}
		if err := s.svc.Requests.SubmitRequest(r.Context(), ar); err != nil {
			return err
		}
		// Graph answers a new request as submitted/Accepted and clients poll
		// for what follows (pendingApproval, delivering …), which a GET shows.
		accepted := *ar
		accepted.State, accepted.Status = entitled.StateSubmitted, entitled.StateSubmitted.Status()
		return s.created(w, r, set, ar.ID, toRequest(accepted))
	})
	rt.handle("GET", base+"/{id}", getOne(s, set, "request", s.svc.Requests.Request, s.requestOut))
	rt.handle("DELETE", base+"/{id}", onID(s.svc.Requests.DeleteRequest))
	rt.handle("POST", base+"/{id}/cancel", onID(s.svc.Requests.CancelRequest))
	rt.handle("POST", base+"/{id}/reprocess", func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.Requests.ReprocessRequest(r.Context(), p["id"]); err != nil {
			return err
		}
		w.WriteHeader(http.StatusAccepted)
		return nil
	})
}

// assignmentInput is the assignment part of a new request.
type assignmentInput struct {
	ID                 string `json:"id"`
	TargetID           string `json:"targetId"`
	AssignmentPolicyID string `json:"assignmentPolicyId"`
	AccessPackageID    string `json:"accessPackageId"`
	// Target names the user as Graph's examples also do (objectId or email).
	Target *targetInput `json:"target"`
}
