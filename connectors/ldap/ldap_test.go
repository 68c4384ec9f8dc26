package ldap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"
	"github.com/entitled-dev/entitled/internal/slapdtest"
)

var ctx = context.Background()

// wantError checks err's class and that its message says each of says.
func wantError(t *testing.T, what string, err error, class entitled.ErrorClass, says ...string) {
	t.Helper()
	connectortest.WantClass(t, what, err, class, secrets)
	for _, s := range says {
		if err != nil && !strings.Contains(err.Error(), s) {
			t.Errorf("%s: %q does not say %q", what, err, s)
		}
	}
}

func TestBatchIsOneModifyPerGroup(t *testing.T) {
	srv := slapdtest.Start(t)
	srv.AddUsers(t, "u", 5)
	group := srv.AddGroupOfNames(t, "staff")
	c := newConnector(t, configFor(srv, nil))
	var changes []entitled.Change
	for i := range 5 {
		changes = append(changes, entitled.Change{Action: entitled.ActionGrant, Grant: grantOf(fmt.Sprint("u", i), group, RoleMember)})
	}
	before := c.pool.ops.Load()
	for i, err := range c.ApplyBatch(ctx, changes) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	// 5 user lookups and a single modify carrying the 5 members.
	if n := c.pool.ops.Load() - before; n != 6 {
		t.Fatalf("%d LDAP operations for 5 grants to one group, want 6 (5 lookups, 1 modify)", n)
	}
	for i := range 5 {
		if !srv.HasValue(t, group, "member", slapdtest.UserDN(fmt.Sprint("u", i))) {
			t.Errorf("u%d is not a member", i)
		}
	}
}

func TestBatchWithSomeAlreadyHeld(t *testing.T) {
	srv := slapdtest.Start(t)
	for _, u := range []string{"alice", "bob", "carol"} {
		srv.AddUser(t, u)
	}
	group := srv.AddGroupOfNames(t, "staff", slapdtest.UserDN("bob"))
	c := newConnector(t, configFor(srv, nil))
	grant := func(u string) entitled.Change {
		return entitled.Change{Action: entitled.ActionGrant, Grant: grantOf(u, group, RoleMember)}
	}
	revoke := func(u string) entitled.Change {
		return entitled.Change{Action: entitled.ActionRevoke, Grant: grantOf(u, group, RoleMember)}
	}
	// bob is a member already: the modify of three values fails as a whole
	// and the connector must still add alice and carol.
	for i, err := range c.ApplyBatch(ctx, []entitled.Change{grant("alice"), grant("bob"), grant("carol")}) {
		if err != nil {
			t.Fatalf("grant %d: %v", i, err)
		}
	}
	for _, u := range []string{"alice", "bob", "carol"} {
		if !srv.HasValue(t, group, "member", slapdtest.UserDN(u)) {
			t.Errorf("%s is not a member after the grant", u)
		}
	}
	// Revoke bob twice and alice, mixed with a grant of carol (held).
	errs := c.ApplyBatch(ctx, []entitled.Change{revoke("bob"), revoke("alice"), grant("carol"), revoke("bob")})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	got := srv.Values(t, group, "member")
	slices.Sort(got)
	want := []string{slapdtest.PlaceholderDN, slapdtest.UserDN("carol")}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("members %v, want %v", got, want)
	}
}

func TestPermanentErrorsSayWhatIsWrong(t *testing.T) {
	srv := slapdtest.Start(t)
	srv.AddUser(t, "alice")
	srv.AddUser(t, "alice2")
	srv.Add(t, "cn=solo,"+slapdtest.GroupsDN, map[string][]string{"objectClass": {"groupOfNames"}, "cn": {"solo"},
		"member": {slapdtest.UserDN("alice")}})
	group := srv.AddGroupOfNames(t, "staff")
	c := newConnector(t, configFor(srv, nil))

	wantError(t, "missing group", c.Grant(ctx, grantOf("alice", "cn=nope,"+slapdtest.GroupsDN, RoleMember)),
		entitled.Permanent, "cn=nope", "does not exist")
	wantError(t, "missing user", c.Grant(ctx, grantOf("ghost", group, RoleMember)),
		entitled.Permanent, "ghost@example.org", "does not exist", "(uid=ghost)")
	wantError(t, "not a DN", c.Grant(ctx, grantOf("alice", "staff", RoleMember)), entitled.Permanent, "not an LDAP DN")
	wantError(t, "unknown role", c.Grant(ctx, grantOf("alice", group, "Admin")), entitled.Permanent, "Admin", "Member and Owner")
	wantError(t, "last member", c.Revoke(ctx, grantOf("alice", "cn=solo,"+slapdtest.GroupsDN, RoleMember)),
		entitled.Permanent, "without members")

	// A group DN outside config.groupBaseDN is refused before any modify.
	wantError(t, "group outside groupBaseDN", c.Grant(ctx, grantOf("alice", "cn=g,dc=elsewhere,dc=com", RoleMember)),
		entitled.Permanent, "cn=g,dc=elsewhere,dc=com", "config.groupBaseDN")
	// A group DN outside every naming context the server holds (groupBaseDN
	// set there): slapd is unwilling to perform; retrying cannot help.
	elsewhere := newConnector(t, configFor(srv, map[string]any{"groupBaseDN": "dc=elsewhere,dc=com"}))
	wantError(t, "group outside the directory", elsewhere.Grant(ctx, grantOf("alice", "cn=g,dc=elsewhere,dc=com", RoleMember)),
		entitled.Permanent, "cn=g,dc=elsewhere,dc=com", "will not do this", "no global superior knowledge")

	noName := grantOf("alice", group, RoleMember)
	noName.Subject.PrincipalName = ""
	wantError(t, "subject without principalName", c.Grant(ctx, noName), entitled.Permanent, "principalName", "config.userFilter")

	wide := newConnector(t, configFor(srv, map[string]any{"userFilter": "(uid={localPart}*)"}))
	wantError(t, "ambiguous user", wide.Grant(ctx, grantOf("alice", group, RoleMember)), entitled.Permanent, "ambiguous")

	posix := srv.AddPosixGroup(t, "devs", 7001)
	wantError(t, "owner of a posixGroup", c.Grant(ctx, grantOf("alice", posix, RoleOwner)), entitled.Permanent, "schema")

	bad := configFor(srv, map[string]any{"bindPassword": "wrong-Pa55"})
	wrong := newConnector(t, bad)
	wantError(t, "wrong password on grant", wrong.Grant(ctx, grantOf("alice", group, RoleMember)), entitled.Permanent,
		"invalid credentials", slapdtest.ServiceDN)
	wantError(t, "wrong password on check", wrong.Check(ctx), entitled.Permanent, "invalid credentials")
	connectortest.CheckNoSecret(t, wrong.Check(ctx), []string{"wrong-Pa55"})

	noBase := newConnector(t, configFor(srv, map[string]any{"baseDN": "dc=missing,dc=org"}))
	wantError(t, "missing baseDN", noBase.Check(ctx), entitled.Permanent, "config.baseDN", "does not exist")
	if err := c.Check(ctx); err != nil {
		t.Fatalf("check: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	srv := slapdtest.Start(t)
	gon := srv.AddGroupOfNames(t, "staff")
	posix := srv.AddPosixGroup(t, "devs", 7002)
	c := newConnector(t, configFor(srv, nil))
	info, err := c.Describe(ctx, gon)
	if err != nil {
		t.Fatal(err)
	}
	roles := func(info entitled.ResourceInfo) []string {
		var out []string
		for _, r := range info.Roles {
			out = append(out, r.OriginID)
		}
		return out
	}
	if info.OriginID != gon || info.DisplayName != "staff" || info.Description != "test group staff" ||
		!slices.Equal(roles(info), []string{RoleMember, RoleOwner}) {
		t.Fatalf("Describe(groupOfNames) = %+v", info)
	}
	pc := newConnector(t, configFor(srv, map[string]any{"memberAttribute": "memberUid"}))
	if info, err := pc.Describe(ctx, posix); err != nil || !slices.Equal(roles(info), []string{RoleMember}) {
		t.Fatalf("Describe(posixGroup) = %+v, %v", info, err)
	}
	wantError(t, "not a group for this config", mustErr(c.Describe(ctx, posix)), entitled.Permanent, "config.groupFilter")
	wantError(t, "missing group", mustErr(c.Describe(ctx, "cn=nope,"+slapdtest.GroupsDN)), entitled.Permanent, "does not exist")
	var e *entitled.Error
	if _, err := c.Describe(ctx, "not a dn"); !errors.As(err, &e) || e.Kind != entitled.KindInvalid {
		t.Fatalf("Describe(not a dn): %v, want 400", err)
	}
}

func mustErr(_ entitled.ResourceInfo, err error) error { return err }

// TestListAfterGracefulRestart: connections closed by a graceful restart
// are replaced for listing too. (The conformance suite's
// ServerRestartRecovers checks the first grant after a crash.)
func TestListAfterGracefulRestart(t *testing.T) {
	srv := slapdtest.Start(t)
	srv.AddGroupOfNames(t, "staff")
	c := newConnector(t, configFor(srv, nil))
	if _, err := c.ListResources(ctx, "", "", 10); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	srv.Restart(t)
	if _, err := c.ListResources(ctx, "", "", 10); err != nil {
		t.Fatalf("first list after a graceful restart: %v", err)
	}
}

// TestUnresponsiveServerTimesOut points the connector at a TCP listener
// that accepts and never answers: the configured timeout turns the hang
// into a transient error.
func TestUnresponsiveServerTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	cfg := map[string]any{"url": "ldap://" + l.Addr().String(), "bindDN": slapdtest.ServiceDN,
		"bindPassword": slapdtest.ServicePassword, "baseDN": slapdtest.BaseDN, "timeout": "300ms"}
	c := newConnector(t, cfg)
	wantError(t, "grant to a hung server", c.Grant(ctx, grantOf("alice", "cn=staff,"+slapdtest.GroupsDN, RoleMember)),
		entitled.Transient, l.Addr().String())
	wantError(t, "check of a hung server", c.Check(ctx), entitled.Transient)
}

// TestConcurrentGrantsShareThePool runs more concurrent grants than
// maxConnections allows; all succeed and the pool keeps at most
// maxConnections connections.
func TestConcurrentGrantsShareThePool(t *testing.T) {
	srv := slapdtest.Start(t)
	uids := srv.AddUsers(t, "p", 24)
	group := srv.AddGroupOfNames(t, "staff")
	c := newConnector(t, configFor(srv, map[string]any{"maxConnections": float64(3)}))
	var wg sync.WaitGroup
	errs := make([]error, len(uids))
	for i, u := range uids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Grant(ctx, grantOf(u, group, RoleMember))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("grant %d: %v", i, err)
		}
	}
	if n := len(srv.Values(t, group, "member")); n != len(uids)+1 {
		t.Fatalf("%d members, want %d", n, len(uids)+1)
	}
	c.pool.mu.Lock()
	idle := len(c.pool.idle)
	c.pool.mu.Unlock()
	if idle > 3 {
		t.Fatalf("%d idle connections for maxConnections 3", idle)
	}
}

// The registry closes connectors that hold pools through io.Closer.
var _ io.Closer = (*Connector)(nil)
