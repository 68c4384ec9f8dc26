package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
)

// maxBatchRequests is the most requests one JSON batch may hold (Graph's limit).
const maxBatchRequests = 20

// DefaultMaxBatchResponseBytes bounds the bodies of a batch's responses
// together when Config.MaxBatchResponseBytes is 0. A sub-request whose
// response does not fit is answered 413 BatchResponseTooLarge in its place,
// and the sub-requests after it are not run.
const DefaultMaxBatchResponseBytes = 4 << 20

// codeBatchResponseTooLarge is the code of a sub-response that did not fit.
const codeBatchResponseTooLarge = "BatchResponseTooLarge"

// codeFailedDependency is the code of a sub-request not run because a
// request it depends on failed (as Graph's 424).
const codeFailedDependency = "FailedDependency"

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

// recorder captures a sub-request's response, keeping at most limit bytes
// of its body: past that it only notes the overflow.
type recorder struct {
	header   http.Header
	status   int
	body     bytes.Buffer
	limit    int
	overflow bool
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.overflow || rec.body.Len()+len(b) > rec.limit {
		rec.overflow = true
		return len(b), nil
	}
	return rec.body.Write(b)
}
func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
}

// inBatchKey marks the context of a batch's sub-requests.
type inBatchKey struct{}

func (s *Server) registerBatch() {
	s.routes.handle("POST", "/v1.0/$batch", func(w http.ResponseWriter, r *http.Request, _ params) error {
		if r.Context().Value(inBatchKey{}) != nil {
			return nestedBatch()
		}
		var in struct {
			Requests []batchRequest `json:"requests"`
		}
		if err := s.decode(r, &in); err != nil {
			return err
		}
		if len(in.Requests) == 0 || len(in.Requests) > maxBatchRequests {
			return badProp("requests", "a batch holds 1 to %d requests, not %d", maxBatchRequests, len(in.Requests)).WithKey("err.batch.size", "Max", maxBatchRequests, "Given", len(in.Requests))
		}
		seen := map[string]bool{}
		for _, br := range in.Requests {
			if br.ID == "" || seen[br.ID] {
				return badProp("requests.id", "every batch request needs a unique id").WithKey("err.batch.uniqueIds")
			}
			// Requests run in order: a dependency is an earlier request.
			for _, dep := range br.DependsOn {
				if !seen[dep] {
					return badProp("requests.dependsOn", "batch request %s depends on %q, which is not the id of an earlier request of the batch", br.ID, dep).WithKey("err.batch.badDependsOn", "ID", br.ID, "Dep", dep)
				}
			}
			seen[br.ID] = true
		}
		out := struct {
			Responses []batchResponse `json:"responses"`
		}{Responses: make([]batchResponse, 0, len(in.Requests))}
		budget := s.cfg.MaxBatchResponseBytes
		ctx := context.WithValue(r.Context(), inBatchKey{}, true)
		status := map[string]int{}
		for _, br := range in.Requests {
			var resp batchResponse
			switch failed := failedDependency(br, status); {
			case failed != "":
				resp = s.batchError(r, br.ID, (&entitled.Error{Kind: entitled.KindFailedDependency, Code: codeFailedDependency, Target: "requests.dependsOn",
					Message: fmt.Sprintf("batch request %s was not run: request %s, which it depends on, failed", br.ID, failed)}).WithKey("err.batch.failedDependency", "ID", br.ID, "Dep", failed))
			case budget <= 0:
				resp = s.batchError(r, br.ID, s.batchTooLarge(br.ID, "was not run"))
			default:
				resp = s.runBatchItem(r.WithContext(ctx), br, budget)
			}
			budget -= len(resp.Body)
			status[br.ID] = resp.Status
			out.Responses = append(out.Responses, resp)
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	})
}

// failedDependency is the first request br depends on whose answer (in
// status, by id) was not a success, or "".
func failedDependency(br batchRequest, status map[string]int) string {
	for _, dep := range br.DependsOn {
		if st := status[dep]; st < 200 || st > 299 {
			return dep
		}
	}
	return ""
}

// nestedBatch is the 400 for a $batch inside a $batch.
func nestedBatch() error {
	return badProp("requests.url", "a batch request cannot be a $batch: batches do not nest").WithKey("err.batch.nested")
}

// batchTooLarge is the error of a sub-request whose response does not fit.
func (s *Server) batchTooLarge(id, what string) error {
	return (&entitled.Error{Kind: entitled.KindTooLarge, Code: codeBatchResponseTooLarge, Target: "requests.id",
		Message: fmt.Sprintf("batch request %s %s: the responses of a batch are limited to %d bytes together; send it in another batch or on its own, or ask for less with $top or $select",
			id, what, s.cfg.MaxBatchResponseBytes)}).WithKey("err.batch.responseTooLarge", "ID", id, "What", what, "Max", s.cfg.MaxBatchResponseBytes)
}

// batchPath resolves a sub-request's url (relative to /v1.0 unless it
// starts with /v1.0/ or /api/v1/) to the path the router will see, and
// refuses one that names $batch in any spelling or holds empty, "." or ".."
// segments (which the router would not resolve as a client expects).
func batchPath(raw string) (string, error) {
	u := raw
	if !strings.HasPrefix(u, "/v1.0/") && !strings.HasPrefix(u, "/api/v1/") {
		u = "/v1.0/" + strings.TrimPrefix(u, "/")
	}
	return u, checkBatchPath(u)
}

// checkBatchPath checks the decoded path of a sub-request (see batchPath).
func checkBatchPath(p string) error {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for _, seg := range splitPath(p) {
		switch {
		case strings.EqualFold(seg, "$batch"), strings.EqualFold(seg, "%24batch"):
			return nestedBatch()
		case seg == "", seg == ".", seg == "..":
			return badProp("requests.url", "batch request url %q has an empty, '.' or '..' segment; send the path it stands for", p).WithKey("err.batch.dotSegment", "URL", p)
		}
	}
	return nil
}

// batchError is a sub-response carrying err.
func (s *Server) batchError(outer *http.Request, id string, err error) batchResponse {
	rec := &recorder{header: http.Header{}, limit: s.cfg.MaxBatchResponseBytes}
	writeError(rec, outer, err, s.log)
	return toBatchResponse(id, rec)
}

// runBatchItem dispatches one batch request through the router (requests run
// in order; one whose dependsOn failed is not run, see failedDependency).
// Its response body may use up to budget bytes.
func (s *Server) runBatchItem(outer *http.Request, br batchRequest, budget int) batchResponse {
	if br.Method == "" || br.URL == "" {
		return s.batchError(outer, br.ID, badProp("requests.url", "batch request %s needs a method and a url, such as {\"method\": \"GET\", \"url\": \"/me\"}", br.ID).WithKey("err.batch.methodAndURL", "ID", br.ID))
	}
	u, err := batchPath(br.URL)
	if err != nil {
		return s.batchError(outer, br.ID, err)
	}
	var body []byte
	if len(br.Body) > 0 && string(br.Body) != "null" {
		body = br.Body
	}
	method := strings.ToUpper(br.Method)
	req, err := http.NewRequestWithContext(outer.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		return s.batchError(outer, br.ID, entitled.Invalidf("batch request %s: invalid method or url: %v", br.ID, err).WithKey("err.batch.badRequestLine", "ID", br.ID, "Problem", err))
	}
	// The router matches the decoded path: check it too (%24batch, %2F…).
	if err := checkBatchPath(req.URL.Path); err != nil {
		return s.batchError(outer, br.ID, err)
	}
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
	rec := &recorder{header: http.Header{}, limit: budget}
	func() {
		defer func() {
			if v := recover(); v != nil {
				writeError(rec, req, fmt.Errorf("panic in batch request %s: %v", br.ID, v), s.log)
			}
		}()
		s.dispatch(rec, req)
	}()
	if rec.overflow {
		return s.batchError(outer, br.ID, s.batchTooLarge(br.ID, "ran, but its response does not fit"))
	}
	return toBatchResponse(br.ID, rec)
}

// toBatchResponse turns a recorded response into a batch response.
func toBatchResponse(id string, rec *recorder) batchResponse {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	resp := batchResponse{ID: id, Status: rec.status, Headers: map[string]string{}}
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
