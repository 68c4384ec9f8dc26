package http

import (
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
)

// Bulk reprocess: POST /api/v1/assignmentRequests/reprocess starts an
// operation (202 with its Location), GET /api/v1/operations/{id} reads its
// progress.

// bulkReprocessWire is the body of POST /api/v1/assignmentRequests/reprocess.
type bulkReprocessWire struct {
	Filter *string `json:"filter"`
	System *string `json:"system"`
}

// refusalWire is a request an operation did not reprocess.
type refusalWire struct {
	ID      string `json:"id"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// operationWire is an operation's progress.
type operationWire struct {
	ID                string        `json:"id"`
	Kind              string        `json:"kind"`
	Status            string        `json:"status"`
	Filter            string        `json:"filter"`
	System            string        `json:"system"`
	Total             int           `json:"total"`
	Reprocessed       int           `json:"reprocessed"`
	Refused           []refusalWire `json:"refused"`
	Error             string        `json:"error,omitempty"`
	CreatedDateTime   *string       `json:"createdDateTime"`
	CompletedDateTime *string       `json:"completedDateTime"`
}

func toOperationWire(op *entitled.Operation) operationWire {
	out := operationWire{ID: op.ID, Kind: op.Kind, Status: string(op.Status), Filter: op.Filter, System: op.SystemID,
		Total: op.Total, Reprocessed: op.Reprocessed, Refused: make([]refusalWire, 0, len(op.Refused)), Error: op.Error,
		CreatedDateTime: fmtTime(op.CreatedDateTime), CompletedDateTime: fmtTimePtr(op.CompletedDateTime)}
	for _, r := range op.Refused {
		out.Refused = append(out.Refused, refusalWire(r))
	}
	return out
}

// registerOperations serves bulk reprocess and the operations' progress.
func (s *Server) registerOperations() {
	s.routes.handle("POST", apiBase+"/assignmentRequests/reprocess", func(w http.ResponseWriter, r *http.Request, _ params) error {
		if s.svc.Operations == nil {
			return entitled.NotFoundf("bulk operations are not available on this server").WithKey("err.service.noOperations")
		}
		var in bulkReprocessWire
		if err := s.decode(r, &in); err != nil {
			return err
		}
		op, err := s.svc.Operations.ReprocessRequests(r.Context(), entitled.BulkReprocess{Filter: str(in.Filter), SystemID: str(in.System)})
		if err != nil {
			return err
		}
		w.Header().Set("Location", s.baseURL(r)+apiBase+"/operations/"+url.PathEscape(op.ID))
		return s.entity(w, r, http.StatusAccepted, "", toOperationWire(op), nil)
	})
	s.routes.handle("GET", apiBase+"/operations/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		if s.svc.Operations == nil {
			return entitled.NotFoundf("bulk operations are not available on this server").WithKey("err.service.noOperations")
		}
		op, err := s.svc.Operations.Operation(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.entity(w, r, http.StatusOK, "", toOperationWire(op), nil)
	})
}
