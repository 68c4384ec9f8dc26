package scimserver_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The request sequences of Microsoft Entra ID's provisioning service, as
// Microsoft documents them for SCIM endpoints ("Develop and plan
// provisioning for a SCIM endpoint": user and group operations), with
// userName a userPrincipalName as Entra's default attribute mapping sends.

const patchOp = `"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`

func filterQuery(f string) string { return "filter=" + url.QueryEscape(f) }

// TestEntraUserSequence: create, get, get by filter (a hit and zero
// results), update multi- and single-valued attributes, disable, delete.
func TestEntraUserSequence(t *testing.T) {
	e := newEnv(t)
	created := e.do(http.MethodPost, "/scim/v2/Users", `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
		"userName":"Test_User_ab6490ee@testuser.com",
		"active":true,
		"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b@testuser.com"}],
		"meta":{"resourceType":"User"},
		"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
		"roles":[]}`).want(t, http.StatusCreated)
	id := created.str("id")
	if id == "" || created.str("userName") != "Test_User_ab6490ee@testuser.com" || created.str("externalId") != "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef" {
		t.Fatalf("created user: %s", created.raw)
	}
	u, err := e.services.Users.User(e.sys(), id)
	if err != nil {
		t.Fatal(err)
	}
	if u.DisplayName != "givenName familyName" || u.Mail != "Test_User_fd0ea19b@testuser.com" || !u.AccountEnabled || u.ExternalID == "" {
		t.Fatalf("stored user: %+v", u)
	}

	got := e.do(http.MethodGet, "/scim/v2/Users/"+id, "").want(t, http.StatusOK)
	if got.str("id") != id || got.body["active"] != true {
		t.Fatalf("get user: %s", got.raw)
	}
	byName := e.do(http.MethodGet, "/scim/v2/Users?"+filterQuery(`userName eq "Test_User_ab6490ee@testuser.com"`), "").want(t, http.StatusOK)
	if rs := byName.resources(); len(rs) != 1 || rs[0]["id"] != id || byName.body["totalResults"] != float64(1) {
		t.Fatalf("get by userName: %s", byName.raw)
	}
	byExt := e.do(http.MethodGet, "/scim/v2/Users?"+filterQuery(`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`), "").want(t, http.StatusOK)
	if rs := byExt.resources(); len(rs) != 1 || rs[0]["id"] != id {
		t.Fatalf("get by externalId: %s", byExt.raw)
	}
	none := e.do(http.MethodGet, "/scim/v2/Users?"+filterQuery(`userName eq "non-existent user"`), "").want(t, http.StatusOK)
	if len(none.resources()) != 0 || none.body["totalResults"] != float64(0) {
		t.Fatalf("get by filter, zero results: %s", none.raw)
	}

	// Update user [multi-valued properties].
	e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
		{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}]}`).want(t, http.StatusOK)
	if u, _ = e.services.Users.User(e.sys(), id); u.Mail != "updatedEmail@microsoft.com" {
		t.Fatalf("mail after patch: %q", u.Mail)
	}
	// Update user [single-valued properties].
	single := e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Replace","path":"userName","value":"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]}`).want(t, http.StatusOK)
	if single.str("userName") != "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" {
		t.Fatalf("userName after patch: %s", single.raw)
	}
	// Disable user.
	e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Replace","path":"active","value":false}]}`).want(t, http.StatusOK)
	if u, _ = e.services.Users.User(e.sys(), id); u.AccountEnabled {
		t.Fatal("user still enabled after the disable PATCH")
	}
	// Delete user.
	e.do(http.MethodDelete, "/scim/v2/Users/"+id, "").want(t, http.StatusNoContent)
	e.do(http.MethodGet, "/scim/v2/Users/"+id, "").want(t, http.StatusNotFound)
}

// TestEntraGroupSequence: create, get without members, get by displayName,
// rename, add and remove members, delete.
func TestEntraGroupSequence(t *testing.T) {
	e := newEnv(t)
	user := e.createUser(t, "member@testuser.com")
	created := e.do(http.MethodPost, "/scim/v2/Groups", `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
		"displayName":"displayName",
		"meta":{"resourceType":"Group"}}`).want(t, http.StatusCreated)
	id := created.str("id")
	if id == "" || created.str("displayName") != "displayName" {
		t.Fatalf("created group: %s", created.raw)
	}
	e.do(http.MethodGet, "/scim/v2/Groups/"+id+"?excludedAttributes=members", "").want(t, http.StatusOK)
	byName := e.do(http.MethodGet, "/scim/v2/Groups?excludedAttributes=members&"+filterQuery(`displayName eq "displayName"`), "").want(t, http.StatusOK)
	if rs := byName.resources(); len(rs) != 1 || rs[0]["id"] != id {
		t.Fatalf("get group by displayName: %s", byName.raw)
	}
	// Update group [non-member attributes].
	e.do(http.MethodPatch, "/scim/v2/Groups/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Replace","path":"displayName","value":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]}`).wantOK(t)
	if g, _ := e.services.Groups.Group(e.sys(), id); g.DisplayName != "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName" {
		t.Fatalf("group name after patch: %q", g.DisplayName)
	}
	// Update group [add members].
	e.do(http.MethodPatch, "/scim/v2/Groups/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Add","path":"members","value":[{"$ref":null,"value":"`+user+`"}]}]}`).wantOK(t)
	if m := e.members(id); len(m) != 1 || m[0] != user {
		t.Fatalf("members after add: %v", m)
	}
	// Update group [remove members].
	e.do(http.MethodPatch, "/scim/v2/Groups/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Remove","path":"members","value":[{"$ref":null,"value":"`+user+`"}]}]}`).wantOK(t)
	if m := e.members(id); len(m) != 0 {
		t.Fatalf("members after remove: %v", m)
	}
	// Delete group.
	e.do(http.MethodDelete, "/scim/v2/Groups/"+id, "").want(t, http.StatusNoContent)
	e.do(http.MethodGet, "/scim/v2/Groups/"+id, "").want(t, http.StatusNotFound)
}

// TestEntraQuirks: Entra ID's PATCH operations in any letter case, active
// as the string "False", replace without a path, a manager as a bare id,
// and attributes entitled does not know, which are ignored.
func TestEntraQuirks(t *testing.T) {
	e := newEnv(t)
	boss := e.createUser(t, "boss@testuser.com")
	id := e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"quirk@testuser.com","active":"True","displayName":"Quirk","favouriteColour":"blue",
		"urn:ietf:params:scim:schemas:extension:contoso:2.0:User":{"badge":"42"}}`).want(t, http.StatusCreated).str("id")
	e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+boss+`"},
		{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:contoso:2.0:User:badge","value":"43"},
		{"op":"Replace","path":"favouriteColour","value":"red"},
		{"op":"REPLACE","value":{"displayName":"Quirk Renamed","nickName":"Q","shoeSize":44}}]}`).wantOK(t)
	u, err := e.services.Users.User(e.sys(), id)
	if err != nil {
		t.Fatal(err)
	}
	if u.ManagerID != boss || u.DisplayName != "Quirk Renamed" {
		t.Fatalf("after the PATCH: manager %q display %q", u.ManagerID, u.DisplayName)
	}
	got := e.do(http.MethodGet, "/scim/v2/Users/"+id, "").want(t, http.StatusOK)
	ext, _ := got.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	if m, _ := ext["manager"].(map[string]any); m["value"] != boss {
		t.Fatalf("manager in the enterprise extension: %s", got.raw)
	}
	// Only unknown attributes: nothing changes, the user is returned.
	e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Replace","path":"favouriteColour","value":"green"}]}`).want(t, http.StatusOK)
	e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Replace","path":"active","value":"False"}]}`).wantOK(t)
	if u, _ = e.services.Users.User(e.sys(), id); u.AccountEnabled {
		t.Fatal(`active "False" did not disable the user`)
	}
	e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"replace","value":{"active":true}}]}`).wantOK(t)
	if u, _ = e.services.Users.User(e.sys(), id); !u.AccountEnabled {
		t.Fatal("replace without a path did not enable the user")
	}
	// Removing the manager.
	e.do(http.MethodPatch, "/scim/v2/Users/"+id, `{`+patchOp+`,"Operations":[
		{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]}`).wantOK(t)
	if u, _ = e.services.Users.User(e.sys(), id); u.ManagerID != "" {
		t.Fatalf("manager after remove: %q", u.ManagerID)
	}
}

// TestSCIMErrors: bad input gets a SCIM error with a precise detail.
func TestSCIMErrors(t *testing.T) {
	e := newEnv(t)
	bad := e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"not-a-upn"}`).
		want(t, http.StatusBadRequest)
	if !strings.Contains(bad.raw, "name@domain") {
		t.Fatalf("400 should say what a userName must look like: %s", bad.raw)
	}
	e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dup@testuser.com","externalId":"x1"}`).
		want(t, http.StatusCreated)
	dup := e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"DUP@testuser.com"}`).
		want(t, http.StatusConflict)
	if dup.str("scimType") != "uniqueness" {
		t.Fatalf("409 should be a uniqueness error: %s", dup.raw)
	}
	e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"other@testuser.com","externalId":"x1"}`).
		want(t, http.StatusConflict)
	e.do(http.MethodGet, "/scim/v2/Users/nope", "").want(t, http.StatusNotFound)
	e.do(http.MethodPost, "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G",
		"members":[{"value":"nobody"}]}`).want(t, http.StatusBadRequest)
	if n := e.countGroups(); n != 0 {
		t.Fatalf("a refused group create left %d groups", n)
	}
}

// TestProvisioningTokenOnlyOpensSCIM: the SCIM endpoint refuses full
// tokens and the rest of the API refuses provisioning tokens, both 403.
func TestProvisioningTokenOnlyOpensSCIM(t *testing.T) {
	e := newEnv(t)
	r := e.doAs(e.full, http.MethodGet, "/scim/v2/Users", "").want(t, http.StatusForbidden)
	if !strings.Contains(r.raw, "urn:ietf:params:scim:api:messages:2.0:Error") {
		t.Fatalf("the SCIM endpoint should answer with a SCIM error: %s", r.raw)
	}
	e.doAs(e.scim, http.MethodGet, "/v1.0/users", "").want(t, http.StatusForbidden)
	e.doAs(e.scim, http.MethodGet, "/api/v1/tokens", "").want(t, http.StatusForbidden)
	e.doAs(e.full, http.MethodGet, "/v1.0/users", "").want(t, http.StatusOK)
	e.doAs("ent_nonsense_token_value", http.MethodGet, "/scim/v2/Users", "").want(t, http.StatusUnauthorized)
	e.do(http.MethodGet, "/scim/v2/ServiceProviderConfig", "").want(t, http.StatusOK)
	e.do(http.MethodGet, "/scim/v2/ResourceTypes", "").want(t, http.StatusOK)
	e.do(http.MethodGet, "/scim/v2/Schemas", "").want(t, http.StatusOK)
}

// createUser creates an active user by its userName and returns its id.
func (e *env) createUser(t *testing.T, userName string) string {
	t.Helper()
	return e.do(http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"`+userName+`","active":true}`).want(t, http.StatusCreated).str("id")
}
