package ldap

import (
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/slapdtest"
)

// subject returns the entitled subject of the directory user uid.
func subject(uid string) entitled.Subject {
	return entitled.Subject{ID: "id-" + uid, ObjectID: "id-" + uid, DisplayName: uid,
		PrincipalName: uid + "@example.org", Email: uid + "@example.org", SubjectType: "user"}
}

// grantOf is a grant of role on group to the user uid.
func grantOf(uid, group, role string) entitled.Grant {
	return entitled.Grant{Subject: subject(uid), Resource: entitled.ResourceRef{OriginID: group, DisplayName: group},
		Role: entitled.ResourceRoleRef{OriginID: role, DisplayName: role}}
}

// configFor is a config binding as the service account of srv, plus extra.
func configFor(srv *slapdtest.Server, extra map[string]any) map[string]any {
	cfg := map[string]any{"url": srv.URL, "bindDN": slapdtest.ServiceDN, "bindPassword": slapdtest.ServicePassword,
		"baseDN": slapdtest.BaseDN, "timeout": "5s"}
	for k, v := range extra {
		cfg[k] = v
	}
	return cfg
}

// newConnector builds a connector through the kind, as the registry does.
func newConnector(t testing.TB, config map[string]any) *Connector {
	t.Helper()
	k := NewKind()
	if err := k.Validate(config); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c, err := k.New(&entitled.ConnectedSystem{ID: "sys", Name: "corp-ldap", Kind: KindName, Config: config})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.(*Connector).Close() })
	return c.(*Connector)
}

// secrets are strings no error may contain.
var secrets = []string{slapdtest.ServicePassword, slapdtest.RootPassword}
