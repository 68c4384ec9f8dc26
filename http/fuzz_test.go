package http_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	ehttp "github.com/entitled-dev/entitled/http"
)

// fuzzWorld is the API over a real SQLite store with a catalog, a package
// and a policy, called in process through ServeHTTP.
type fuzzWorld struct {
	h                    http.Handler
	token                string
	pkg, policy, adminID string
}

func newFuzzWorld(tb testing.TB) *fuzzWorld {
	tb.Helper()
	st, admin, secret := newAdminServices(tb)
	w := &fuzzWorld{h: ehttp.NewServer(ehttp.Config{Services: st.Domain(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxBodyBytes: 64 << 10, BaseURL: "https://entitled.example.com"}), token: secret, adminID: admin.ID}
	cat := w.mustCreate(tb, em+"/catalogs", `{"displayName":"C","state":"published"}`)
	w.pkg = w.mustCreate(tb, em+"/accessPackages", `{"displayName":"P","catalog":{"id":"`+cat+`"}}`)
	w.policy = w.mustCreate(tb, em+"/assignmentPolicies", `{"displayName":"Open","allowedTargetScope":"allMemberUsers",
		"accessPackage":{"id":"`+w.pkg+`"},"requestorSettings":{"enableTargetsToSelfAddAccess":true},
		"requestApprovalSettings":{"isApprovalRequiredForAdd":false}}`)
	return w
}

// call sends one request and returns the recorded answer.
func (w *fuzzWorld) call(method, target string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://entitled.test/", bytes.NewReader(body))
	req.URL.RawQuery = ""
	if u, err := url.Parse(target); err == nil {
		req.URL.Path, req.URL.RawQuery = u.Path, u.RawQuery
	}
	req.RequestURI = ""
	req.Header.Set("Authorization", "Bearer "+w.token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

func (w *fuzzWorld) mustCreate(tb testing.TB, path, body string) string {
	tb.Helper()
	rec := w.call("POST", path, []byte(body))
	var out struct{ ID string }
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		tb.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body)
	}
	return out.ID
}

// checkAnswer fails unless the answer is a 2xx, or a 4xx with Graph's
// error envelope (and a 2xx $batch's failed items carry it too).
func checkAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 || rec.Code < 200 || (rec.Code >= 300 && rec.Code < 400) {
		t.Fatalf("%s: status %d: %s", what, rec.Code, rec.Body)
	}
	if rec.Code >= 400 {
		checkGraphEnvelope(t, what, rec.Body.Bytes())
		return
	}
	var batch struct {
		Responses []struct {
			Status int             `json:"status"`
			Body   json.RawMessage `json:"body"`
		} `json:"responses"`
	}
	if json.Unmarshal(rec.Body.Bytes(), &batch) == nil {
		for _, r := range batch.Responses {
			if r.Status >= 500 {
				t.Fatalf("%s: a batch item answered %d: %s", what, r.Status, r.Body)
			}
			if r.Status >= 400 {
				checkGraphEnvelope(t, what+" (batch item)", r.Body)
			}
		}
	}
}

func checkGraphEnvelope(t *testing.T, what string, body []byte) {
	t.Helper()
	var env struct {
		Error *struct {
			Code       string          `json:"code"`
			Message    string          `json:"message"`
			Details    []any           `json:"details"`
			InnerError json.RawMessage `json:"innerError"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil || env.Error.Code == "" ||
		env.Error.Message == "" || env.Error.Details == nil || len(env.Error.InnerError) == 0 {
		t.Fatalf("%s: not Graph's error envelope: %s", what, body)
	}
}

// fuzzRoutes are the JSON endpoints FuzzRequestBodies posts to; {pkg},
// {policy} and {admin} are filled from the world.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", em + "/assignmentRequests"},
	{"POST", em + "/assignmentPolicies"},
	{"PUT", em + "/assignmentPolicies/{policy}"},
	{"POST", "/v1.0/$batch"},
	{"POST", "/api/v1/systems"},
	{"POST", em + "/accessPackages"},
}

// FuzzRequestBodies posts arbitrary bodies to the request-creation, policy,
// batch, system and package endpoints through the real handler: every
// answer is a 2xx or a 4xx with Graph's envelope, never a 5xx or a panic.
func FuzzRequestBodies(f *testing.F) {
	w := newFuzzWorld(f)
	seeds := []string{
		`{"requestType":"userAdd","assignment":{"accessPackageId":"{pkg}","assignmentPolicyId":"{policy}","targetId":"{admin}"},"justification":"j","answers":[]}`,
		`{"requestType":"adminAdd","assignment":{"accessPackageId":"{pkg}","assignmentPolicyId":"{policy}","targetId":"{admin}"},"schedule":{"startDateTime":"2026-01-01T00:00:00Z","expiration":{"type":"afterDuration","duration":"P99999999999D"}}}`,
		`{"displayName":"P2","allowedTargetScope":"allMemberUsers","accessPackage":{"id":"{pkg}"},"expiration":{"type":"afterDuration","duration":"P30D"},
		  "requestApprovalSettings":{"isApprovalRequiredForAdd":true,"stages":[{"durationBeforeAutomaticDenial":"P7D","primaryApprovers":[{"@odata.type":"#microsoft.graph.singleUser","userId":"{admin}"}]}]}}`,
		`{"requests":[{"id":"1","method":"GET","url":"/me"},{"id":"2","method":"POST","url":"/$BATCH/","body":{"requests":[]}}]}`,
		`{"name":"h","kind":"webhook","config":{"url":"http://127.0.0.1:1/x","secret":"s"},"retry":{"maxAttempts":3,"initialBackoff":"PT1S"}}`,
		`{"displayName":"Q","catalog":{"id":"nope"}}`,
		`[]`, `null`, `{`, `"x"`, `{"stages":[[[[[[]]]]]]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i%len(fuzzRoutes)), []byte(s))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		body = fill(body, w)
		path := string(fill([]byte(r.path), w))
		checkAnswer(t, r.method+" "+path+" "+string(body), w.call(r.method, path, body))
	})
}

// fill replaces {pkg}, {policy} and {admin} with the world's ids.
func fill(b []byte, w *fuzzWorld) []byte {
	b = bytes.ReplaceAll(b, []byte("{pkg}"), []byte(w.pkg))
	b = bytes.ReplaceAll(b, []byte("{policy}"), []byte(w.policy))
	return bytes.ReplaceAll(b, []byte("{admin}"), []byte(w.adminID))
}

// FuzzQueryOptions lists with arbitrary $filter, $skiptoken and other
// options through the real handler and store: a 200 or a 400 with Graph's
// envelope, never a 5xx.
func FuzzQueryOptions(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range []struct{ filter, token, rest string }{
		{"state eq 'delivered' and accessPackage/id eq '{pkg}'", "", "$top=2&$count=true"},
		{"id in ('a','b') or createdDateTime gt 2026-01-01T00:00:00Z", "MDFhMjIzMGUtMGQ2OS03ZWZlLTliNjctMDMwZDg2YjdhNmQ0", "$select=id,state"},
		{"contains(displayName,'x') or not isHidden eq true", "@@", "$expand=catalog"},
		{"target/id eq null", "", "$orderby=createdDateTime"},
		{"completedDateTime lt 1e308", "A", "$top=999"},
	} {
		f.Add(s.filter, s.token, s.rest)
	}
	paths := []string{em + "/assignmentRequests", em + "/accessPackages", "/v1.0/users", "/v1.0/auditLogs/directoryAudits"}
	f.Fuzz(func(t *testing.T, filter, token, rest string) {
		q, _ := url.ParseQuery(rest)
		if q == nil {
			q = url.Values{}
		}
		q.Set("$filter", string(fill([]byte(filter), w)))
		if token != "" {
			q.Set("$skiptoken", token)
		}
		for _, p := range paths {
			rec := w.call("GET", p+"?"+q.Encode(), nil)
			if rec.Code != 200 && rec.Code != 400 {
				t.Fatalf("GET %s?%s: status %d: %s", p, q.Encode(), rec.Code, rec.Body)
			}
			checkAnswer(t, "GET "+p, rec)
		}
	})
}
