package sqlstore

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/connectors/webhook"
)

// TestSystemURLCredentialsAreMasked: a webhook URL carrying a password and a
// query key is shown masked by every read and in the audit log, a PATCH
// sending the masked URL back keeps the real one, and the connector keeps
// calling the real URL.
func TestSystemURLCredentialsAreMasked(t *testing.T) {
	const password, code = "pw-9Secret", "KEY-77secret"
	var mu sync.Mutex
	var calls []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pw, _ := r.BasicAuth()
		mu.Lock()
		calls = append(calls, user+":"+pw+" "+r.URL.Query().Get("code"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(target.Close)
	real := strings.Replace(target.URL, "http://", "http://svc:"+password+"@", 1) + "/hook?code=" + code
	masked := strings.Replace(target.URL, "http://", "http://svc:xxxxx@", 1) + "/hook?code=xxxxx"

	db := openTestDB(t)
	reg := connectors.NewRegistry(webhook.NewKind(nil))
	s := newServices(t, db, Config{Connectors: reg})
	ctx := entitled.NewContext(context.Background(), entitled.SystemActor)
	leaks := func(where string, v any) {
		t.Helper()
		text := strings.TrimSpace(strings.Join(strings.Fields(fmtAny(v)), " "))
		if strings.Contains(text, password) || strings.Contains(text, code) {
			t.Errorf("%s shows the URL's credentials: %s", where, text)
		}
	}

	sys := &entitled.ConnectedSystem{Name: "hr", Kind: "webhook", Config: map[string]any{"url": real, "secret": "s3cret-webhook"}}
	mustOK(t, s.Systems.CreateSystem(ctx, sys))
	if sys.Config["url"] != masked {
		t.Errorf("CreateSystem url = %v, want %s", sys.Config["url"], masked)
	}
	got, err := s.Systems.System(ctx, "hr")
	mustOK(t, err)
	if got.Config["url"] != masked {
		t.Errorf("System url = %v, want %s", got.Config["url"], masked)
	}
	page, err := s.Systems.Systems(ctx, entitled.ListOptions{})
	mustOK(t, err)
	leaks("Systems", page.Items)

	// The config read back and sent unchanged (with a new timeout) keeps
	// the real URL.
	cfg := got.Config
	cfg["timeout"] = "5s"
	upd, err := s.Systems.UpdateSystem(ctx, sys.ID, entitled.SystemUpdate{Config: cfg})
	mustOK(t, err)
	leaks("UpdateSystem", upd)
	var full *entitled.ConnectedSystem
	mustOK(t, s.db.change(ctx, func(tx *tx) (err error) { full, err = tx.loadSystem(ctx, sys.ID); return err }))
	if full.Config["url"] != real || full.Config["timeout"] != "5s" {
		t.Fatalf("stored config after the echo: %v", full.Config)
	}

	ev, err := s.Audit.AuditEvents(ctx, entitled.ListOptions{})
	mustOK(t, err)
	if len(ev.Items) == 0 {
		t.Fatal("no audit events")
	}
	for _, e := range ev.Items {
		leaks("audit event "+e.ActivityDisplayName, e.Before+e.After)
	}

	// The connector calls the real URL.
	conn, err := reg.For(full)
	mustOK(t, err)
	mustOK(t, conn.Grant(ctx, entitled.Grant{Subject: entitled.Subject{ID: "u1"}, Resource: entitled.ResourceRef{OriginID: "payroll"},
		Role: entitled.ResourceRoleRef{OriginID: "Member"}, IdempotencyKey: "d1-1"}))
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 1 || calls[0] != "svc:"+password+" "+code {
		t.Fatalf("the target saw %q, want the real credentials and code", calls)
	}

	// A new URL sent in full replaces it; one with a masked part that is
	// not the stored URL's masked form is stored as sent.
	_, err = s.Systems.UpdateSystem(ctx, sys.ID, entitled.SystemUpdate{Config: map[string]any{"url": "https://new.example.com/h?code=other"}})
	mustOK(t, err)
	mustOK(t, s.db.change(ctx, func(tx *tx) (err error) { full, err = tx.loadSystem(ctx, sys.ID); return err }))
	if full.Config["url"] != "https://new.example.com/h?code=other" {
		t.Fatalf("a new URL was not stored: %v", full.Config["url"])
	}
}

// fmtAny renders v for a leak check.
func fmtAny(v any) string { return fmt.Sprintf("%+v", v) }
