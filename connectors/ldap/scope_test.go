package ldap

import (
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/slapdtest"
	goldap "github.com/go-ldap/ldap/v3"
)

func TestScopeContains(t *testing.T) {
	s := newScope(&Config{GroupBaseDN: "ou=groups,dc=example,dc=org"})
	for _, tc := range []struct {
		dn   string
		want bool
	}{
		{"cn=x,ou=groups,dc=example,dc=org", true},
		{"CN=X,OU=Groups,DC=Example,DC=Org", true},
		{"cn=x, ou=groups, dc=example, dc=org", true},
		{"cn=x,ou=sub,ou=groups,dc=example,dc=org", true},
		{"ou=groups,dc=example,dc=org", false},
		{"cn=x,ou=groupsX,dc=example,dc=org", false},
		{"cn=x,ou=groups,dc=example,dc=org,dc=evil", false},
		{"cn=domain-admins,ou=system,dc=example,dc=org", false},
		{"cn=ou\\=groups\\,dc\\=example\\,dc\\=org", false},
		{"not a dn", false},
	} {
		if got := s.containsString(tc.dn); got != tc.want {
			t.Errorf("contains(%q) = %v, want %v", tc.dn, got, tc.want)
		}
	}
	if (scope{}).containsString("cn=x,ou=groups,dc=example,dc=org") {
		t.Errorf("an unparsed base must refuse every DN")
	}
}

// systemGroup adds ou=system with a group domain-admins holding no one but
// the placeholder, outside ou=groups.
func systemGroup(t *testing.T, srv *slapdtest.Server) string {
	t.Helper()
	srv.Add(t, "ou=system,"+slapdtest.BaseDN, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"system"}})
	dn := "cn=domain-admins,ou=system," + slapdtest.BaseDN
	srv.Add(t, dn, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"domain-admins"},
		"member": {slapdtest.PlaceholderDN}})
	return dn
}

func TestOutsideGroupBaseDNIsRefused(t *testing.T) {
	srv := slapdtest.Start(t)
	srv.AddUser(t, "mallory")
	admins := systemGroup(t, srv)
	staff := srv.AddGroupOfNames(t, "staff")
	c := newConnector(t, configFor(srv, map[string]any{"groupBaseDN": slapdtest.GroupsDN}))

	_, err := c.Describe(ctx, admins)
	wantError(t, "describe outside", err, entitled.Permanent, "config.groupBaseDN", admins)
	_, err = c.Describe(ctx, slapdtest.GroupsDN)
	wantError(t, "describe the base itself", err, entitled.Permanent, "config.groupBaseDN")

	wantError(t, "grant outside", c.Grant(ctx, grantOf("mallory", admins, RoleMember)), entitled.Permanent, "config.groupBaseDN")
	wantError(t, "grant owner outside", c.Grant(ctx, grantOf("mallory", admins, RoleOwner)), entitled.Permanent, "config.groupBaseDN")
	if srv.HasValue(t, admins, "member", slapdtest.UserDN("mallory")) || srv.HasValue(t, admins, "owner", slapdtest.UserDN("mallory")) {
		t.Fatalf("mallory was added to %s, outside groupBaseDN", admins)
	}

	// A revoke outside the scope is refused too, and leaves the member be.
	srv.Delete(t, admins)
	srv.Add(t, admins, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"domain-admins"},
		"member": {slapdtest.PlaceholderDN, slapdtest.UserDN("mallory")}})
	wantError(t, "revoke outside", c.Revoke(ctx, grantOf("mallory", admins, RoleMember)), entitled.Permanent, "config.groupBaseDN")
	if !srv.HasValue(t, admins, "member", slapdtest.UserDN("mallory")) {
		t.Fatalf("a revoke outside groupBaseDN changed %s", admins)
	}

	// In a batch only the change outside fails.
	upper := "CN=Staff,OU=Groups,DC=Example,DC=Org"
	errs := c.ApplyBatch(ctx, []entitled.Change{
		{Action: entitled.ActionGrant, Grant: grantOf("mallory", staff, RoleMember)},
		{Action: entitled.ActionGrant, Grant: grantOf("mallory", "cn=staff,ou=groupsX,"+slapdtest.BaseDN, RoleMember)},
		{Action: entitled.ActionRevoke, Grant: grantOf("mallory", admins, RoleMember)},
		{Action: entitled.ActionGrant, Grant: grantOf("mallory", upper, RoleOwner)},
	})
	if errs[0] != nil || errs[3] != nil {
		t.Fatalf("in-scope changes failed: %v, %v", errs[0], errs[3])
	}
	wantError(t, "batch grant under ou=groupsX", errs[1], entitled.Permanent, "config.groupBaseDN")
	wantError(t, "batch revoke outside", errs[2], entitled.Permanent, "config.groupBaseDN")
	if !srv.HasValue(t, staff, "member", slapdtest.UserDN("mallory")) || !srv.HasValue(t, staff, "owner", slapdtest.UserDN("mallory")) {
		t.Fatalf("the in-scope grants were not applied")
	}
	if _, err := c.Describe(ctx, upper); err != nil {
		t.Fatalf("describe %s (same DN, other case): %v", upper, err)
	}
}

func TestListLeavesOutTheBaseEntry(t *testing.T) {
	srv := slapdtest.Start(t)
	// The base is itself a group (an odd tree, but a possible one): it is
	// not below itself, so it is not listed; its child is.
	parent := srv.AddGroupOfNames(t, "parent")
	child := "cn=child," + parent
	srv.Add(t, child, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"child"}, "member": {slapdtest.PlaceholderDN}})
	c := newConnector(t, configFor(srv, map[string]any{"groupBaseDN": parent}))
	page, err := c.ListResources(ctx, "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Resources) != 1 || !mustDN(t, page.Resources[0].OriginID).EqualFold(mustDN(t, child)) {
		t.Fatalf("listed %+v, want only %s", page.Resources, child)
	}
}

func TestEmptyGroupBaseDNIsBaseDN(t *testing.T) {
	srv := slapdtest.Start(t)
	srv.AddUser(t, "alice")
	admins := systemGroup(t, srv)
	c := newConnector(t, configFor(srv, nil))
	// Without groupBaseDN every group below baseDN is in scope …
	if err := c.Grant(ctx, grantOf("alice", admins, RoleMember)); err != nil {
		t.Fatalf("grant below baseDN: %v", err)
	}
	// … and nothing outside it.
	_, err := c.Describe(ctx, "cn=admins,dc=other,dc=org")
	wantError(t, "describe outside baseDN", err, entitled.Permanent, "config.groupBaseDN")
	_, err = c.Describe(ctx, slapdtest.BaseDN)
	wantError(t, "describe baseDN itself", err, entitled.Permanent, "config.groupBaseDN")
}

func mustDN(t *testing.T, s string) *goldap.DN {
	t.Helper()
	dn, err := goldap.ParseDN(s)
	if err != nil {
		t.Fatal(err)
	}
	return dn
}
