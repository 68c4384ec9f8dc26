package http_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSystemURLCredentialsHidden: a webhook URL's password and query values
// are masked in GET, list, PATCH answers and the audit log; sending the
// masked URL back does not overwrite the real one.
func TestSystemURLCredentialsHidden(t *testing.T) {
	e := newEnv(t)
	const real = "https://svc:pw-9Secret@hooks.example.com/h?code=KEY-77secret"
	const masked = "https://svc:xxxxx@hooks.example.com/h?code=xxxxx"
	noLeak := func(where string, v any) {
		t.Helper()
		s := strings.Join(strings.Fields(strings.TrimSpace(toJSON(v))), " ")
		if strings.Contains(s, "pw-9Secret") || strings.Contains(s, "KEY-77secret") {
			t.Errorf("%s leaks the URL's secrets: %s", where, s)
		}
	}
	created := e.do("POST", "/api/v1/systems", map[string]any{"name": "hooks", "kind": "webhook",
		"config": map[string]any{"url": real}}).must(t, 201)
	if u := obj(created["config"])["url"]; u != masked {
		t.Errorf("created url %v, want %s", u, masked)
	}
	got := e.do("GET", "/api/v1/systems/hooks", nil).must(t, 200)
	if u := obj(got["config"])["url"]; u != masked {
		t.Errorf("GET url %v, want %s", u, masked)
	}
	noLeak("list", e.do("GET", "/api/v1/systems", nil).must(t, 200))
	// Send the config back as read, with one change.
	cfg := obj(got["config"])
	cfg["timeout"] = "5s"
	noLeak("PATCH", e.do("PATCH", "/api/v1/systems/hooks", map[string]any{"config": cfg}).must(t, 200))
	audit := e.do("GET", "/v1.0/auditLogs/directoryAudits", nil).must(t, 200)
	noLeak("audit", audit)
	if !strings.Contains(toJSON(audit), "Update connected system") {
		t.Error("the PATCH was not audited")
	}
	// The stored URL is kept (sqlstore's TestSystemURLCredentialsAreMasked
	// reads it back): the PATCH answer still shows its masked form.
	patched := e.do("GET", "/api/v1/systems/hooks", nil).must(t, 200)
	if c := obj(patched["config"]); c["url"] != masked || c["timeout"] != "5s" {
		t.Errorf("after the PATCH: %v", c)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
