package sqlstore

import (
	"strings"
	"testing"
)

// NewServices refuses a config that lacks a part instead of failing at the
// first use of it (a first enqueue without a queue, say), and names every
// part missing.
func TestNewServicesNamesWhatIsMissing(t *testing.T) {
	db := openTestDB(t)
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"nothing", Config{}, []string{"Config.Queue", "Config.Connectors"}},
		{"no queue", Config{Connectors: newTestConnectors(db)}, []string{"Config.Queue"}},
		{"no connectors", Config{Queue: &recordingQueue{}}, []string{"Config.Connectors"}},
	} {
		s, err := NewServices(db, tc.cfg)
		if err == nil || s != nil {
			t.Fatalf("%s: NewServices = %v, %v; want an error", tc.name, s, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not name %s", tc.name, err, w)
			}
		}
	}
	if _, err := NewServices(nil, Config{Queue: &recordingQueue{}, Connectors: newTestConnectors(db)}); err == nil {
		t.Error("NewServices without a database: no error")
	}
}

// NewServices builds every service, with the defaults of the settings
// left out.
func TestNewServicesBuildsEveryService(t *testing.T) {
	db := openTestDB(t)
	s := newServices(t, db, Config{})
	if s.Tokens == nil || s.Sessions == nil || s.Users == nil || s.Groups == nil || s.Roles == nil || s.Catalogs == nil ||
		s.AccessPackages == nil || s.Policies == nil || s.Requests == nil || s.Assignments == nil || s.Approvals == nil ||
		s.Systems == nil || s.Audit == nil || s.Deliveries == nil || s.Admin == nil || s.Membership == nil ||
		s.ServicePrincipals == nil || s.Notifications == nil || s.Health == nil {
		t.Fatalf("a service is missing: %+v", s)
	}
	if got := s.Requests.ReprocessWindow(); got <= 0 {
		t.Errorf("reprocess window %s, want the default", got)
	}
	if got := s.Notifications.reprocessWindow; got != s.Requests.ReprocessWindow() {
		t.Errorf("notifications date reprocess deadlines with %s, requests allow %s", got, s.Requests.ReprocessWindow())
	}
	d := s.Domain()
	if d.Requests == nil || d.Audit == nil || d.Systems == nil || d.ServicePrincipals == nil || d.Notifications == nil {
		t.Errorf("Domain lacks a service: %+v", d)
	}
}
