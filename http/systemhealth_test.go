package http_test

import (
	"context"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	ehttp "github.com/entitled-dev/entitled/http"
)

// TestSystemHealthAPI: a system's health policy is part of its definition
// (defaults, validation, merge on PATCH), its health is in every read,
// tenant administrators pause and resume it (others get 403), and
// /healthz names the systems that are not active.
func TestSystemHealthAPI(t *testing.T) {
	e := newEnv(t)
	sys := e.do("POST", "/api/v1/systems", map[string]any{"name": "hooks", "kind": "webhook",
		"config": map[string]any{"url": "https://hooks.example.com"}}).must(t, 201)
	if p := obj(sys["healthPolicy"]); p["suspendAfter"] != float64(5) || p["maxProbeInterval"] != "PT1M" || p["retryFailedWithin"] != "PT15M" {
		t.Errorf("default health policy %v", p)
	}
	if h := obj(sys["health"]); h["state"] != "active" || h["waitingDeliveries"] != float64(0) {
		t.Errorf("health of a new system %v", h)
	}
	upd := e.do("PATCH", "/api/v1/systems/hooks", map[string]any{"healthPolicy": map[string]any{"suspendAfter": 0}}).must(t, 200)
	if p := obj(upd["healthPolicy"]); p["suspendAfter"] != float64(0) || p["maxProbeInterval"] != "PT1M" {
		t.Errorf("patched policy %v", p)
	}
	errBody := e.do("PATCH", "/api/v1/systems/hooks", map[string]any{"healthPolicy": map[string]any{"maxProbeInterval": "PT0.1S"}}).graphError(t, 400, "BadRequest")
	if target := errBody["target"]; target != "healthPolicy.maxProbeInterval" {
		t.Errorf("error target %v", target)
	}
	e.do("POST", "/api/v1/systems", map[string]any{"name": "bad", "kind": "webhook", "config": map[string]any{"url": "https://x.example.com"},
		"healthPolicy": map[string]any{"suspendAfter": -2}}).graphError(t, 400, "BadRequest")
	e.do("POST", "/api/v1/systems", map[string]any{"name": "bad", "kind": "webhook", "config": map[string]any{"url": "https://x.example.com"},
		"healthPolicy": map[string]any{"retryFailedWithin": "later"}}).graphError(t, 400, "BadRequest")

	// Pause and resume: tenant administrators only.
	ctx := entitled.NewContext(context.Background(), entitled.SystemActor)
	pat := &entitled.User{UserPrincipalName: "pat@example.com", DisplayName: "Pat", AccountEnabled: true}
	if err := e.services.Users.CreateUser(ctx, pat); err != nil {
		t.Fatal(err)
	}
	patToken := e.tokenFor(pat.ID)
	e.doAs(patToken, "POST", "/api/v1/systems/hooks/pause", nil).graphError(t, 403, "Authorization_RequestDenied")
	paused := e.do("POST", "/api/v1/systems/hooks/pause", nil).must(t, 200)
	if h := obj(paused["health"]); h["state"] != "paused" || h["pausedBy"] != "admin@example.com" || h["since"] == nil {
		t.Errorf("paused %v", h)
	}
	e.do("POST", "/api/v1/systems/hooks/pause", nil).graphError(t, 409, "Conflict")
	if h := obj(e.do("GET", "/api/v1/systems/hooks", nil).must(t, 200)["health"]); h["state"] != "paused" {
		t.Errorf("GET after pause %v", h)
	}
	e.doAs(patToken, "POST", "/api/v1/systems/hooks/resume", nil).graphError(t, 403, "Authorization_RequestDenied")
	e.do("POST", "/api/v1/systems/nope/resume", nil).graphError(t, 404, "ResourceNotFound")
	resumed := e.do("POST", "/api/v1/systems/hooks/resume", nil).must(t, 200)
	if h := obj(resumed["health"]); h["state"] != "active" || h["reason"] != "resumed by admin@example.com" {
		t.Errorf("resumed %v", h)
	}
	e.do("POST", "/api/v1/systems/hooks/resume", nil).graphError(t, 409, "Conflict")
	audit := e.do("GET", "/v1.0/auditLogs/directoryAudits?$filter="+urlq("targetResources/any(t: t/id eq '"+str(sys["id"])+"')"), nil).must(t, 200)
	var acts []string
	for _, a := range list(audit["value"]) {
		acts = append(acts, str(obj(a)["activityDisplayName"]))
	}
	if got := strings.Join(acts, ","); !strings.Contains(got, "Pause connected system") || !strings.Contains(got, "Resume connected system") {
		t.Errorf("audit %v", acts)
	}
}

// TestHealthzNamesSystemsNotActive: /healthz stays 200 and names the
// systems that are paused or suspended.
func TestHealthzNamesSystemsNotActive(t *testing.T) {
	var e *env
	e = newEnv(t, func(c *ehttp.Config) {
		c.SystemHealth = func(ctx context.Context) ([]entitled.SystemHealthRecord, error) {
			return e.services.Health.SystemHealths(ctx)
		}
	})
	e.do("POST", "/api/v1/systems", map[string]any{"name": "hooks", "kind": "webhook",
		"config": map[string]any{"url": "https://hooks.example.com"}}).must(t, 201)
	if r := e.doAs("", "GET", "/healthz", nil).must(t, 200); len(list(r["systems"])) != 0 || r["status"] != "ok" {
		t.Errorf("healthz %v", r)
	}
	e.do("POST", "/api/v1/systems/hooks/pause", nil).must(t, 200)
	r := e.doAs("", "GET", "/healthz", nil).must(t, 200)
	ss := list(r["systems"])
	if len(ss) != 1 || obj(ss[0])["name"] != "hooks" || obj(ss[0])["state"] != "paused" || obj(ss[0])["reason"] != nil {
		t.Errorf("healthz %v", r)
	}
}
