package scimserver_test

import (
	"net/http"
	"testing"
)

// TestOktaPutReplace: Okta's flows replace whole resources with PUT: a
// user's attributes (deactivation is active false in a PUT), and a group's
// name and members.
func TestOktaPutReplace(t *testing.T) {
	e := newEnv(t)
	id := e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"okta.user@example.com","name":{"givenName":"Okta","familyName":"User"},
		"emails":[{"primary":true,"value":"okta.user@example.com","type":"work"}],"displayName":"Okta User","active":true,
		"password":"ignored","groups":[]}`).want(t, http.StatusCreated).str("id")
	e.do(http.MethodGet, "/scim/v2/Users?"+filterQuery(`userName eq "okta.user@example.com"`)+"&startIndex=1&count=100", "").want(t, http.StatusOK)
	put := e.do(http.MethodPut, "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+id+`",
		"userName":"okta.renamed@example.com","name":{"givenName":"Okta","familyName":"Renamed"},
		"emails":[{"primary":true,"value":"renamed@example.com","type":"work"}],"displayName":"Okta Renamed","active":false}`).
		want(t, http.StatusOK)
	if put.str("userName") != "okta.renamed@example.com" || put.body["active"] != false {
		t.Fatalf("PUT user: %s", put.raw)
	}
	u, err := e.services.Users.User(e.sys(), id)
	if err != nil {
		t.Fatal(err)
	}
	if u.AccountEnabled || u.Mail != "renamed@example.com" || u.DisplayName != "Okta Renamed" {
		t.Fatalf("stored after PUT: %+v", u)
	}
	other := e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"other@example.com"}`).
		want(t, http.StatusCreated).str("id")
	g := e.do(http.MethodPost, "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Okta Group",
		"members":[{"value":"`+id+`","display":"okta"}]}`).want(t, http.StatusCreated).str("id")
	if m := e.members(g); len(m) != 1 || m[0] != id {
		t.Fatalf("members after create: %v", m)
	}
	e.do(http.MethodPut, "/scim/v2/Groups/"+g, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"`+g+`",
		"displayName":"Okta Group 2","members":[{"value":"`+other+`"}]}`).want(t, http.StatusOK)
	if m := e.members(g); len(m) != 1 || m[0] != other {
		t.Fatalf("members after PUT: %v", m)
	}
	// Okta renames a group with a replace of id and displayName.
	e.do(http.MethodPatch, "/scim/v2/Groups/"+g, `{`+patchOp+`,"Operations":[{"op":"replace","value":{"id":"`+g+`","displayName":"Okta Group 3"}}]}`).wantOK(t)
	if gr, _ := e.services.Groups.Group(e.sys(), g); gr.DisplayName != "Okta Group 3" {
		t.Fatalf("group name: %q", gr.DisplayName)
	}
}
