package scimserver_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/scim"
)

// TestGenericSCIMClient: entitled's own SCIM connector, an RFC 7644 client,
// creates a user in the SCIM endpoint, adds it to a group and removes it,
// as it does in any SCIM service provider.
func TestGenericSCIMClient(t *testing.T) {
	e := newEnv(t)
	group := e.do(http.MethodPost, "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineers"}`).
		want(t, http.StatusCreated).str("id")
	cfg := map[string]any{"baseURL": e.srv.URL + "/scim/v2", "token": e.scim, "createUsers": true}
	k := scim.NewKind(nil)
	if err := k.Validate(cfg); err != nil {
		t.Fatal(err)
	}
	c, err := k.New(&entitled.ConnectedSystem{ID: "sys", Name: "entitled", Kind: scim.KindName, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := c.Describe(ctx, group)
	if err != nil || info.DisplayName != "Engineers" {
		t.Fatalf("Describe: %+v, %v", info, err)
	}
	g := entitled.Grant{Subject: entitled.Subject{ID: "oid-ada", ObjectID: "oid-ada", DisplayName: "Ada Lovelace",
		PrincipalName: "ada@example.org", Email: "ada@example.org"},
		Resource:  entitled.ResourceRef{ID: "r", OriginID: group, DisplayName: "Engineers"},
		Role:      entitled.ResourceRoleRef{ID: "rr", OriginID: scim.RoleMember, DisplayName: scim.RoleMember},
		RequestID: "req", DeliveryID: "d1", IdempotencyKey: "d1-1"}
	if err := c.Grant(ctx, g); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	ada, err := e.services.Users.User(e.sys(), "ada@example.org")
	if err != nil {
		t.Fatalf("the client's user was not created: %v", err)
	}
	if m := e.members(group); len(m) != 1 || m[0] != ada.ID {
		t.Fatalf("members after Grant: %v", m)
	}
	if err := c.Grant(ctx, g); err != nil {
		t.Fatalf("a second Grant should be idempotent: %v", err)
	}
	if err := c.Revoke(ctx, g); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if m := e.members(group); len(m) != 0 {
		t.Fatalf("members after Revoke: %v", m)
	}
}
