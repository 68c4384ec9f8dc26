package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/entitled-dev/entitled/internal/pgtest"
	"github.com/entitled-dev/entitled/internal/slapdtest"
)

// TestLDAPAndPostgresTargets is the reprocess scenario against real target
// systems: a package holds an LDAP group (throwaway slapd) and a PostgreSQL
// role (throwaway PostgreSQL). slapd is down during delivery, so the request
// ends partiallyDelivered with the LDAP error in its delivery list; slapd
// comes back, the request is reprocessed and ldapsearch shows the member.
// Then drift: the member is removed in LDAP behind entitled's back and
// reprocessing the assignment puts it back. Then removal revokes both.
func TestLDAPAndPostgresTargets(t *testing.T) {
	dir := slapdtest.Start(t)
	pg := pgtest.Start(t)
	ldapsearch, err := exec.LookPath("ldapsearch")
	if err != nil {
		t.Fatalf("ldapsearch is missing: install ldap-utils")
	}

	dir.AddUser(t, "lena")
	group := dir.AddGroupOfNames(t, "engineers")
	pg.Exec(`CREATE ROLE app_read NOLOGIN`)
	pg.Exec(`CREATE ROLE lena LOGIN`)

	db := "sqlite:" + filepath.Join(t.TempDir(), "entitled.db")
	cli(t, "admin", "create", "--db", db, "--upn", "admin@example.com")
	srv := startServer(t, db)
	admin := &client{t: t, base: srv.base, token: tokenFor(t, db, "admin@example.com")}
	admin.must(201, "POST", "/v1.0/users", map[string]any{"userPrincipalName": "lena@example.org",
		"displayName": "Lena", "mail": "lena@example.org", "accountEnabled": true})
	lena := &client{t: t, base: srv.base, token: tokenFor(t, db, "lena@example.org")}

	retry := map[string]any{"maxAttempts": 2, "initialBackoff": "PT0.2S", "maxBackoff": "PT0.5S"}
	sysL := admin.must(201, "POST", "/api/v1/systems", map[string]any{"name": "corp-ldap", "kind": "ldap", "retry": retry,
		"config": map[string]any{"url": dir.URL, "bindDN": slapdtest.ServiceDN, "bindPassword": slapdtest.ServicePassword,
			"baseDN": slapdtest.BaseDN, "timeout": "3s"}})
	sysP := admin.must(201, "POST", "/api/v1/systems", map[string]any{"name": "app-db", "kind": "postgres", "retry": retry,
		"config": map[string]any{"dsn": pg.DSN("postgres"), "roleFilter": `app\_%`}})
	// Secrets are write-only.
	for _, sys := range []response{sysL, sysP} {
		if strings.Contains(sys.Raw, slapdtest.ServicePassword) || strings.Contains(sys.Raw, pg.Password()) {
			t.Fatalf("a secret came back from the API: %s", sys.Raw)
		}
	}
	// Both systems answer their connection test.
	for _, name := range []string{"corp-ldap", "app-db"} {
		if r := admin.must(200, "POST", "/api/v1/systems/"+name+"/check", nil); r.Str("status") != "ok" {
			t.Fatalf("check %s: %s", name, r.Raw)
		}
	}
	// Browsing finds the LDAP group and the role.
	if r := admin.must(200, "GET", "/api/v1/systems/corp-ldap/resources?search=engineers", nil); !strings.Contains(r.Raw, group) {
		t.Errorf("LDAP browse: %s", r.Raw)
	}
	if r := admin.must(200, "GET", "/api/v1/systems/app-db/resources", nil); !strings.Contains(r.Raw, "app_read") {
		t.Errorf("PostgreSQL browse: %s", r.Raw)
	}

	catalog := admin.must(201, "POST", em+"/catalogs", map[string]any{"displayName": "Engineering"}).Str("id")
	pkg := admin.must(201, "POST", em+"/accessPackages", map[string]any{"displayName": "Engineer",
		"catalog": map[string]any{"id": catalog}}).Str("id")
	for _, res := range []struct{ system, origin string }{{"corp-ldap", group}, {"app-db", "app_read"}} {
		rr := admin.must(201, "POST", em+"/resourceRequests", map[string]any{"requestType": "adminAdd",
			"catalog": map[string]any{"id": catalog}, "resource": map[string]any{"originId": res.origin, "originSystem": res.system}})
		resID := rr.Body["resource"].(map[string]any)["id"].(string)
		admin.must(201, "POST", em+"/accessPackages/"+pkg+"/resourceRoleScopes", map[string]any{
			"role":  map[string]any{"originId": "Member", "originSystem": res.system, "resource": map[string]any{"id": resID}},
			"scope": map[string]any{"originId": res.origin, "originSystem": res.system}})
	}
	policy := admin.must(201, "POST", em+"/assignmentPolicies", map[string]any{"displayName": "Engineers",
		"allowedTargetScope": "allMemberUsers", "accessPackage": map[string]any{"id": pkg},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfRemoveAccess": true},
		"expiration":        map[string]any{"type": "noExpiration"}}).Str("id")

	memberOfApp := func() bool {
		conn := pg.Connect("postgres")
		defer conn.Close(context.Background())
		var n int
		if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
			JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = 'app_read' AND u.rolname = 'lena'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	lenaDN := slapdtest.UserDN("lena")

	// slapd is down while the request is delivered.
	dir.Stop()
	req := lena.must(201, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": pkg, "assignmentPolicyId": policy}}).Str("id")
	r := admin.waitState(req, 60*time.Second, "partiallyDelivered", "delivered", "deliveryFailed")
	if r.Str("state") != "partiallyDelivered" {
		t.Fatalf("with slapd down: %s", r.Raw)
	}
	var ldapDelivery map[string]any
	for _, d := range admin.must(200, "GET", "/api/v1/assignmentRequests/"+req+"/deliveries", nil).Values() {
		res := d["resource"].(map[string]any)
		switch res["originSystem"] {
		case "corp-ldap":
			ldapDelivery = d
		case "app-db":
			if d["status"] != "succeeded" {
				t.Errorf("PostgreSQL delivery: %v", d)
			}
		}
	}
	lastErr, _ := ldapDelivery["lastError"].(map[string]any)
	if ldapDelivery["status"] != "failed" || lastErr == nil || lastErr["class"] != "transient" || lastErr["message"] == "" {
		t.Fatalf("LDAP delivery while slapd is down: %v", ldapDelivery)
	}
	if msg := lastErr["message"].(string); strings.Contains(msg, slapdtest.ServicePassword) {
		t.Fatalf("the LDAP error shows the bind password: %s", msg)
	}
	if !memberOfApp() {
		t.Fatal("the PostgreSQL role was not granted")
	}

	// slapd is back; reprocess delivers the LDAP group only.
	dir.Restart(t)
	admin.must(202, "POST", em+"/assignmentRequests/"+req+"/reprocess", nil)
	if r := admin.waitState(req, 60*time.Second, "delivered", "partiallyDelivered", "deliveryFailed"); r.Str("state") != "delivered" {
		t.Fatalf("after reprocess: %s", r.Raw)
	}
	out, err := exec.Command(ldapsearch, "-x", "-LLL", "-H", dir.URL, "-D", slapdtest.ServiceDN, "-w", slapdtest.ServicePassword,
		"-b", group, "-s", "base", "member").CombinedOutput()
	if err != nil || !strings.Contains(strings.ToLower(string(out)), strings.ToLower(lenaDN)) {
		t.Fatalf("ldapsearch does not show lena in %s: %v\n%s", group, err, out)
	}

	// Drift: someone removes lena in LDAP; reprocessing the assignment repairs it.
	conn := dir.Dial(t)
	mod := goldap.NewModifyRequest(group, nil)
	mod.Delete("member", []string{lenaDN})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if dir.HasValue(t, group, "member", lenaDN) {
		t.Fatal("drift was not made")
	}
	as := lena.must(200, "GET", em+"/assignments/filterByCurrentUser(on='target')", nil).Values()
	if len(as) != 1 || as[0]["state"] != "delivered" {
		t.Fatalf("assignment: %v", as)
	}
	assignment := as[0]["id"].(string)
	admin.must(202, "POST", em+"/assignments/"+assignment+"/reprocess", nil)
	waitFor(t, 60*time.Second, "the LDAP membership to be restored", func() bool { return dir.HasValue(t, group, "member", lenaDN) })
	if !memberOfApp() {
		t.Error("reprocessing the assignment lost the PostgreSQL role")
	}

	// Removal revokes both.
	waitFor(t, 30*time.Second, "the repair request to finish", func() bool {
		as := lena.must(200, "GET", em+"/assignments/"+assignment, nil)
		return as.Str("state") == "delivered"
	})
	lena.must(201, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userRemove",
		"assignment": map[string]any{"id": assignment}})
	waitFor(t, 60*time.Second, "the assignment to expire", func() bool {
		return lena.must(200, "GET", em+"/assignments/"+assignment, nil).Str("state") == "expired"
	})
	if dir.HasValue(t, group, "member", lenaDN) {
		t.Error("lena is still in the LDAP group after removal")
	}
	if memberOfApp() {
		t.Error("lena still holds the PostgreSQL role after removal")
	}

	// No connector secret anywhere: not in what the API answers about the
	// systems, not in the delivery lists, not in the server's logs (debug level).
	secrets := []string{slapdtest.ServicePassword, pg.Password()}
	outputs := []string{srv.Logs(),
		admin.must(200, "GET", "/api/v1/systems", nil).Raw,
		admin.must(200, "GET", "/api/v1/assignmentRequests/"+req+"/deliveries", nil).Raw,
		admin.must(200, "GET", "/v1.0/auditLogs/directoryAudits?$top=999", nil).Raw}
	for _, secret := range secrets {
		for i, out := range outputs {
			if strings.Contains(out, secret) {
				t.Errorf("a connector secret appears in output %d", i)
			}
		}
	}
}
