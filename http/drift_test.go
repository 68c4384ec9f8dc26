package http_test

import (
	"context"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/directory"
)

// driftGroup makes a directory group that a package with a policy grants,
// with user as a member added directly (not by entitled), and returns the
// package id.
func (e *env) driftGroup(t *testing.T, userID string) string {
	t.Helper()
	ctx := entitled.NewContext(context.Background(), entitled.SystemActor)
	g := &entitled.Group{DisplayName: "Drifters"}
	must(t, e.services.Groups.CreateGroup(ctx, g))
	must(t, e.services.Groups.AddGroupMember(ctx, g.ID, userID))
	cat := &entitled.Catalog{DisplayName: "C", State: "published"}
	must(t, e.services.Catalogs.CreateCatalog(ctx, cat))
	p := &entitled.AccessPackage{CatalogID: cat.ID, DisplayName: "P"}
	must(t, e.services.AccessPackages.CreateAccessPackage(ctx, p))
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: cat.ID,
		Resource: entitled.Resource{OriginSystem: directory.KindName, OriginID: g.ID}}
	must(t, e.services.Catalogs.CreateResourceRequest(ctx, rr))
	_, err := e.services.AccessPackages.AddResourceRoleScope(ctx, p.ID, entitled.ResourceRoleScopeInput{ResourceID: rr.Resource.ID,
		RoleOriginID: directory.RoleOriginID(g.ID), RoleOriginSystem: directory.KindName})
	must(t, err)
	must(t, e.services.Policies.CreatePolicy(ctx, &entitled.AssignmentPolicy{AccessPackageID: p.ID, DisplayName: "direct",
		AllowedTargetScope: entitled.ScopeAllMemberUsers}))
	return p.ID
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// reconcile starts a reconciliation of the system through the API and runs
// its operation to its end.
func (e *env) reconcile(t *testing.T, system string) map[string]any {
	t.Helper()
	res := e.do("POST", "/api/v1/systems/"+system+"/reconcile", nil)
	body := res.must(t, 202)
	if !strings.HasSuffix(res.header.Get("Location"), "/api/v1/operations/"+str(body["id"])) || body["kind"] != "reconcile" {
		t.Fatalf("Location %q, body %s", res.header.Get("Location"), res.raw)
	}
	must(t, e.services.Operations.RunOperation(context.Background(), str(body["id"])))
	return e.do("GET", "/api/v1/operations/"+str(body["id"]), nil).must(t, 200)
}

// The drift API: reconcile now (202 + operation), the findings with their
// documented shape, adopt and revoke of an unmanaged finding; a kind that
// cannot list members, a bad config.reconcile, a non-administrator and an
// unknown finding get precise 4xx answers.
func TestDriftAPI(t *testing.T) {
	e := newEnv(t)
	aliceID, aliceTok := e.newUser(t, "alice@example.com")
	bobID, _ := e.newUser(t, "bob@example.com")
	pkg := e.driftGroup(t, aliceID)
	ctx := entitled.NewContext(context.Background(), entitled.SystemActor)
	g := e.services.Groups
	page, err := g.Groups(ctx, entitled.ListOptions{})
	must(t, err)
	var gid string
	for _, gr := range page.Items {
		if gr.DisplayName == "Drifters" {
			gid = gr.ID
		}
	}
	must(t, g.AddGroupMember(ctx, gid, bobID))

	if op := e.reconcile(t, "directory"); op["status"] != "succeeded" || op["total"] != float64(2) {
		t.Fatalf("operation %v", op)
	}
	value, _ := e.do("GET", "/api/v1/systems/directory/drift", nil).must(t, 200)["value"].([]any)
	if len(value) != 2 {
		t.Fatalf("findings %v, want alice and bob", value)
	}
	byUser := map[string]map[string]any{}
	for _, v := range value {
		f := obj(v)
		if f["kind"] != "unmanaged" || f["action"] != "reported" || str(f["detectedDateTime"]) == "" ||
			obj(f["resource"])["originId"] != gid || f["role"] != directory.RoleMember {
			t.Errorf("finding %v", f)
		}
		byUser[str(obj(f["user"])["id"])] = f
	}
	alice, bob := byUser[aliceID], byUser[bobID]
	if alice == nil || bob == nil || obj(alice["user"])["principalName"] != "alice@example.com" {
		t.Fatalf("findings %v, want alice and bob named", value)
	}

	adopted := e.do("POST", "/api/v1/systems/directory/drift/"+str(alice["id"])+"/adopt", nil).must(t, 201)
	if ar, err := e.services.Requests.Request(ctx, str(adopted["id"])); adopted["requestType"] != "adminAdd" || err != nil ||
		ar.AccessPackageID != pkg || ar.TargetID != aliceID {
		t.Fatalf("adoption %v", adopted)
	}
	e.do("POST", "/api/v1/systems/directory/drift/"+str(bob["id"])+"/revoke", nil).must(t, 204)
	if members, _ := g.GroupMembers(ctx, gid, entitled.ListOptions{}); len(members.Items) != 1 || members.Items[0].ID != aliceID {
		t.Fatalf("members after revoking bob: %v", members.Items)
	}
	value, _ = e.do("GET", "/api/v1/systems/directory/drift", nil).must(t, 200)["value"].([]any)
	if len(value) != 0 {
		t.Fatalf("findings after adopt and revoke: %v", value)
	}
	e.do("POST", "/api/v1/systems/directory/drift/"+str(bob["id"])+"/revoke", nil).graphError(t, 404, entitled.CodeNotFound)

	e.do("POST", "/api/v1/systems", map[string]any{"name": "hook", "kind": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:1/"}}).must(t, 201)
	er := e.do("POST", "/api/v1/systems/hook/reconcile", nil).graphError(t, 400, entitled.CodeBadRequest)
	if !strings.Contains(str(er["message"]), "cannot list the members") {
		t.Errorf("webhook reconcile: %v", er)
	}
	er = e.do("POST", "/api/v1/systems", map[string]any{"name": "hook2", "kind": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:1/", "reconcile": map[string]any{"interval": "soon"}}}).
		graphError(t, 400, entitled.CodeBadRequest)
	if er["target"] != "config.reconcile.interval" {
		t.Errorf("bad interval: target %v", er["target"])
	}
	e.do("PATCH", "/api/v1/systems/directory", map[string]any{"config": map[string]any{"reconcile": map[string]any{"missing": "report"}}}).must(t, 200)
	e.doAs(aliceTok, "POST", "/api/v1/systems/directory/reconcile", nil).graphError(t, 403, entitled.CodeForbidden)
	e.doAs(aliceTok, "GET", "/api/v1/systems/directory/drift", nil).graphError(t, 403, entitled.CodeForbidden)
	e.do("POST", "/api/v1/systems/ghost/reconcile", nil).graphError(t, 404, entitled.CodeNotFound)
}
