package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

type deliveryErrorWire struct {
	Class   string `json:"class"`
	Message string `json:"message"`
}

type deliveryResourceWire struct {
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	OriginID     string `json:"originId"`
	OriginSystem string `json:"originSystem"`
}

type deliveryRoleWire struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	OriginID    string `json:"originId"`
}

// deliveryWire is one delivery of a request (entitled's own API).
type deliveryWire struct {
	ID                  string               `json:"id"`
	AssignmentRequestID string               `json:"assignmentRequestId"`
	AssignmentID        string               `json:"assignmentId"`
	Action              string               `json:"action"`
	Status              string               `json:"status"`
	Attempts            int                  `json:"attempts"`
	Run                 int                  `json:"run"`
	SystemID            string               `json:"systemId"`
	Resource            deliveryResourceWire `json:"resource"`
	Role                deliveryRoleWire     `json:"role"`
	LastError           *deliveryErrorWire   `json:"lastError"`
	CreatedDateTime     *string              `json:"createdDateTime"`
	ModifiedDateTime    *string              `json:"modifiedDateTime"`
	CompletedDateTime   *string              `json:"completedDateTime"`
	// Waiting says why a delivery that is not final waits (its system is
	// suspended or paused); null when it does not.
	Waiting *string `json:"waiting"`
}

func toDelivery(d entitled.Delivery) deliveryWire {
	w := deliveryWire{ID: d.ID, AssignmentRequestID: d.RequestID, AssignmentID: d.AssignmentID, Action: string(d.Action),
		Status: string(d.Status), Attempts: d.Attempts, Run: d.Run, SystemID: d.SystemID,
		Resource: deliveryResourceWire{ID: d.Resource.ID, DisplayName: d.Resource.DisplayName, OriginID: d.Resource.OriginID,
			OriginSystem: d.Resource.OriginSystem},
		Role:            deliveryRoleWire{ID: d.Role.ID, DisplayName: d.Role.DisplayName, OriginID: d.Role.OriginID},
		CreatedDateTime: fmtTime(d.CreatedDateTime), ModifiedDateTime: fmtTime(d.ModifiedDateTime),
		CompletedDateTime: fmtTimePtr(d.CompletedDateTime)}
	if d.LastError != "" {
		w.LastError = &deliveryErrorWire{Class: string(d.LastErrorClass), Message: d.LastError}
	}
	if d.Waiting != "" {
		w.Waiting = &d.Waiting
	}
	return w
}

func (s *Server) registerDeliveries() {
	s.routes.handle("GET", apiBase+"/assignmentRequests/{id}/deliveries", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := whole(odata.Parse(r.URL.Query()))
		if err != nil {
			return err
		}
		if s.deliveries == nil {
			return entitled.Errorf(entitled.KindUnavailable, entitled.CodeUnavailable, "deliveries are not available").WithKey("err.service.noDeliveries")
		}
		ds, err := s.deliveries.Deliveries(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.collection(w, r, "", wireItems(ds, toDelivery), "", nil, q.Select)
	})
}
