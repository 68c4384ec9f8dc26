package http

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// getPage answers a GET of a collection of set: list reads the page the
// OData query options ask for, conv shapes each item (writePage).
func getPage[T any](s *Server, set string, list func(ctx context.Context, opt entitled.ListOptions) (entitled.Page[T], error),
	conv func(T) (any, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		pg, err := list(r.Context(), q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, set, pg, q.Select, conv)
	}
}

// getTypedPage is getPage for a set whose OData type typ takes $expand
// (query): out shapes each item with what the query expands, as getOne does
// for one.
func getTypedPage[T, W any](s *Server, set, typ string, list func(ctx context.Context, opt entitled.ListOptions) (entitled.Page[T], error),
	out func(r *http.Request, v T, q odata.Query) (W, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ params) error {
		q, err := query(r, typ)
		if err != nil {
			return err
		}
		pg, err := list(r.Context(), q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, set, pg, q.Select, func(v T) (any, error) { return nestedOf(q)(out(r, v, q)) })
	}
}
