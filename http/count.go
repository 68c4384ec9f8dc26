package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
)

// The /$count path segment (what SDKs' .Count() calls): GET
// <collection>/$count answers the number of items the collection read with
// the same $filter would page through, as text/plain. It runs the
// collection's own handler with $count=true and $top=1, so visibility and
// filters are the collection's.

// countSegment is the last path segment of a count request.
const countSegment = "/$count"

// isCountPath reports whether the path ends with /$count.
func isCountPath(path string) bool {
	return len(path) > len(countSegment) && strings.EqualFold(path[len(path)-len(countSegment):], countSegment)
}

// count serves GET <collection>/$count.
func (s *Server) count(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return &methodNotAllowed{allowed: []string{http.MethodGet}, method: r.Method}
	}
	coll := r.URL.Path[:len(r.URL.Path)-len(countSegment)]
	h, p, err := s.routes.lookup(http.MethodGet, coll)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	for k := range q {
		switch strings.ToLower(k) {
		case "$filter", "$search":
		default:
			if strings.HasPrefix(k, "$") {
				return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: k,
					Message: k + " does not apply to /$count; only $filter does"}).WithKey("err.query.countOption", "Option", k)
			}
		}
	}
	q.Set("$count", "true")
	q.Set("$top", "1")
	inner := r.Clone(r.Context())
	inner.URL.Path = coll
	inner.URL.RawPath = ""
	inner.URL.RawQuery = q.Encode()
	buf := &recorder{header: http.Header{}, limit: 1 << 20} // one item at most
	if err := h(buf, inner, p); err != nil {
		return err
	}
	var body struct {
		Count *int            `json:"@odata.count"`
		Value json.RawMessage `json:"value"`
	}
	if buf.status != http.StatusOK || buf.overflow || json.Unmarshal(buf.body.Bytes(), &body) != nil || body.Value == nil {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$count",
			Message: "/$count applies to collections only; " + coll + " is not one"}).WithKey("err.query.countNotCollection", "Path", coll)
	}
	if body.Count == nil {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$count",
			Message: "/$count is not supported on " + coll + "; read the collection and count its items"}).WithKey("err.query.countUnsupported", "Path", coll)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(strconv.Itoa(*body.Count)))
	return nil
}
