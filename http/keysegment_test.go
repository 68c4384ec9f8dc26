package http_test

import "testing"

// TestKeySegments: an entity addressed with OData's key syntax, as Graph
// accepts it and @odata.context writes it (catalogs('{id}')), is the entity
// at catalogs/{id}, for reads, writes and the paths below it; a quote is
// written twice in the key; function segments such as
// filterByCurrentUser(on='target') keep working.
func TestKeySegments(t *testing.T) {
	e := newEnv(t)
	cat := str(e.do("POST", em+"/catalogs", map[string]any{"displayName": "Keys"}).must(t, 201)["id"])
	pkg := str(e.do("POST", em+"/accessPackages", map[string]any{"displayName": "P", "catalog": map[string]any{"id": cat}}).must(t, 201)["id"])

	if got := e.do("GET", em+"/catalogs('"+cat+"')", nil).must(t, 200); got["id"] != cat || got["displayName"] != "Keys" {
		t.Errorf("catalogs('id'): %v", got)
	}
	e.do("PATCH", em+"/accessPackages('"+pkg+"')", map[string]any{"description": "by key"}).must(t, 204)
	if got := e.do("GET", em+"/accessPackages/"+pkg, nil).must(t, 200); got["description"] != "by key" {
		t.Errorf("after PATCH accessPackages('id'): %v", got)
	}
	if got := e.do("GET", em+"/catalogs('"+cat+"')/accessPackages", nil).must(t, 200); len(list(got["value"])) != 1 {
		t.Errorf("catalogs('id')/accessPackages: %v", got)
	}
	if m := e.do("GET", "/v1.0/users('o''brien@example.com')", nil).graphError(t, 404, "ResourceNotFound"); m["message"] != `user "o'brien@example.com" was not found` {
		t.Errorf("users('o''brien…'): %v", m)
	}
	e.do("GET", em+"/assignmentRequests/filterByCurrentUser(on='target')", nil).must(t, 200)
	e.do("GET", em+"/catalogs('"+cat+"'x)", nil).graphError(t, 404, "UnknownPath")
}
