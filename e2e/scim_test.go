package e2e

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestSCIMDeactivationRevokesAccess: an identity provider deactivates a
// user through the SCIM endpoint with a provisioning token from
// `entitled scim token`; the leaver's access is revoked in the webhook
// target, through a systemRemove request.
func TestSCIMDeactivationRevokesAccess(t *testing.T) {
	w := newWorld(t, nil, []string{"dave"}, "")
	id := w.request("dave")
	w.admin.waitState(id, 20*time.Second, "delivered")
	for _, app := range []string{"app-a", "app-b"} {
		if n := w.target.count("grant", app, w.users["dave"]); n != 1 {
			t.Fatalf("%s grants for dave: %d, want 1", app, n)
		}
	}
	token := lastLine(cli(t, "scim", "token", "--db", w.db, "--upn", "admin@example.com"))
	body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`
	req, err := http.NewRequest(http.MethodPatch, w.srv.base+"/scim/v2/Users/"+w.users["dave"], bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("SCIM deactivation: %d %s", resp.StatusCode, raw)
	}
	// The removal is a request like any other: find it and wait for it.
	rs := w.admin.must(200, "GET", em+"/assignmentRequests?$filter="+urlq("requestType eq 'systemRemove'"), nil).Values()
	if len(rs) != 1 {
		t.Fatalf("systemRemove requests after the deactivation: %d", len(rs))
	}
	w.admin.waitState(rs[0]["id"].(string), 20*time.Second, "delivered")
	for _, app := range []string{"app-a", "app-b"} {
		if n := w.target.count("revoke", app, w.users["dave"]); n != 1 {
			t.Fatalf("%s revokes for dave: %d, want 1", app, n)
		}
	}
	// The provisioning token opens nothing else.
	(&client{t: t, base: w.srv.base, token: token}).must(403, "GET", "/v1.0/users", nil)
}
