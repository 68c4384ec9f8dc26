package http_test

import (
	"strings"
	"testing"
)

// TestSelectUnknownProperty: a $select naming a property the entity does
// not have is a 400 on target $select that names it and lists the
// properties (as Graph refuses it), on collections and single entities;
// known names, in any case, still select.
func TestSelectUnknownProperty(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/v1.0/users?$select=displayName,userPrincipalNam",
		"/v1.0/users/" + e.admin.ID + "?$select=userPrincipalNam",
	} {
		m := e.do("GET", path, nil).graphError(t, 400, "BadRequest")
		if m["target"] != "$select" || !strings.HasPrefix(str(m["message"]), `$select names "userPrincipalNam", which is not a property here; the properties are `) ||
			!strings.Contains(str(m["message"]), "userPrincipalName") {
			t.Errorf("%s: %v", path, m)
		}
	}
	got := e.do("GET", "/v1.0/users/"+e.admin.ID+"?$select=UserPrincipalName,id", nil).must(t, 200)
	if got["userPrincipalName"] != "admin@example.com" || got["displayName"] != nil {
		t.Errorf("$select=UserPrincipalName,id: %v", got)
	}
}
