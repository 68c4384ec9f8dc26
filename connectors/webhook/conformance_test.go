package webhook

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"
)

// membershipServer is a webhook target that keeps memberships, checks the
// signature and knows one user.
func membershipServer(t *testing.T) (*httptest.Server, func(key string) bool) {
	var mu sync.Mutex
	held := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get(SignatureHeader) != Sign(secret, body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var p Payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		if p.Subject.ObjectID != "u1" {
			http.Error(w, "no such user", http.StatusNotFound)
			return
		}
		key := p.Subject.ObjectID + "/" + p.Resource.OriginID + "/" + p.Role.OriginID
		mu.Lock()
		held[key] = p.Action == entitled.ActionGrant
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv, func(key string) bool { mu.Lock(); defer mu.Unlock(); return held[key] }
}

func TestConformance(t *testing.T) {
	connectortest.Run(t, func(t *testing.T) connectortest.Target {
		srv, holds := membershipServer(t)
		c := connector(t, map[string]any{"url": srv.URL, "secret": secret, "roles": []any{"Member", "Owner"}})
		g := grant
		g.Role = entitled.ResourceRoleRef{OriginID: "Owner", DisplayName: "Owner"}
		unknown := g
		unknown.Subject = entitled.Subject{ID: "ghost", ObjectID: "ghost"}
		return connectortest.Target{Connector: c, Grant: g, Unknown: unknown,
			Holds: func(*testing.T) bool { return holds("u1/payroll/Owner") }}
	})
}
