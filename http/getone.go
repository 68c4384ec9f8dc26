package http

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled/odata"
)

// getOne answers a GET of one entity of set by its {id}, with $expand and
// $select: typ names its OData type for the query options (query), get
// reads it and out shapes it with what the query expands.
func getOne[T, W any](s *Server, set, typ string, get func(ctx context.Context, id string) (*T, error),
	out func(r *http.Request, v T, q odata.Query) (W, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := query(r, typ)
		if err != nil {
			return err
		}
		v, err := get(r.Context(), p["id"])
		if err != nil {
			return err
		}
		body, err := nestedOf(q)(out(r, *v, q))
		if err != nil {
			return err
		}
		return s.entity(w, r, http.StatusOK, set, body, q.Select)
	}
}
