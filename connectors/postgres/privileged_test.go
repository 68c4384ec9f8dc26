package postgres

import (
	"context"
	"slices"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

// TestPrivilegedRolesAreNeverGranted runs the connector as a login role
// without SUPERUSER or CREATEROLE ("app_conn", with ADMIN OPTION on the
// roles it manages) and a roleFilter admitting every app_* role: roles that
// would put their members beyond governance are still refused.
func TestPrivilegedRolesAreNeverGranted(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"app_read", "app_mid", "app_nested", "app_files"}, []string{"usr"})
	srv.Exec(`CREATE ROLE app_su SUPERUSER NOLOGIN`)
	srv.Exec(`CREATE ROLE app_admin CREATEROLE NOLOGIN`)
	srv.Exec(`CREATE ROLE app_repl REPLICATION NOLOGIN`)
	srv.Exec(`CREATE ROLE app_rls BYPASSRLS NOLOGIN`)
	srv.Exec(`CREATE ROLE app_conn LOGIN PASSWORD 'conn-pw'`)
	srv.Exec(`CREATE ROLE app_via_conn NOLOGIN`)
	srv.Exec(`GRANT app_conn TO app_via_conn`)
	srv.Exec(`GRANT app_su TO app_mid`)
	srv.Exec(`GRANT app_mid TO app_nested`)
	srv.Exec(`GRANT pg_read_server_files TO app_files`)
	for _, r := range []string{"app_read", "app_mid", "app_nested", "app_files", "app_su", "app_admin", "app_repl", "app_rls"} {
		srv.Exec(`GRANT ` + r + ` TO app_conn WITH ADMIN OPTION`)
	}
	// usr already holds app_admin, granted outside entitled.
	srv.Exec(`GRANT app_admin TO usr`)
	c := connectAs(t, srv.UserDSN("app_conn", "conn-pw", ""), map[string]any{"roleFilter": "/^app_/"})
	ctx := context.Background()

	privileged := map[string][]string{
		"app_su":       {`"app_su"`, "never superusers"},
		"app_admin":    {`"app_admin" is CREATEROLE`},
		"app_repl":     {`"app_repl" is REPLICATION`},
		"app_rls":      {`"app_rls" is BYPASSRLS`},
		"app_conn":     {`"app_conn" is the connector's own login role`},
		"app_via_conn": {`member of "app_conn"`, "own login role"},
		"app_mid":      {`member of "app_su", which is SUPERUSER`},
		"app_nested":   {`"app_nested" is a member of "app_su"`},
		"app_files":    {`member of "pg_read_server_files"`},
	}
	for r, says := range privileged {
		_, err := c.Describe(ctx, r)
		if r == "app_su" {
			// Superusers were already outside every filter.
			wantErr(t, err, entitled.Permanent, says...)
			continue
		}
		wantErr(t, err, entitled.Permanent, append(says, "escape governance")...)
		wantErr(t, c.Grant(ctx, grantOf(r, "usr")), entitled.Permanent, says...)
		if isMember(t, srv, r, "usr") && r != "app_admin" {
			t.Errorf("usr was granted %s", r)
		}
	}
	// A revoke takes access away: it goes ahead.
	if err := c.Revoke(ctx, grantOf("app_admin", "usr")); err != nil || isMember(t, srv, "app_admin", "usr") {
		t.Fatalf("revoke of a privileged role: %v (still a member: %v)", err, isMember(t, srv, "app_admin", "usr"))
	}
	// In a batch the privileged grant fails alone.
	errs := c.ApplyBatch(ctx, []entitled.Change{
		{Action: entitled.ActionGrant, Grant: grantOf("app_read", "usr")},
		{Action: entitled.ActionGrant, Grant: grantOf("app_nested", "usr")},
	})
	if errs[0] != nil || !isMember(t, srv, "app_read", "usr") {
		t.Fatalf("grant of app_read: %v", errs[0])
	}
	wantErr(t, errs[1], entitled.Permanent, "app_su")
	if isMember(t, srv, "app_nested", "usr") {
		t.Fatal("app_nested was granted in a batch")
	}
	// Listing leaves them out.
	page, err := c.ListResources(ctx, "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range page.Resources {
		names = append(names, r.OriginID)
	}
	if want := []string{"app_read"}; !slices.Equal(names, want) {
		t.Fatalf("listed %v, want %v", names, want)
	}
}
