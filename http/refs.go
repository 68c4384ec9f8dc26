package http

import (
	"context"
	"net/http"
)

// addRef answers the write of a reference ({"@odata.id": ".../users/{id}"},
// POST or PUT …/$ref): add links the object of the path's id to the one the
// reference names (refID); 204.
func (s *Server) addRef(add func(ctx context.Context, id, refID string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) error {
		var in refInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		ref, err := refID(in.ODataID)
		if err != nil {
			return err
		}
		if err := add(r.Context(), p["id"], ref); err != nil {
			return err
		}
		return noContent(w)
	}
}

// removeRef answers DELETE …/{other}/$ref: remove unlinks the object of the
// path's id and the one its parameter other names; 204.
func removeRef(other string, remove func(ctx context.Context, id, otherID string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := remove(r.Context(), p["id"], p[other]); err != nil {
			return err
		}
		return noContent(w)
	}
}

// onID answers a request that acts on the object of the path's id (a
// DELETE, POST …/cancel): do acts on it, and the answer is 204.
func onID(do func(ctx context.Context, id string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := do(r.Context(), p["id"]); err != nil {
			return err
		}
		return noContent(w)
	}
}
