package http_test

import "testing"

// TestNoTokenForADisabledAccount: issuing a token for a disabled account
// is a 400 saying to enable it first (it answered 201 with a token every
// call then refused), as a sign-in link for one is.
func TestNoTokenForADisabledAccount(t *testing.T) {
	e := newEnv(t)
	u := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "gone@example.com", "displayName": "Gone", "accountEnabled": false}).must(t, 201)
	m := e.do("POST", "/api/v1/tokens", map[string]any{"userId": u["id"]}).graphError(t, 400, "BadRequest")
	if m["message"] != "the account gone@example.com is disabled, so a token for it would be refused; enable it before issuing one" {
		t.Errorf("token for a disabled account: %v", m)
	}
	e.do("PATCH", "/v1.0/users/"+str(u["id"]), map[string]any{"accountEnabled": true}).must(t, 204)
	e.do("POST", "/api/v1/tokens", map[string]any{"userId": u["id"]}).must(t, 201)
}
