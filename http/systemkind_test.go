package http_test

import "testing"

// TestSystemKeepsItsKind: PATCH naming another kind is a 400 on target
// kind and changes nothing (it was answered 200 with the old kind, the
// change silently dropped); naming its own kind, in any case, is fine.
func TestSystemKeepsItsKind(t *testing.T) {
	e := newEnv(t)
	sys := "/api/v1/systems/" + str(e.do("POST", "/api/v1/systems", map[string]any{"name": "hook", "kind": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:1/x", "secret": "s3cret-webhook-key"}}).must(t, 201)["id"])
	m := e.do("PATCH", sys, map[string]any{"kind": "ldap", "name": "renamed"}).graphError(t, 400, "BadRequest")
	if m["target"] != "kind" || m["message"] != "connected system hook is of kind webhook and cannot become ldap; create a new system of that kind instead" {
		t.Errorf("PATCH kind: %v", m)
	}
	if got := e.do("PATCH", sys, map[string]any{"kind": "Webhook", "name": "crm"}).must(t, 200); got["kind"] != "webhook" || got["name"] != "crm" {
		t.Errorf("PATCH with its own kind: %v", got)
	}
}
