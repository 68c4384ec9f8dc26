package ui_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/directory"
)

// TestDriftPage: a system's Drift page starts a reconciliation, lists its
// findings (a member added to a directory group behind entitled's back is
// unmanaged, named) and revokes one after the confirmation; others than
// system administrators may not see it; it speaks French too.
func TestDriftPage(t *testing.T) {
	w := newWorld(t)
	sys := w.sys()
	g := &entitled.Group{DisplayName: "Drifters"}
	w.must(w.services.Groups.CreateGroup(sys, g))
	w.must(w.services.Groups.AddGroupMember(sys, g.ID, w.users["alice"].ID))
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: w.cat,
		Resource: entitled.Resource{OriginID: g.ID, OriginSystem: directory.KindName}}
	w.must(w.services.Catalogs.CreateResourceRequest(sys, rr))
	p := &entitled.AccessPackage{CatalogID: w.cat, DisplayName: "Drifters"}
	w.must(w.services.AccessPackages.CreateAccessPackage(sys, p))
	_, err := w.services.AccessPackages.AddResourceRoleScope(sys, p.ID, entitled.ResourceRoleScopeInput{ResourceID: rr.Resource.ID,
		RoleOriginID: directory.RoleOriginID(g.ID), RoleOriginSystem: directory.KindName})
	w.must(err)
	dir, err := w.services.Systems.System(sys, directory.KindName)
	w.must(err)
	path := "/admin/systems/" + dir.ID

	admin := w.signIn("admin")
	admin.get(path).see(t, 200, `href="`+path+`/drift" id="drift"`)
	admin.get(path+"/drift").see(t, 200, `id="reconcile"`, `id="no-drift"`)
	admin.submit(path+"/reconcile", nil).redirect(t, path+"/drift?done=reconcileStarted")
	var opID string
	w.must(w.db.SQL.QueryRow(`SELECT id FROM operations WHERE kind = 'reconcile'`).Scan(&opID))
	w.must(w.services.Operations.RunOperation(context.Background(), opID))
	fs, err := w.services.Drift.Drift(sys, dir.ID)
	w.must(err)
	if len(fs) != 1 {
		t.Fatalf("findings %+v, want alice", fs)
	}
	f := fs[0]
	admin.get(path+"/drift").see(t, 200, `data-finding="`+f.ID+`" data-kind="unmanaged"`, "alice@example.com", "unmanaged", "reported",
		`id="adopt-`+f.ID+`"`, `id="revoke-`+f.ID+`"`)
	admin.submit(path+"/drift/"+f.ID+"/revoke", nil).see(t, 400, "Tick the confirmation first.")
	admin.submit(path+"/drift/"+f.ID+"/revoke", url.Values{"confirm": {"on"}}).redirect(t, path+"/drift?done=driftRevoked")
	admin.get(path+"/drift?done=driftRevoked").see(t, 200, "The membership was removed from the system.", `id="no-drift"`)
	if m, _ := w.services.Groups.GroupMembers(sys, g.ID, entitled.ListOptions{}); len(m.Items) != 0 {
		t.Fatalf("members after the revoke: %+v", m.Items)
	}
	admin.getIn("fr", path+"/drift").see(t, 200, "Rapprocher maintenant", "Aucune dérive")

	mia := w.signIn("mia")
	mia.get(path+"/drift").see(t, 403)
	mia.get("/").see(t, 200)
	mia.submit(path+"/reconcile", nil).see(t, 403)
}
