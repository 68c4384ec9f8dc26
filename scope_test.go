package entitled_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestScopeAllows checks which operations and routes each token scope opens.
func TestScopeAllows(t *testing.T) {
	for _, tc := range []struct {
		scope string
		op    entitled.Op
		want  bool
	}{
		{"", entitled.OpManageUsers, true},
		{"", entitled.OpManageSystems, true},
		{entitled.TokenScopeSCIM, entitled.OpManageUsers, true},
		{entitled.TokenScopeSCIM, entitled.OpManageDirectoryRoles, false},
		{entitled.TokenScopeSCIM, entitled.OpDirectAssign, false},
		{entitled.TokenScopeSCIM, entitled.OpReadCatalog, false},
		{"other", entitled.OpManageUsers, false},
	} {
		if got := entitled.ScopeAllows(tc.scope, tc.op); got != tc.want {
			t.Errorf("ScopeAllows(%q, %v) = %v, want %v", tc.scope, tc.op, got, tc.want)
		}
	}
	for _, tc := range []struct {
		scope string
		scim  bool
		want  bool
	}{
		{"", false, true},
		{"", true, false},
		{entitled.TokenScopeSCIM, true, true},
		{entitled.TokenScopeSCIM, false, false},
		{"other", true, false},
		{"other", false, false},
	} {
		if got := entitled.ScopeAllowsRoute(tc.scope, tc.scim); got != tc.want {
			t.Errorf("ScopeAllowsRoute(%q, scim %v) = %v, want %v", tc.scope, tc.scim, got, tc.want)
		}
	}
}

// TestScopedActorCan checks that a SCIM-scoped actor keeps only user
// management, and only if their roles grant it.
func TestScopedActorCan(t *testing.T) {
	admin := &entitled.Actor{DirectoryRoles: []string{entitled.RoleGlobalAdministrator}, Scope: entitled.TokenScopeSCIM}
	if !admin.Can(entitled.OpManageUsers, "") || admin.Can(entitled.OpManageSystems, "") || admin.Can(entitled.OpManageDirectoryRoles, "") {
		t.Error("a SCIM-scoped Global Administrator should manage users and nothing else")
	}
	nobody := &entitled.Actor{Scope: entitled.TokenScopeSCIM}
	if nobody.Can(entitled.OpManageUsers, "") {
		t.Error("a SCIM scope must not widen the rights of a user without roles")
	}
}
