package entitled_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestMayChangeUser: only the system and Global Administrators change
// holders of a privileged directory role; the refusal names the most
// privileged role the target holds; ordinary targets (catalog owners
// included) are left to OpManageUsers.
func TestMayChangeUser(t *testing.T) {
	dir := func(r ...string) *entitled.Actor { return &entitled.Actor{DirectoryRoles: r} }
	const (
		ga  = entitled.RoleGlobalAdministrator
		iga = entitled.RoleIdentityGovernanceAdministrator
		ua  = entitled.RoleUserAdministrator
	)
	actors := map[string]*entitled.Actor{
		"system":    entitled.SystemActor,
		"global":    dir(ga),
		"igAdmin":   dir(iga),
		"userAdmin": dir(ua),
		"both":      dir(ua, iga),
		"owner":     {CatalogRoles: map[string][]string{"c": {entitled.RoleCatalogOwner}}},
		"nobody":    {},
	}
	targets := map[string][]string{
		"ordinary":     nil,
		"catalogOwner": {entitled.RoleCatalogOwner, entitled.RoleCatalogCreator},
		"userAdmin":    {ua},
		"igAdmin":      {iga},
		"global":       {ga},
		"globalAndUA":  {ua, ga},
	}
	// refused[target] is the role named in the refusal, "" when anyone may.
	refused := map[string]string{
		"ordinary": "", "catalogOwner": "",
		"userAdmin": "User Administrator", "igAdmin": "Identity Governance Administrator",
		"global": "Global Administrator", "globalAndUA": "Global Administrator",
	}
	for an, a := range actors {
		for tn, roles := range targets {
			err := entitled.MayChangeUser(a, roles)
			wantOK := refused[tn] == "" || an == "system" || an == "global"
			if wantOK {
				if err != nil {
					t.Errorf("%s changing %s: %v, want allowed", an, tn, err)
				}
				continue
			}
			want := "only a Global Administrator may change a user who holds the " + refused[tn] + " role"
			e, ok := err.(*entitled.Error)
			if !ok || e.Kind != entitled.KindForbidden || e.Message != want {
				t.Errorf("%s changing %s: %v, want 403 %q", an, tn, err, want)
			}
		}
	}
	if err := entitled.MayChangeUser(nil, nil); entitled.ErrorKind(err) != entitled.KindUnauthorized {
		t.Errorf("nil actor: %v", err)
	}
}
