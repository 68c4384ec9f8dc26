package http

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled/odata"
)

// getByID answers a GET of one entity of set by its {id}, with $select:
// get reads it and conv shapes it (getOne for entities with $expand).
func getByID[T, W any](s *Server, set string, get func(ctx context.Context, id string) (*T, error), conv func(T) W) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		v, err := get(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.entity(w, r, http.StatusOK, set, conv(*v), q.Select)
	}
}
