package entitled_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestMayViewTargetAccess: approvers see the target's current access while
// the request waits for approval; holders of OpViewRequests in the catalog
// always; nobody else.
func TestMayViewTargetAccess(t *testing.T) {
	nobody := &entitled.Actor{User: entitled.User{ID: "u1"}}
	manager := &entitled.Actor{User: entitled.User{ID: "m1"}, CatalogRoles: map[string][]string{"c1": {entitled.RoleAccessPackageAssignmentManager}}}
	otherCat := &entitled.Actor{User: entitled.User{ID: "m2"}, CatalogRoles: map[string][]string{"c2": {entitled.RoleAccessPackageAssignmentManager}}}
	pending := &entitled.AssignmentRequest{CatalogID: "c1", State: entitled.StatePendingApproval}
	delivered := &entitled.AssignmentRequest{CatalogID: "c1", State: entitled.StateDelivered}
	for _, tc := range []struct {
		name     string
		a        *entitled.Actor
		r        *entitled.AssignmentRequest
		approves bool
		ok       bool
	}{
		{"approver of a pending request", nobody, pending, true, true},
		{"not an approver", nobody, pending, false, false},
		{"approver once decided", nobody, delivered, true, false},
		{"assignment manager of the catalog", manager, delivered, false, true},
		{"assignment manager of another catalog", otherCat, pending, false, false},
	} {
		err := entitled.MayViewTargetAccess(tc.a, tc.r, tc.approves)
		if tc.ok && err != nil {
			t.Errorf("%s: refused: %v", tc.name, err)
		}
		if !tc.ok && entitled.ErrorKind(err) != entitled.KindForbidden {
			t.Errorf("%s: got %v, want 403", tc.name, err)
		}
	}
}
