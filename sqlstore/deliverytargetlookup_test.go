package sqlstore

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestDeliveryTargetsLookedUpTogether: a request of a package with two
// resource roles whose targets are stored finds both in one query, and
// each delivery names its own.
func TestDeliveryTargetsLookedUpTogether(t *testing.T) {
	f := newLC(t)
	first := f.mustAddDelivered(entitled.RequestUserAdd, f.policy, f.alice) // stores both targets
	var lookups []string
	f.s.db.onStatement = func(q string) {
		if strings.Contains(q, "delivery_targets") {
			lookups = append(lookups, q)
		}
	}
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.bob)
	f.s.db.onStatement = nil
	if len(lookups) != 1 {
		t.Errorf("%d statements on delivery_targets for two stored targets, want 1: %q", len(lookups), lookups)
	}
	want := map[string]entitled.Delivery{}
	for _, d := range f.deliveries(first.ID) {
		want[d.ResourceRoleScopeID] = d
	}
	ds := f.deliveries(r.ID)
	if len(ds) != len(f.scopes) {
		t.Fatalf("%d deliveries, want %d", len(ds), len(f.scopes))
	}
	for _, d := range ds {
		w, ok := want[d.ResourceRoleScopeID]
		if !ok || d.Resource != w.Resource || d.Role != w.Role {
			t.Errorf("delivery of scope %s names %+v %+v, want %+v %+v", d.ResourceRoleScopeID, d.Resource, d.Role, w.Resource, w.Role)
		}
	}
}
