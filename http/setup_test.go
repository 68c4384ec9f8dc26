package http_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/connectors/directory"
	"github.com/entitled-dev/entitled/connectors/postgres"
	"github.com/entitled-dev/entitled/connectors/webhook"
	ehttp "github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/internal/graphexamples"
	"github.com/entitled-dev/entitled/internal/storetest"
	"github.com/entitled-dev/entitled/internal/syncbuf"
	"github.com/entitled-dev/entitled/sqlstore"
)

// noQueue drops jobs: delivery does not run at the HTTP layer.
type noQueue struct{}

func (noQueue) InsertJobs(context.Context, *sql.Tx, []entitled.Job) error { return nil }

// newAdminServices opens a migrated SQLite database in a temporary
// directory, builds the services over it with the real connector kinds (the
// built-in directory, webhooks, PostgreSQL), and returns them with their
// Global Administrator and a token of theirs.
func newAdminServices(tb testing.TB) (*sqlstore.Services, *entitled.User, string) {
	tb.Helper()
	ctx := context.Background()
	db := storetest.Open(tb)
	st, err := sqlstore.NewServices(db, sqlstore.Config{
		Queue:      noQueue{},
		Connectors: connectors.NewRegistry(directory.NewKind(sqlstore.NewMembership(db)), webhook.NewKind(nil), postgres.NewKind()),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	admin, err := st.Admin.EnsureAdmin(ctx, "admin@example.com", "Admin")
	if err != nil {
		tb.Fatal(err)
	}
	secret, _, err := st.Tokens.IssueToken(entitled.NewContext(ctx, entitled.SystemActor), admin.ID, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return st, admin, secret
}

// env is a running API over a real SQLite store with an administrator.
type env struct {
	t        *testing.T
	srv      *httptest.Server
	services *sqlstore.Services
	admin    *entitled.User
	token    string
	logBuf   *syncbuf.Buffer
}

func newEnv(t *testing.T, mod ...func(*ehttp.Config)) *env {
	t.Helper()
	st, admin, secret := newAdminServices(t)
	buf := &syncbuf.Buffer{}
	cfg := ehttp.Config{Services: st.Domain(), Logger: slog.New(slog.NewJSONHandler(buf, nil)), MaxBodyBytes: 64 << 10}
	for _, m := range mod {
		m(&cfg)
	}
	srv := httptest.NewServer(ehttp.NewServer(cfg))
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, services: st, admin: admin, token: secret, logBuf: buf}
}

// tokenFor issues a token for a user.
func (e *env) tokenFor(userID string) string {
	e.t.Helper()
	secret, _, err := e.services.Tokens.IssueToken(entitled.NewContext(context.Background(), entitled.SystemActor), userID, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends a request with the admin token; body may be a string (sent as
// is), []byte or any value (marshalled).
func (e *env) do(method, path string, body any, hdr ...string) response {
	return e.doAs(e.token, method, path, body, hdr...)
}

func (e *env) doAs(token, method, path string, body any, hdr ...string) response {
	e.t.Helper()
	r := graphexamples.Call(e.t, e.srv.URL, token, method, path, body, hdr...)
	return response{status: r.Status, header: r.Header, raw: r.Raw, body: r.Body}
}

// must asserts the status and returns the body.
func (r response) must(t *testing.T, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	return r.body
}

// graphError asserts a Graph error envelope with the status and code whose
// innerError.request-id matches the response header.
func (r response) graphError(t *testing.T, status int, code string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	e, ok := r.body["error"].(map[string]any)
	if !ok {
		t.Fatalf("no Graph error envelope: %s", r.raw)
	}
	if e["code"] != code {
		t.Errorf("code %v, want %s; body %s", e["code"], code, r.raw)
	}
	if m, _ := e["message"].(string); m == "" {
		t.Errorf("empty message: %s", r.raw)
	}
	if d, ok := e["details"].([]any); !ok || len(d) != 0 {
		t.Errorf("details = %v, want []", e["details"])
	}
	inner, _ := e["innerError"].(map[string]any)
	rid := r.header.Get("request-id")
	if rid == "" || inner["request-id"] != rid {
		t.Errorf("innerError.request-id %v, header %q", inner["request-id"], rid)
	}
	if d, _ := inner["date"].(string); !strings.HasSuffix(d, "Z") {
		t.Errorf("innerError.date %q", d)
	}
	return e
}

func gz(t *testing.T, s string) []byte { return graphexamples.Gzip(t, s) }

func str(v any) string { s, _ := v.(string); return s }

func list(v any) []any { l, _ := v.([]any); return l }

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func urlq(s string) string { return url.QueryEscape(s) }
