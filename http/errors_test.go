package http_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/entitled-dev/entitled"
	ehttp "github.com/entitled-dev/entitled/http"
)

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	users := "/v1.0/users"
	big := `{"displayName":"` + strings.Repeat("x", 70<<10) + `"}`
	tests := []struct {
		name         string
		token        string
		method, path string
		body         any
		hdr          []string
		status       int
		code         string
		target       string
		msg          string // substring of the message
	}{
		{"malformed JSON", e.token, "POST", users, `{"displayName": "a",}`, nil, 400, "BadRequest", "", "byte offset"},
		{"truncated JSON", e.token, "POST", users, `{"displayName": "a"`, nil, 400, "BadRequest", "", "JSON"},
		{"empty body", e.token, "POST", users, "", nil, 400, "BadRequest", "", "empty"},
		{"wrong type", e.token, "POST", users, `{"userPrincipalName":"a@example.com","accountEnabled":"yes"}`, nil, 400, "BadRequest", "accountEnabled", "accountEnabled"},
		{"unknown enum", e.token, "POST", "/v1.0/identityGovernance/entitlementManagement/assignmentRequests",
			`{"requestType":"grantEverything","assignment":{"id":"x"}}`, nil, 400, "BadRequest", "requestType", "grantEverything"},
		{"unknown catalog state", e.token, "POST", "/v1.0/identityGovernance/entitlementManagement/catalogs",
			`{"displayName":"c","state":"archived"}`, nil, 400, "BadRequest", "state", "archived"},
		{"bad filter", e.token, "GET", users + "?$filter=" + urlq("displayName eq"), nil, nil, 400, "BadRequest", "$filter", "position"},
		{"unknown filter property", e.token, "GET", users + "?$filter=" + urlq("shoeSize eq 'x'"), nil, nil, 400, "BadRequest", "$filter", "shoeSize"},
		{"bad top", e.token, "GET", users + "?$top=1000", nil, nil, 400, "BadRequest", "$top", "$top"},
		{"bad expand", e.token, "GET", "/v1.0/identityGovernance/entitlementManagement/accessPackages?$expand=owners", nil, nil, 400, "BadRequest", "$expand", "owners"},
		{"search", e.token, "GET", users + "?$search=x", nil, nil, 400, "BadRequest", "$search", "not supported"},
		{"unknown id", e.token, "GET", users + "/0193f6d2-1c2b-7a3e-9d1f-0123456789ab", nil, nil, 404, "ResourceNotFound", "", ""},
		{"unknown route", e.token, "GET", "/v1.0/nothingHere", nil, nil, 404, "UnknownPath", "", ""},
		{"method not allowed", e.token, "PUT", users, `{}`, nil, 405, "MethodNotAllowed", "", "GET"},
		{"oversized body", e.token, "POST", users, big, nil, 413, "RequestEntityTooLarge", "", ""},
		{"oversized gzip body", e.token, "POST", users, gz(t, big), []string{"Content-Encoding", "gzip"}, 413, "RequestEntityTooLarge", "", ""},
		{"bad gzip", e.token, "POST", users, `{"not":"gzip"}`, []string{"Content-Encoding", "gzip"}, 400, "BadRequest", "", "gzip"},
		{"no token", "", "GET", users, nil, nil, 401, "InvalidAuthenticationToken", "", "Bearer"},
		{"bad token", "ent_nope", "GET", users, nil, nil, 401, "InvalidAuthenticationToken", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.doAs(tt.token, tt.method, tt.path, tt.body, tt.hdr...)
			ge := r.graphError(t, tt.status, tt.code)
			if tt.target != "" && ge["target"] != tt.target {
				t.Errorf("target %v, want %s", ge["target"], tt.target)
			}
			if tt.target == "" {
				if _, present := ge["target"]; !present {
					t.Errorf("target missing, want null")
				}
			}
			if !strings.Contains(str(ge["message"]), tt.msg) {
				t.Errorf("message %q does not mention %q", ge["message"], tt.msg)
			}
			if tt.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
			if tt.status == 405 && r.header.Get("Allow") == "" {
				t.Errorf("no Allow header")
			}
		})
	}

	t.Run("gzip body accepted", func(t *testing.T) {
		r := e.do("POST", users, gz(t, `{"userPrincipalName":"zip@example.com","displayName":"Zip","unknownProperty":1}`), "Content-Encoding", "gzip")
		b := r.must(t, 201)
		if b["userPrincipalName"] != "zip@example.com" || b["accountEnabled"] != true {
			t.Errorf("created %s", r.raw)
		}
		if !strings.HasSuffix(r.header.Get("Location"), "/v1.0/users/"+str(b["id"])) {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		if !strings.HasSuffix(str(b["@odata.context"]), "/v1.0/$metadata#users/$entity") {
			t.Errorf("@odata.context %v", b["@odata.context"])
		}
	})
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/v1.0/users/nobody@example.com", nil, "client-request-id", "my-id-1")
	ge := r.graphError(t, 404, "ResourceNotFound")
	inner := obj(ge["innerError"])
	if r.header.Get("request-id") != "my-id-1" || inner["client-request-id"] != "my-id-1" {
		t.Errorf("request id not taken from client-request-id: header %q inner %v", r.header.Get("request-id"), inner)
	}
	// A generated id differs per request.
	a := e.do("GET", "/v1.0/me", nil).header.Get("request-id")
	b := e.do("GET", "/v1.0/me", nil).header.Get("request-id")
	if a == "" || a == b {
		t.Errorf("generated request ids %q, %q", a, b)
	}
	// The audit log records the request id as the correlation id.
	c := e.do("POST", "/v1.0/groups", map[string]any{"displayName": "Audited", "mailNickname": "audited"}, "request-id", "corr-42").must(t, 201)
	audits := e.do("GET", "/v1.0/auditLogs/directoryAudits?$filter="+urlq("targetResources/any(t: t/id eq '"+str(c["id"])+"')"), nil).must(t, 200)
	vals := list(audits["value"])
	if len(vals) != 1 || obj(vals[0])["correlationId"] != "corr-42" {
		t.Fatalf("audit events %v", vals)
	}
	ev := obj(vals[0])
	if ev["category"] != "EntitlementManagement" || ev["loggedByService"] != "Entitlement Management" ||
		obj(obj(ev["initiatedBy"])["user"])["id"] != e.admin.ID || obj(list(ev["targetResources"])[0])["id"] != c["id"] {
		t.Errorf("directoryAudit shape %v", ev)
	}
	// Each request logs one structured line with its id and user.
	e.srv.Close()
	var found bool
	for _, line := range strings.Split(e.logBuf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["msg"] != "http request" {
			continue
		}
		if m["request_id"] == "corr-42" {
			found = true
			if m["user_id"] != e.admin.ID || m["method"] != "POST" || m["path"] != "/v1.0/groups" || m["status"] != float64(201) {
				t.Errorf("log line %v", m)
			}
			// The time taken says its unit: milliseconds, as a number.
			if ms, ok := m["duration_ms"].(float64); !ok || ms <= 0 || m["duration"] != nil {
				t.Errorf("log line %v: want duration_ms, a positive number of milliseconds", m)
			}
		}
	}
	if !found {
		t.Errorf("no log line for request corr-42 in %s", e.logBuf.String())
	}
}

func TestPanicAndInternalErrors(t *testing.T) {
	e := newEnv(t, func(c *ehttp.Config) {
		c.Services.Users = nil // any call panics
		c.Services.Groups = failingGroups{c.Services.Groups}
	})
	r := e.do("GET", "/v1.0/users", nil)
	ge := r.graphError(t, 500, "InternalServerError")
	if strings.Contains(str(ge["message"]), "nil pointer") {
		t.Errorf("panic detail leaked: %v", ge["message"])
	}
	r = e.do("GET", "/v1.0/groups", nil)
	ge = r.graphError(t, 500, "InternalServerError")
	if strings.Contains(str(ge["message"]), "disk on fire") {
		t.Errorf("internal detail leaked: %v", ge["message"])
	}
	// The server still answers afterwards.
	e.do("GET", "/v1.0/roleManagement/directory/roleDefinitions", nil).must(t, 200)
}

type failingGroups struct{ entitled.GroupService }

func (failingGroups) Groups(context.Context, entitled.ListOptions) (entitled.Page[entitled.Group], error) {
	return entitled.Page[entitled.Group]{}, errors.New("disk on fire")
}

func TestHealthAndMetrics(t *testing.T) {
	var healthy atomic.Bool
	healthy.Store(true)
	e := newEnv(t, func(c *ehttp.Config) {
		c.Health = func(context.Context) error {
			if healthy.Load() {
				return nil
			}
			return errors.New("database unreachable")
		}
		c.Metrics = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("up 1\n")) })
	})
	r := e.doAs("", "GET", "/healthz", nil)
	if b := r.must(t, 200); b["status"] != "ok" {
		t.Errorf("healthz %s", r.raw)
	}
	healthy.Store(false)
	r = e.doAs("", "GET", "/healthz", nil)
	r.graphError(t, 503, "ServiceUnavailable")
	if r.header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
	r = e.doAs("", "GET", "/metrics", nil)
	if r.status != 200 || string(r.raw) != "up 1\n" {
		t.Errorf("metrics %d %q", r.status, r.raw)
	}
}
