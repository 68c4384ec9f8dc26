package entitled_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestActorCan checks Actor.Can for every role and operation, in the
// catalog where the catalog role is held and in another catalog.
func TestActorCan(t *testing.T) {
	const cat, other = "cat-1", "cat-2"
	dir := func(r string) *entitled.Actor { return &entitled.Actor{DirectoryRoles: []string{r}} }
	inCat := func(r string) *entitled.Actor {
		return &entitled.Actor{CatalogRoles: map[string][]string{cat: {r}}}
	}
	actors := map[string]*entitled.Actor{
		"global":        dir(entitled.RoleGlobalAdministrator),
		"igAdmin":       dir(entitled.RoleIdentityGovernanceAdministrator),
		"userAdmin":     dir(entitled.RoleUserAdministrator),
		"owner":         inCat(entitled.RoleCatalogOwner),
		"apManager":     inCat(entitled.RoleAccessPackageManager),
		"assignManager": inCat(entitled.RoleAccessPackageAssignmentManager),
		"reader":        inCat(entitled.RoleCatalogReader),
		"creator":       {CatalogRoles: map[string][]string{"/": {entitled.RoleCatalogCreator}}},
		"requestor":     {},
	}
	// allowed[op] lists who may perform op in catalog cat.
	allowed := map[entitled.Op][]string{
		entitled.OpCreateCatalog:        {"global", "igAdmin", "userAdmin", "creator"},
		entitled.OpReadCatalog:          {"global", "igAdmin", "userAdmin", "owner", "apManager", "assignManager", "reader"},
		entitled.OpEditCatalog:          {"global", "igAdmin", "owner"},
		entitled.OpManagePackages:       {"global", "igAdmin", "owner", "apManager"},
		entitled.OpViewRequests:         {"global", "igAdmin", "userAdmin", "owner", "apManager", "assignManager", "reader"},
		entitled.OpDirectAssign:         {"global", "igAdmin", "userAdmin", "owner", "apManager", "assignManager"},
		entitled.OpReprocess:            {"global", "igAdmin", "userAdmin", "owner", "apManager", "assignManager"},
		entitled.OpCancelAny:            {"global", "igAdmin", "userAdmin", "owner", "apManager", "assignManager"},
		entitled.OpManageUsers:          {"global", "igAdmin", "userAdmin"},
		entitled.OpManageDirectoryRoles: {"global"},
		entitled.OpManageSystems:        {"global", "igAdmin"},
		entitled.OpReadAudit:            {"global", "igAdmin"},
	}
	catalogScoped := map[string]bool{"owner": true, "apManager": true, "assignManager": true, "reader": true}
	for op, who := range allowed {
		want := map[string]bool{}
		for _, w := range who {
			want[w] = true
		}
		for name, a := range actors {
			if got := a.Can(op, cat); got != want[name] {
				t.Errorf("%s may %s in its catalog: got %v, want %v", name, op, got, want[name])
			}
			// Catalog roles never reach another catalog.
			if catalogScoped[name] && a.Can(op, other) {
				t.Errorf("%s may %s in another catalog", name, op)
			}
			// Every role here is held tenant-wide or in cat alone.
			if got := a.CanSomewhere(op); got != want[name] {
				t.Errorf("%s may %s somewhere: got %v, want %v", name, op, got, want[name])
			}
			err := a.Authorize(op, cat)
			if want[name] != (err == nil) {
				t.Errorf("%s Authorize(%s) = %v", name, op, err)
			}
			if err != nil && entitled.ErrorKind(err) != entitled.KindForbidden {
				t.Errorf("%s Authorize(%s): kind %v, want forbidden", name, op, entitled.ErrorKind(err))
			}
		}
	}
	if len(allowed) != len(map[entitled.Op]bool{
		entitled.OpCreateCatalog: true, entitled.OpReadCatalog: true, entitled.OpEditCatalog: true,
		entitled.OpManagePackages: true, entitled.OpViewRequests: true, entitled.OpDirectAssign: true,
		entitled.OpReprocess: true, entitled.OpCancelAny: true, entitled.OpManageUsers: true,
		entitled.OpManageDirectoryRoles: true, entitled.OpManageSystems: true, entitled.OpReadAudit: true}) {
		t.Fatal("every operation must be in the table")
	}
	var nobody *entitled.Actor
	if err := nobody.Authorize(entitled.OpReadCatalog, cat); entitled.ErrorKind(err) != entitled.KindUnauthorized {
		t.Errorf("nil actor: got %v, want unauthorized", err)
	}
	if nobody.CanSomewhere(entitled.OpReadCatalog) {
		t.Error("nil actor may read a catalog somewhere")
	}
	if !entitled.SystemActor.Can(entitled.OpManageSystems, "") {
		t.Error("the system actor may do everything")
	}
}
