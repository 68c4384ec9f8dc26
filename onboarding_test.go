package entitled

import "testing"

func TestMayAddResource(t *testing.T) {
	global := &Actor{DirectoryRoles: []string{RoleGlobalAdministrator}}
	iga := &Actor{DirectoryRoles: []string{RoleIdentityGovernanceAdministrator}}
	userAdmin := &Actor{DirectoryRoles: []string{RoleUserAdministrator}}
	owner := &Actor{CatalogRoles: map[string][]string{"c1": {RoleCatalogOwner}}}
	group := ResourceOwnership{DirectoryGroup: true, SystemName: "directory"}
	ownedGroup := ResourceOwnership{DirectoryGroup: true, GroupOwner: true, SystemName: "directory"}
	system := ResourceOwnership{SystemName: "hr-app"}
	delegated := ResourceOwnership{SystemName: "hr-app", DelegatedToCatalog: true}
	cases := []struct {
		name  string
		actor *Actor
		o     ResourceOwnership
		ok    bool
	}{
		{"global admin adds any group", global, group, true},
		{"global admin adds any system resource", global, system, true},
		{"IG admin adds any group", iga, group, true},
		{"IG admin adds any system resource", iga, system, true},
		{"system actor adds anything", SystemActor, system, true},
		{"catalog owner adds a group they own", owner, ownedGroup, true},
		{"catalog owner may not add a group they do not own", owner, group, false},
		{"catalog owner adds a resource of a delegated system", owner, delegated, true},
		{"catalog owner may not add a resource of a system not delegated", owner, system, false},
		{"user administrator is no tenant administrator here", userAdmin, group, false},
		{"a delegation does not open directory groups", owner, ResourceOwnership{DirectoryGroup: true, DelegatedToCatalog: true}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := MayAddResource(c.actor, c.o)
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.ok {
				if err == nil {
					t.Fatal("allowed")
				}
				if ErrorKind(err) != KindForbidden {
					t.Fatalf("kind %v, want forbidden: %v", ErrorKind(err), err)
				}
			}
		})
	}
	if err := MayAddResource(nil, system); ErrorKind(err) != KindUnauthorized {
		t.Fatalf("nil actor: %v", err)
	}
}
