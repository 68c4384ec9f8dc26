package http_test

import (
	"strings"
	"testing"
)

// TestSelectUnknownProperty: a $select naming a property an
// entitlement-management entity does not have is a 400 on target $select
// that names it and lists the properties (as Graph refuses it), on
// collections and single entities; known names, in any case, still select.
// Graph's properties that entitled does not serve, and any name on a
// directory object (Graph's user has dozens entitled does not keep), are
// answered without the property, as scripts written for Graph expect.
func TestSelectUnknownProperty(t *testing.T) {
	e := newEnv(t)
	cat := e.do("POST", em+"/catalogs", map[string]any{"displayName": "Sales", "state": "published"}).must(t, 201)
	for _, path := range []string{
		em + "/catalogs?$select=displayName,stat",
		em + "/catalogs/" + str(cat["id"]) + "?$select=stat",
	} {
		m := e.do("GET", path, nil).graphError(t, 400, "BadRequest")
		if m["target"] != "$select" || !strings.HasPrefix(str(m["message"]), `$select names "stat", which is not a property here; the properties are `) ||
			!strings.Contains(str(m["message"]), "state") {
			t.Errorf("%s: %v", path, m)
		}
	}
	got := e.do("GET", em+"/catalogs/"+str(cat["id"])+"?$select=State,id", nil).must(t, 200)
	if got["state"] != "published" || got["displayName"] != nil {
		t.Errorf("$select=State,id: %v", got)
	}
	graphs := e.do("GET", em+"/catalogs/"+str(cat["id"])+"?$select=displayName,customWorkflowExtensions", nil).must(t, 200)
	if graphs["displayName"] != "Sales" {
		t.Errorf("a Graph property entitled does not serve, selected: %v", graphs)
	}
	user := e.do("GET", "/v1.0/users/"+e.admin.ID+"?$select=userPrincipalName,jobTitle,department", nil).must(t, 200)
	if user["userPrincipalName"] != "admin@example.com" || user["displayName"] != nil {
		t.Errorf("a user with Graph properties entitled does not keep, selected: %v", user)
	}
}
