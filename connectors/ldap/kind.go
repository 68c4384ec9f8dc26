// Package ldap is the connector kind of LDAP directories (OpenLDAP, 389-ds,
// Active Directory's LDAP side): its resources are groups, identified by
// their DN; granting Member adds the user to the group's member attribute
// (member, uniqueMember or memberUid) and granting Owner adds the user's DN
// to owner.
package ldap

import (
	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// KindName is the name of the kind as written in the API.
const KindName = "ldap"

// The roles of an LDAP group.
const (
	RoleMember = "Member"
	RoleOwner  = "Owner"
)

// NewKind returns the ldap kind. config.bindPassword is write-only;
// config.url is masked when read back should it ever carry credentials or
// a query (validation refuses both).
func NewKind() entitled.ConnectorKind {
	return connectors.Kind[*Config]{KindName: KindName, Secrets: []string{"bindPassword"}, URLs: []string{"url"}, Parse: ParseConfig,
		Build: func(cfg *Config) (entitled.Connector, error) { return New(cfg), nil }}
}

// New returns a connector for a parsed config. Its connections are opened
// on first use; Close closes the idle ones.
func New(cfg *Config) *Connector {
	return &Connector{cfg: cfg, pool: newPool(cfg), scope: newScope(cfg)}
}

// Connector grants and revokes group roles in one LDAP directory.
type Connector struct {
	cfg   *Config
	pool  *pool
	scope scope
}

var (
	_ entitled.BatchConnector = (*Connector)(nil)
	_ entitled.ResourceLister = (*Connector)(nil)
	_ entitled.Checker        = (*Connector)(nil)
)

// Close closes the connector's idle connections.
func (c *Connector) Close() error { c.pool.close(); return nil }
