package ldap

import (
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/slapdtest"
)

// TestTLS grants over ldaps:// and over StartTLS with the server's CA in
// config.tlsCACert; without the CA the certificate is refused permanently.
func TestTLS(t *testing.T) {
	srv := slapdtest.StartTLS(t)
	srv.AddUser(t, "alice")
	group := srv.AddGroupOfNames(t, "staff")
	for name, extra := range map[string]map[string]any{
		"ldaps":    {"url": srv.LDAPSURL, "tlsCACert": srv.CACertPEM},
		"startTLS": {"startTLS": true, "tlsCACert": srv.CACertPEM},
		"insecure": {"url": srv.LDAPSURL, "tlsInsecureSkipVerify": true},
	} {
		t.Run(name, func(t *testing.T) {
			c := newConnector(t, configFor(srv, extra))
			if err := c.Check(ctx); err != nil {
				t.Fatalf("check: %v", err)
			}
			if err := c.Grant(ctx, grantOf("alice", group, RoleMember)); err != nil {
				t.Fatalf("grant: %v", err)
			}
			if !srv.HasValue(t, group, "member", slapdtest.UserDN("alice")) {
				t.Fatal("alice is not a member")
			}
			if err := c.Revoke(ctx, grantOf("alice", group, RoleMember)); err != nil {
				t.Fatalf("revoke: %v", err)
			}
		})
	}
	for name, extra := range map[string]map[string]any{
		"ldaps":    {"url": srv.LDAPSURL},
		"startTLS": {"startTLS": true},
	} {
		t.Run(name+"Untrusted", func(t *testing.T) {
			c := newConnector(t, configFor(srv, extra))
			wantError(t, "check with an untrusted certificate", c.Check(ctx), entitled.Permanent, "not trusted", "config.tlsCACert")
		})
	}
}
