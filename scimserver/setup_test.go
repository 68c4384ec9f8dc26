package scimserver_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/connectors/directory"
	ehttp "github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/internal/storetest"
	"github.com/entitled-dev/entitled/scimserver"
	"github.com/entitled-dev/entitled/sqlstore"
)

// noQueue drops jobs: delivery does not run in these tests.
type noQueue struct{}

func (noQueue) InsertJobs(context.Context, *sql.Tx, []entitled.Job) error { return nil }

// env is the API with its SCIM endpoint over a real SQLite store, a Global
// Administrator, their full token and their provisioning token.
type env struct {
	t        *testing.T
	srv      *httptest.Server
	services *sqlstore.Services
	admin    *entitled.User
	full     string
	scim     string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	st, err := sqlstore.NewServices(db, sqlstore.Config{Queue: noQueue{},
		Connectors: connectors.NewRegistry(directory.NewKind(sqlstore.NewMembership(db))),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := st.Admin.EnsureAdmin(ctx, "admin@example.com", "Admin")
	if err != nil {
		t.Fatal(err)
	}
	sys := entitled.NewContext(ctx, entitled.SystemActor)
	full, _, err := st.Tokens.IssueToken(sys, admin.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	prov, _, err := st.Tokens.CreateToken(sys, entitled.TokenRequest{User: admin.ID, Scope: entitled.TokenScopeSCIM})
	if err != nil {
		t.Fatal(err)
	}
	h, err := scimserver.New(st.Users, st.Groups)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ehttp.NewServer(ehttp.Config{Services: st.Domain(), SCIM: h,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, services: st, admin: admin, full: full, scim: prov}
}

// reply is a decoded answer.
type reply struct {
	status int
	body   map[string]any
	raw    string
}

// do sends a SCIM request with the provisioning token.
func (e *env) do(method, path, body string) reply { return e.doAs(e.scim, method, path, body) }

func (e *env) doAs(token, method, path, body string) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, raw: string(raw)}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &r.body)
	}
	return r
}

// want fails unless the reply has the status.
func (r reply) want(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// str reads a top-level string attribute.
func (r reply) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// resources returns a list response's resources.
func (r reply) resources() []map[string]any {
	var out []map[string]any
	l, _ := r.body["Resources"].([]any)
	for _, x := range l {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// wantOK accepts 200 or 204, both answers RFC 7644 allows to a PATCH.
func (r reply) wantOK(t *testing.T) reply {
	t.Helper()
	if r.status != http.StatusOK && r.status != http.StatusNoContent {
		t.Fatalf("status %d, want 200 or 204: %s", r.status, r.raw)
	}
	return r
}

// sys is the system actor's context.
func (e *env) sys() context.Context {
	return entitled.NewContext(context.Background(), entitled.SystemActor)
}

// members lists the ids of a group's members in the store.
func (e *env) members(groupID string) []string {
	e.t.Helper()
	p, err := e.services.Groups.GroupMembers(e.sys(), groupID, entitled.ListOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	var ids []string
	for _, u := range p.Items {
		ids = append(ids, u.ID)
	}
	return ids
}

// countGroups counts the directory's groups.
func (e *env) countGroups() int {
	e.t.Helper()
	p, err := e.services.Groups.Groups(e.sys(), entitled.ListOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(p.Items)
}
