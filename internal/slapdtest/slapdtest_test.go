package slapdtest

import (
	"os"
	"slices"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestStartSeedRestart(t *testing.T) {
	s := Start(t)
	alice := s.AddUser(t, "alice")
	g := s.AddGroupOfNames(t, "staff", alice)
	p := s.AddPosixGroup(t, "devs", 5000, "alice")
	if !s.HasValue(t, g, "member", alice) || s.HasValue(t, g, "member", UserDN("bob")) {
		t.Fatalf("member values of %s: %v", g, s.Values(t, g, "member"))
	}
	if got := s.Values(t, p, "memberUid"); !slices.Equal(got, []string{"alice"}) {
		t.Fatalf("memberUid = %v", got)
	}
	s.Stop()
	s.Stop()
	s.Restart(t)
	if !s.HasValue(t, g, "member", alice) {
		t.Fatal("data lost across a restart")
	}
	s.Delete(t, p)
}

func TestServiceAccountWritesAndKill(t *testing.T) {
	s := Start(t)
	g := s.AddGroupOfNames(t, "ops")
	c, err := ldap.DialURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind(ServiceDN, ServicePassword); err != nil {
		t.Fatalf("service bind: %v", err)
	}
	m := ldap.NewModifyRequest(g, nil)
	m.Add("member", []string{UserDN("zoe")})
	if err := c.Modify(m); err != nil {
		t.Fatalf("service write: %v", err)
	}
	s.Kill()
	s.Restart(t)
	if !s.HasValue(t, g, "member", UserDN("zoe")) {
		t.Fatal("write lost across a kill and restart")
	}
}

func TestMissingBinarySkipsOutsideCI(t *testing.T) {
	if os.Getenv("CI") != "" {
		t.Log("under CI a missing slapd fails the test instead; nothing to check here")
		return
	}
	t.Setenv("SLAPD", "/nonexistent/slapd")
	skipped := false
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Require(t)
	})
	if !skipped {
		t.Fatal("a missing slapd did not skip the test")
	}
}
