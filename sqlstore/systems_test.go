package sqlstore

import (
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestSystemsRedactSecretsEverywhere(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	const secret = "s3cret" // the fixture's crm system carries it
	noSecret := func(where string, cs *entitled.ConnectedSystem) {
		t.Helper()
		if _, ok := cs.Config["secret"]; ok {
			t.Errorf("%s returned the secret: %v", where, cs.Config)
		}
		if cs.Config["secretSet"] != true && cs.Name == "crm" {
			t.Errorf("%s should say the secret is set: %v", where, cs.Config)
		}
	}
	noSecret("CreateSystem", f.web)
	got, err := s.Systems.System(f.as(t, "igAdmin"), "CRM")
	mustOK(t, err)
	noSecret("System", got)
	page, err := s.Systems.Systems(sys, entitled.ListOptions{})
	mustOK(t, err)
	for i := range page.Items {
		noSecret("Systems", &page.Items[i])
	}
	// PATCH without the secret keeps it; the engine (loadSystem) still sees it.
	upd, err := s.Systems.UpdateSystem(sys, f.web.ID, entitled.SystemUpdate{Config: map[string]any{"url": "https://crm2.example.com"}})
	mustOK(t, err)
	noSecret("UpdateSystem", upd)
	if upd.Config["url"] != "https://crm2.example.com" {
		t.Errorf("url not merged: %v", upd.Config)
	}
	mustOK(t, s.db.change(sys, func(tx *tx) error {
		full, err := tx.loadSystem(sys, f.web.ID)
		if err == nil && full.Config["secret"] != secret {
			t.Errorf("loadSystem lost the secret: %v", full.Config)
		}
		return err
	}))
	// Nor does the audit log hold it.
	ev, err := s.Audit.AuditEvents(sys, entitled.ListOptions{})
	mustOK(t, err)
	for _, e := range ev.Items {
		if strings.Contains(e.Before+e.After, secret) {
			t.Errorf("audit event %s holds the secret", e.ActivityDisplayName)
		}
	}
	// Reading systems: tenant admins and User Admins only.
	_, err = s.Systems.Systems(f.as(t, "catalogOwner"), entitled.ListOptions{})
	wantKind(t, err, entitled.KindForbidden)
}

func TestSystemRules(t *testing.T) {
	s, sys := newTestStore(t)
	mk := func(name, kind string, cfg map[string]any) error {
		return s.Systems.CreateSystem(sys, &entitled.ConnectedSystem{Name: name, Kind: kind, Config: cfg})
	}
	url := map[string]any{"url": "http://hooks.example.com"}
	mustOK(t, mk("hooks", "webhook", url))
	wantKind(t, mk("HOOKS", "webhook", url), entitled.KindConflict)
	wantKind(t, mk("AadGroup", "webhook", url), entitled.KindInvalid)
	wantKind(t, mk("-bad", "webhook", url), entitled.KindInvalid)
	wantKind(t, mk("bad name", "webhook", url), entitled.KindInvalid)
	err := mk("x", "carrier-pigeon", url)
	wantKind(t, err, entitled.KindInvalid)
	if !strings.Contains(err.Error(), "webhook") {
		t.Errorf("400 should list the known kinds: %v", err)
	}
	wantKind(t, mk("x", "webhook", map[string]any{"url": "ftp://x"}), entitled.KindInvalid)
	wantKind(t, s.Systems.CreateSystem(sys, &entitled.ConnectedSystem{Name: "y", Kind: "webhook", Config: url,
		Retry: entitled.RetryPolicy{MaxAttempts: 0, InitialBackoff: time.Second}}), entitled.KindInvalid)
	// Default retry, stored as ISO 8601 JSON.
	got, err := s.Systems.System(sys, "hooks")
	mustOK(t, err)
	if got.Retry != entitled.DefaultRetryPolicy {
		t.Errorf("retry %+v, want the default", got.Retry)
	}
	var retry string
	mustOK(t, s.db.tQueryRow(`SELECT retry FROM systems WHERE id = ?`, got.ID).Scan(&retry))
	if retry != `{"maxAttempts":5,"initialBackoff":"PT2S","maxBackoff":"PT5M"}` {
		t.Errorf("stored retry %s", retry)
	}
	rp := entitled.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Second, MaxBackoff: time.Minute}
	up, err := s.Systems.UpdateSystem(sys, "hooks", entitled.SystemUpdate{Retry: &rp})
	mustOK(t, err)
	if up.Retry != rp {
		t.Errorf("retry after PATCH %+v", up.Retry)
	}
	// PATCH re-validates the merged config.
	_, err = s.Systems.UpdateSystem(sys, "hooks", entitled.SystemUpdate{Config: map[string]any{"url": nil}})
	wantKind(t, err, entitled.KindInvalid)
	// The built-in directory: no rename, no delete.
	dn := "dir2"
	_, err = s.Systems.UpdateSystem(sys, DirectorySystemID, entitled.SystemUpdate{Name: &dn})
	wantKind(t, err, entitled.KindInvalid)
	wantKind(t, s.Systems.DeleteSystem(sys, "directory"), entitled.KindInvalid)
	// In use → 409; otherwise deleted.
	cat := &entitled.Catalog{DisplayName: "C"}
	mustOK(t, s.Catalogs.CreateCatalog(sys, cat))
	mustOK(t, s.Catalogs.CreateResourceRequest(sys, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: cat.ID,
		Resource: entitled.Resource{OriginSystem: "hooks", OriginID: "r1"}}))
	wantKind(t, s.Systems.DeleteSystem(sys, "hooks"), entitled.KindConflict)
	mustOK(t, mk("spare", "webhook", url))
	mustOK(t, s.Systems.DeleteSystem(sys, "spare"))
	// Filters: id, name, kind; 400 for another.
	wantEqFilters(t, func(o entitled.ListOptions) (entitled.Page[entitled.ConnectedSystem], error) {
		return s.Systems.Systems(sys, o)
	},
		map[string]string{"id": DirectorySystemID, "name": "hooks", "kind": "directory"}, "config")
}

// TestNoConnectorKinds: services whose registry knows no kind refuse
// systems with a 400 instead of panicking.
func TestNoConnectorKinds(t *testing.T) {
	s, sys := newTestStore(t)
	s = withConfig(t, s, func(c *Config) { c.Connectors = &testConnectors{kinds: map[string]entitled.ConnectorKind{}} })
	err := s.Systems.CreateSystem(sys, &entitled.ConnectedSystem{Name: "x", Kind: "webhook", Config: map[string]any{"url": "http://x"}})
	wantKind(t, err, entitled.KindInvalid)
	got, err := s.Systems.System(sys, "directory")
	mustOK(t, err)
	if got.Kind != "directory" {
		t.Errorf("kind %q", got.Kind)
	}
}
