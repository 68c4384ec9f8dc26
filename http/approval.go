package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// identityWire is Graph's identity (reviewedBy).
type identityWire struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// stageWire is Graph's approvalStage (a stage of one request).
type stageWire struct {
	ID               string        `json:"id"`
	DisplayName      string        `json:"displayName"`
	ReviewResult     string        `json:"reviewResult"`
	Status           string        `json:"status"`
	AssignedToMe     bool          `json:"assignedToMe"`
	Justification    *string       `json:"justification"`
	ReviewedBy       *identityWire `json:"reviewedBy"`
	ReviewedDateTime *string       `json:"reviewedDateTime"`
}

func toStage(st entitled.ApprovalStageRecord) stageWire {
	w := stageWire{ID: st.ID, DisplayName: st.DisplayName, ReviewResult: st.ReviewResult, Status: st.Status,
		AssignedToMe: st.AssignedToMe, ReviewedDateTime: fmtTimePtr(st.ReviewedDateTime)}
	w.Justification = orNull(st.Justification)
	if st.ReviewedBy != nil {
		w.ReviewedBy = &identityWire{ID: st.ReviewedBy.UserID, DisplayName: st.ReviewedBy.DisplayName,
			UserPrincipalName: st.ReviewedBy.UserPrincipalName}
	}
	return w
}

// approvalWire is Graph's approval: the approval of one request.
type approvalWire struct {
	ID     string      `json:"id"`
	Stages []stageWire `json:"stages"`
}

type decisionInput struct {
	ReviewResult  string `json:"reviewResult"`
	Justification string `json:"justification"`
}

func (s *Server) registerApprovals() {
	rt := s.routes
	base := emBase + "/accessPackageAssignmentApprovals"
	set := emSet + "accessPackageAssignmentApprovals"
	rt.handle("GET", base+"/filterByCurrentUser(on='approver')", func(w http.ResponseWriter, r *http.Request, _ params) error {
		q, err := odata.Parse(r.URL.Query(), "stages")
		if err != nil {
			return err
		}
		pg, err := s.svc.Requests.Requests(r.Context(), entitled.RequestQuery{ListOptions: q.List, FilterByCurrentUser: entitled.OnApprover})
		if err != nil {
			return err
		}
		return writePage(s, w, r, set, pg, q.Select, func(ar entitled.AssignmentRequest) (any, error) {
			stages, err := s.svc.Approvals.ApprovalStages(r.Context(), ar.ID)
			if err != nil {
				return nil, err
			}
			out := approvalWire{ID: ar.ID, Stages: make([]stageWire, 0, len(stages))}
			for _, st := range stages {
				out.Stages = append(out.Stages, toStage(st))
			}
			return out, nil
		})
	})
	rt.handle("GET", base+"/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		stages, err := s.svc.Approvals.ApprovalStages(r.Context(), p["id"])
		if err != nil {
			return err
		}
		out := approvalWire{ID: p["id"], Stages: make([]stageWire, 0, len(stages))}
		for _, st := range stages {
			out.Stages = append(out.Stages, toStage(st))
		}
		return s.entity(w, r, 200, set, out, nil)
	})
	rt.handle("GET", base+"/{id}/stages", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := whole(odata.Parse(r.URL.Query()))
		if err != nil {
			return err
		}
		stages, err := s.svc.Approvals.ApprovalStages(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.collection(w, r, set+"('"+p["id"]+"')/stages", wireItems(stages, toStage), "", nil, q.Select)
	})
	rt.handle("GET", base+"/{id}/stages/{stageId}", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		st, err := s.svc.Approvals.ApprovalStage(r.Context(), p["id"], p["stageId"])
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, set+"('"+p["id"]+"')/stages", toStage(*st), q.Select)
	})
	rt.handle("PATCH", base+"/{id}/stages/{stageId}", func(w http.ResponseWriter, r *http.Request, p params) error {
		var in decisionInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		res, err := enum("reviewResult", in.ReviewResult, entitled.ReviewApprove, entitled.ReviewDeny)
		if err != nil {
			return err
		}
		if err := s.svc.Approvals.DecideApprovalStage(r.Context(), p["id"], p["stageId"], res, in.Justification); err != nil {
			return err
		}
		return noContent(w)
	})
}
