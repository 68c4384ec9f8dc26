package scim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// A group id is one path segment of /Groups/{id}: ids that a server or a
// proxy in front of it would resolve to another resource ("..", or a
// "../Users/{id}" whose slashes it decodes) are refused before any call.
func TestGroupIDMustNameAGroup(t *testing.T) {
	e := newEnv(t, nil)
	ids := []string{"..", ".", "../Users/" + e.ada, "..\\Users\\" + e.ada, e.g1 + "/../" + e.g2, "g\n1"}
	for _, id := range ids {
		_, err := e.c.Describe(ctx, id)
		if de := deliveryError(t, err, entitled.Permanent); !strings.Contains(de.Message, "not a SCIM group id") {
			t.Errorf("describe %q: %q does not say the id is refused", id, de.Message)
		}
		for _, action := range []entitled.DeliveryAction{entitled.ActionGrant, entitled.ActionRevoke} {
			errs := e.c.ApplyBatch(ctx, []entitled.Change{{Action: action, Grant: grantOf(adaSubject, id)},
				{Action: action, Grant: grantOf(bobSubject, e.g1)}})
			if de := deliveryError(t, errs[0], entitled.Permanent); !strings.Contains(de.Message, "not a SCIM group id") {
				t.Errorf("%s %q: %q does not say the id is refused", action, id, de.Message)
			}
			if errs[1] != nil {
				t.Errorf("%s on %s beside it: %v", action, e.g1, errs[1])
			}
		}
	}
	if n := e.srv.Requests(http.MethodPatch); n != 2*len(ids) {
		t.Errorf("%d PATCH requests, want %d (one per valid change)", n, 2*len(ids))
	}
}

// Describe accepts only what the server answers as a Group with the id asked
// for: a User reached under /Groups (by a server's routing or a proxy's
// path clean-up) is not a group.
func TestDescribeRefusesWhatIsNotAGroup(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.c.Describe(ctx, e.g1); err != nil {
		t.Fatalf("describe a group: %v", err)
	}
	mux := http.NewServeMux()
	// A server answering a User for /Groups/{id}.
	mux.HandleFunc("/scim/v2/Groups/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"` + r.PathValue("id") + `","userName":"root"}`))
	})
	srv := newLoopback(t, mux)
	c := connector(t, map[string]any{"baseURL": srv + "/scim/v2", "token": token})
	_, err := c.Describe(ctx, "u1")
	if de := deliveryError(t, err, entitled.Permanent); !strings.Contains(de.Message, "not a Group") {
		t.Errorf("describe a User: %q", de.Message)
	}
	// A server answering another group's id.
	mux2 := http.NewServeMux()
	mux2.HandleFunc("/scim/v2/Groups/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"admins","displayName":"Admins"}`))
	})
	c2 := connector(t, map[string]any{"baseURL": newLoopback(t, mux2) + "/scim/v2", "token": token})
	_, err = c2.Describe(ctx, "staff")
	if de := deliveryError(t, err, entitled.Permanent); !strings.Contains(de.Message, `"admins"`) {
		t.Errorf("describe answered with another id: %q", de.Message)
	}
}

// newLoopback serves h on a loopback port until the test ends and returns
// its URL.
func newLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
