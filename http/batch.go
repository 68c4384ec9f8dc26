package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
)

// maxBatchRequests is the most requests one JSON batch may hold (Graph's limit).
const maxBatchRequests = 20

type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// recorder captures a sub-request's response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}
func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
}

func (s *Server) registerBatch() {
	s.routes.handle("POST", "/v1.0/$batch", func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in struct {
			Requests []batchRequest `json:"requests"`
		}
		if err := s.decode(r, &in); err != nil {
			return err
		}
		if len(in.Requests) == 0 || len(in.Requests) > maxBatchRequests {
			return badProp("requests", "a batch holds 1 to %d requests, not %d", maxBatchRequests, len(in.Requests))
		}
		seen := map[string]bool{}
		for _, br := range in.Requests {
			if br.ID == "" || seen[br.ID] {
				return badProp("requests.id", "every batch request needs a unique id")
			}
			seen[br.ID] = true
		}
		out := struct {
			Responses []batchResponse `json:"responses"`
		}{Responses: make([]batchResponse, 0, len(in.Requests))}
		for _, br := range in.Requests {
			out.Responses = append(out.Responses, s.runBatchItem(r, br))
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// runBatchItem dispatches one batch request through the router (requests run
// in order, so dependsOn is honoured trivially).
func (s *Server) runBatchItem(outer *http.Request, br batchRequest) batchResponse {
	rec := &recorder{header: http.Header{}}
	u := br.URL
	if !strings.HasPrefix(u, "/v1.0/") && !strings.HasPrefix(u, "/api/v1/") {
		u = "/v1.0/" + strings.TrimPrefix(u, "/")
	}
	var body []byte
	if len(br.Body) > 0 && string(br.Body) != "null" {
		body = br.Body
	}
	method := strings.ToUpper(br.Method)
	req, err := http.NewRequestWithContext(outer.Context(), method, u, bytes.NewReader(body))
	if err != nil || strings.HasSuffix(req.URL.Path, "/$batch") {
		if err == nil {
			err = fmt.Errorf("nested $batch")
		}
		writeError(rec, outer, entitled.Invalidf("batch request %s: invalid method or url: %v", br.ID, err), s.log)
	} else {
		req.Host = outer.Host
		req.TLS = outer.TLS
		for _, h := range []string{"X-Forwarded-Proto", "client-request-id"} {
			if v := outer.Header.Get(h); v != "" {
				req.Header.Set(h, v)
			}
		}
		for k, v := range br.Headers {
			req.Header.Set(k, v)
		}
		if body != nil && req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/json")
		}
		func() {
			defer func() {
				if v := recover(); v != nil {
					writeError(rec, req, fmt.Errorf("panic in batch request %s: %v", br.ID, v), s.log)
				}
			}()
			s.dispatch(rec, req)
		}()
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	resp := batchResponse{ID: br.ID, Status: rec.status, Headers: map[string]string{}}
	for k := range rec.header {
		resp.Headers[k] = rec.header.Get(k)
	}
	if b := bytes.TrimSpace(rec.body.Bytes()); len(b) > 0 {
		if json.Valid(b) {
			resp.Body = b
		} else {
			resp.Body, _ = json.Marshal(string(b))
		}
	}
	return resp
}
