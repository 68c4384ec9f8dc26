package http_test

import (
	"strings"
	"testing"
)

// newPackage creates a catalog and an access package and returns the
// package id.
func (e *env) newPackage() string {
	e.t.Helper()
	cat := e.do("POST", em+"/catalogs", map[string]any{"displayName": "C", "state": "published"}).must(e.t, 201)
	ap := e.do("POST", em+"/accessPackages", map[string]any{"displayName": "P", "catalog": map[string]any{"id": cat["id"]}}).must(e.t, 201)
	return str(ap["id"])
}

// TestDurationsOutOfRange: a duration longer than 100 years, in any part
// or in the sum, is a 400 naming the property, never stored wrapped around.
func TestDurationsOutOfRange(t *testing.T) {
	e := newEnv(t)
	apID := e.newPackage()
	policy := func(expiry, denial string) map[string]any {
		return map[string]any{"displayName": "P", "allowedTargetScope": "allMemberUsers",
			"accessPackage": map[string]any{"id": apID},
			"expiration":    map[string]any{"type": "afterDuration", "duration": expiry},
			"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": true, "stages": []any{map[string]any{
				"durationBeforeAutomaticDenial": denial,
				"primaryApprovers":              []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": e.admin.ID}},
			}}}}
	}
	for _, c := range []struct {
		name, method, path string
		body               any
		target             string
	}{
		{"expiry", "POST", em + "/assignmentPolicies", policy("P99999999999D", "P7D"), "expiration.duration"},
		{"expiry sum", "POST", em + "/assignmentPolicies", policy("P36500DT1H", "P7D"), "expiration.duration"},
		{"expiry hours", "POST", em + "/assignmentPolicies", policy("PT99999999999H", "P7D"), "expiration.duration"},
		{"denial", "POST", em + "/assignmentPolicies", policy("P30D", "P5215W"), "requestApprovalSettings.stages.durationBeforeAutomaticDenial"},
		{"backoff", "POST", "/api/v1/systems", map[string]any{"name": "h", "kind": "webhook",
			"config": map[string]any{"url": "http://127.0.0.1:1/x", "secret": "s"},
			"retry":  map[string]any{"maxAttempts": 3, "initialBackoff": "P99999999D"}}, "retry.initialBackoff"},
		{"token ttl", "POST", "/api/v1/tokens", map[string]any{"userId": e.admin.ID, "ttl": "900000h"}, "ttl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			er := e.do(c.method, c.path, c.body).graphError(t, 400, "BadRequest")
			if str(er["target"]) != c.target || !strings.Contains(str(er["message"]), "100 years") {
				t.Errorf("target %v, message %v; want %s and the maximum", er["target"], er["message"], c.target)
			}
		})
	}
	// The maximum itself is accepted and read back as written.
	pol := e.do("POST", em+"/assignmentPolicies", policy("P36500D", "P7D")).must(t, 201)
	if d := obj(pol["expiration"])["duration"]; d != "P36500D" {
		t.Errorf("expiration.duration %v", d)
	}
}

// TestDurationsInYearsOrMonths: a duration with years or months (P1Y, a
// common way to write a year's access) is a 400 saying to write it in weeks
// or days, not that it is not ISO 8601 (it is).
func TestDurationsInYearsOrMonths(t *testing.T) {
	e := newEnv(t)
	apID := e.newPackage()
	for _, c := range []struct {
		path   string
		body   any
		target string
	}{
		{em + "/assignmentPolicies", map[string]any{"displayName": "P", "allowedTargetScope": "allMemberUsers",
			"accessPackage": map[string]any{"id": apID},
			"expiration":    map[string]any{"type": "afterDuration", "duration": "P1Y"}}, "expiration.duration"},
		{"/api/v1/tokens", map[string]any{"ttl": "P6M"}, "ttl"},
	} {
		er := e.do("POST", c.path, c.body).graphError(t, 400, "BadRequest")
		if er["target"] != c.target || !strings.HasSuffix(str(er["message"]), "has years or months, whose length varies; write it in weeks or days, such as P52W or P365D") {
			t.Errorf("%s: %v", c.path, er)
		}
	}
}
