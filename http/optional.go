package http

import "net/http"

// optional serves a route of a service the server may be built without:
// while missing returns an error, the route answers it; otherwise h runs.
func optional(missing func() error, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := missing(); err != nil {
			return err
		}
		return h(w, r, p)
	}
}
