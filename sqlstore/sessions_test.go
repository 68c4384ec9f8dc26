package sqlstore

import (
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestLoginLinksAndSessions: a sign-in link works once and only before it
// expires; sessions expire and end; only administrators create links.
func TestLoginLinksAndSessions(t *testing.T) {
	s, sys, clock := newTestStoreAt(t, time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC))
	alice := mustUser(t, s, sys, "alice@example.com")
	bob := mustUser(t, s, sys, "bob@example.com")

	_, _, err := s.Sessions.CreateLoginLink(asUser(sys, s, t, alice.ID), "bob@example.com", time.Minute)
	wantKind(t, err, entitled.KindForbidden)
	_, _, err = s.Sessions.CreateLoginLink(sys, "alice@example.com", 0)
	wantKind(t, err, entitled.KindInvalid)
	_, _, err = s.Sessions.CreateLoginLink(sys, "nobody@example.com", time.Minute)
	wantKind(t, err, entitled.KindNotFound)

	secret, exp, err := s.Sessions.CreateLoginLink(sys, "alice@example.com", 15*time.Minute)
	mustOK(t, err)
	if !exp.Equal(clock.now.Add(15 * time.Minute)) {
		t.Errorf("expires %s, want %s", exp, clock.now.Add(15*time.Minute))
	}
	var stored string
	mustOK(t, s.db.tQueryRow(`SELECT hash FROM ui_login_links`).Scan(&stored))
	if stored != hashToken(secret) {
		t.Errorf("stored %q, want the hash of the secret", stored)
	}

	session, uid, err := s.Sessions.RedeemLoginLink(sys, secret, time.Hour)
	mustOK(t, err)
	if uid != alice.ID || session == "" || session == secret {
		t.Fatalf("redeem: user %q session %q", uid, session)
	}
	_, _, err = s.Sessions.RedeemLoginLink(sys, secret, time.Hour)
	wantKind(t, err, entitled.KindUnauthorized)
	_, _, err = s.Sessions.RedeemLoginLink(sys, "", time.Hour)
	wantKind(t, err, entitled.KindUnauthorized)

	got, err := s.Sessions.SessionUser(sys, session)
	mustOK(t, err)
	if got != alice.ID {
		t.Errorf("session user %s, want %s", got, alice.ID)
	}
	_, err = s.Sessions.SessionUser(sys, secret)
	wantKind(t, err, entitled.KindUnauthorized)

	// Expiry of links and sessions.
	late, _, err := s.Sessions.CreateLoginLink(sys, "bob@example.com", 15*time.Minute)
	mustOK(t, err)
	clock.Advance(15 * time.Minute)
	_, _, err = s.Sessions.RedeemLoginLink(sys, late, time.Hour)
	wantKind(t, err, entitled.KindUnauthorized)
	clock.Advance(45 * time.Minute)
	_, err = s.Sessions.SessionUser(sys, session)
	wantKind(t, err, entitled.KindUnauthorized)

	// Sign-out ends a session at once; a disabled account cannot sign in.
	fresh, _, err := s.Sessions.CreateLoginLink(sys, "bob@example.com", time.Minute)
	mustOK(t, err)
	bobSession, _, err := s.Sessions.RedeemLoginLink(sys, fresh, time.Hour)
	mustOK(t, err)
	mustOK(t, s.Sessions.EndSession(sys, bobSession))
	_, err = s.Sessions.SessionUser(sys, bobSession)
	wantKind(t, err, entitled.KindUnauthorized)
	link, _, err := s.Sessions.CreateLoginLink(sys, "bob@example.com", time.Minute)
	mustOK(t, err)
	off := false
	_, err = s.Users.UpdateUser(sys, bob.ID, entitled.UserUpdate{AccountEnabled: &off})
	mustOK(t, err)
	_, _, err = s.Sessions.RedeemLoginLink(sys, link, time.Hour)
	wantKind(t, err, entitled.KindUnauthorized)
	_, _, err = s.Sessions.CreateLoginLink(sys, "bob@example.com", time.Minute)
	wantKind(t, err, entitled.KindInvalid)
}

// TestLoginLinkRedeemedOnceConcurrently: of several concurrent uses of one
// link exactly one starts a session.
func TestLoginLinkRedeemedOnceConcurrently(t *testing.T) {
	s, sys := newTestStore(t)
	mustUser(t, s, sys, "alice@example.com")
	secret, _, err := s.Sessions.CreateLoginLink(sys, "alice@example.com", time.Minute)
	mustOK(t, err)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = s.Sessions.RedeemLoginLink(sys, secret, time.Hour)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if entitled.ErrorKind(err) != entitled.KindUnauthorized {
			t.Errorf("a losing redemption failed with %v, want 401", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d redemptions succeeded, want exactly 1", ok)
	}
	var sessions int
	mustOK(t, s.db.tQueryRow(`SELECT COUNT(*) FROM ui_sessions`).Scan(&sessions))
	if sessions != 1 {
		t.Errorf("%d sessions, want 1", sessions)
	}
}

// TestRequestablePolicies lists only the policies the caller may request
// under.
func TestRequestablePolicies(t *testing.T) {
	s, sys := newTestStore(t)
	alice := mustUser(t, s, sys, "alice@example.com")
	bob := mustUser(t, s, sys, "bob@example.com")
	c := &entitled.Catalog{DisplayName: "Apps", State: "published"}
	mustOK(t, s.Catalogs.CreateCatalog(sys, c))
	p := &entitled.AccessPackage{CatalogID: c.ID, DisplayName: "CRM"}
	mustOK(t, s.AccessPackages.CreateAccessPackage(sys, p))
	everyone := &entitled.AssignmentPolicy{AccessPackageID: p.ID, DisplayName: "Everyone", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true}}
	onlyBob := &entitled.AssignmentPolicy{AccessPackageID: p.ID, DisplayName: "Bob only", AllowedTargetScope: entitled.ScopeSpecificDirectoryUsers,
		SpecificAllowedTargets: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: bob.ID}},
		RequestorSettings:      entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true}}
	adminOnly := &entitled.AssignmentPolicy{AccessPackageID: p.ID, DisplayName: "Direct", AllowedTargetScope: entitled.ScopeNotSpecified}
	for _, pol := range []*entitled.AssignmentPolicy{everyone, onlyBob, adminOnly} {
		mustOK(t, s.Policies.CreatePolicy(sys, pol))
	}
	names := func(userID string) []string {
		t.Helper()
		pols, err := s.Policies.RequestablePolicies(asUser(sys, s, t, userID), p.ID)
		mustOK(t, err)
		var out []string
		for _, pol := range pols {
			out = append(out, pol.DisplayName)
		}
		return out
	}
	if got := names(alice.ID); len(got) != 1 || got[0] != "Everyone" {
		t.Errorf("alice may request under %v, want [Everyone]", got)
	}
	if got := names(bob.ID); len(got) != 2 {
		t.Errorf("bob may request under %v, want Everyone and Bob only", got)
	}
	_, err := s.Policies.RequestablePolicies(asUser(sys, s, t, alice.ID), "no-such-package")
	wantKind(t, err, entitled.KindNotFound)
}

// TestLoginLinkForAdministrator: an Identity Governance Administrator may
// create a sign-in link for an ordinary user, not for a Global
// Administrator (it would sign them in as that administrator).
func TestLoginLinkForAdministrator(t *testing.T) {
	s, sys := newTestStore(t)
	ga, err := s.Admin.EnsureAdmin(sys, "ga@example.com", "GA")
	mustOK(t, err)
	iga := mustUser(t, s, sys, "iga@example.com")
	mustOK(t, s.Roles.CreateRoleAssignment(sys, true, &entitled.RoleAssignment{PrincipalID: iga.ID,
		RoleDefinitionID: entitled.RoleIdentityGovernanceAdministrator}))
	mustUser(t, s, sys, "plain@example.com")
	_, _, err = s.Sessions.CreateLoginLink(asUser(sys, s, t, iga.ID), "ga@example.com", time.Minute)
	wantKind(t, err, entitled.KindForbidden)
	_, _, err = s.Sessions.CreateLoginLink(asUser(sys, s, t, iga.ID), "plain@example.com", time.Minute)
	mustOK(t, err)
	_, _, err = s.Sessions.CreateLoginLink(asUser(sys, s, t, ga.ID), "iga@example.com", time.Minute)
	mustOK(t, err)
}
