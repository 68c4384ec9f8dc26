package ldap

import (
	goldap "github.com/go-ldap/ldap/v3"
)

// The connector manages only groups strictly below config.groupBaseDN
// (config.baseDN when groupBaseDN is not set): a resource, a grant or a
// revoke naming any other DN is refused, so that a catalog owner cannot
// reach cn=domain-admins,ou=system,… through a connector configured for
// ou=groups,…. DNs are compared parsed, RDN by RDN, with attribute types and
// values case-insensitive as LDAP compares them: "cn=x,OU=Groups,dc=example,
// dc=org" is in the scope of "ou=groups,dc=example,dc=org"; "cn=x,ou=groupsX,
// dc=example,dc=org" and "ou=groups,dc=example,dc=org" itself are not.

// scope is the parsed group base DN; nil refuses every DN.
type scope struct{ base *goldap.DN }

// newScope parses the group base DN of a config.
func newScope(cfg *Config) scope {
	base, err := goldap.ParseDN(cfg.GroupBaseDN)
	if err != nil {
		return scope{}
	}
	return scope{base: base}
}

// contains reports whether dn lies strictly below the base.
func (s scope) contains(dn *goldap.DN) bool {
	return s.base != nil && dn != nil && s.base.AncestorOfFold(dn)
}

// containsString is contains for a DN not yet parsed; a DN that does not
// parse is outside.
func (s scope) containsString(dn string) bool {
	parsed, err := goldap.ParseDN(dn)
	return err == nil && s.contains(parsed)
}

// outside is the permanent error for a group DN outside the scope.
func (c *Connector) outside(dn string) error {
	return c.permanentf("LDAP group %s is outside config.groupBaseDN %s; this system manages only groups below it", dn, c.cfg.GroupBaseDN)
}
