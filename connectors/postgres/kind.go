// Package postgres is the connector kind for PostgreSQL servers: its
// resources are roles (from pg_roles, narrowed by config.roleFilter), and
// granting a resource's Member role runs GRANT role TO user, revoking it
// REVOKE role FROM user. The user is the subject's role, named by
// config.userTemplate.
//
// Config keys: dsn (required, write-only), roleFilter (see RoleFilter),
// userTemplate (see UserTemplate; default "{{localpart}}"), lowercase
// (default true), maxConnections (pool size, default 4) and connectTimeout
// (default 10s). The DSN's own pool_max_conns and connect_timeout are
// overridden by maxConnections and connectTimeout.
//
// Every statement quotes its identifiers (pgx.Identifier.Sanitize); no SQL
// is built from input otherwise. Errors never contain the DSN, its password,
// host or user.
package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// KindName is the kind's name as written in the API.
const KindName = "postgres"

// RoleMember is the one role of every PostgreSQL role resource.
const RoleMember = "Member"

// NewKind returns the postgres connector kind; config.dsn is write-only.
// Each connector has its own connection pool; the pool connects lazily, so
// building one succeeds while the server is down. Close the connector to
// close the pool (idle connections also close by themselves after 5 minutes).
func NewKind() entitled.ConnectorKind {
	return connectors.Kind[*Config]{KindName: KindName, Secrets: []string{"dsn"}, Parse: ParseConfig,
		Build: func(cfg *Config) (entitled.Connector, error) { return New(cfg) }}
}

// New returns a connector for a parsed config.
func New(cfg *Config) (*Connector, error) {
	pc := cfg.pool.Copy()
	pc.MaxConns = int32(cfg.MaxConnections)
	pc.MinConns = 0
	pc.MaxConnIdleTime = 5 * time.Minute
	pc.HealthCheckPeriod = time.Minute
	pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	if pc.ConnConfig.RuntimeParams == nil {
		pc.ConnConfig.RuntimeParams = map[string]string{}
	}
	if pc.ConnConfig.RuntimeParams["application_name"] == "" {
		pc.ConnConfig.RuntimeParams["application_name"] = "entitled"
	}
	c := &Connector{cfg: cfg, scrub: newScrubber(cfg.DSN, &pc.ConnConfig.Config)}
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return nil, entitled.PermanentErrorf("config.dsn cannot be used: %s", c.scrub.cleanAll(err.Error()))
	}
	c.pool = pool
	return c, nil
}

// Connector grants and revokes PostgreSQL role memberships on one server.
type Connector struct {
	cfg   *Config
	pool  *pgxpool.Pool
	scrub scrubber
}

var (
	_ entitled.BatchConnector = (*Connector)(nil)
	_ entitled.ResourceLister = (*Connector)(nil)
	_ entitled.Checker        = (*Connector)(nil)
)

// Close closes the connection pool.
func (c *Connector) Close() error {
	c.pool.Close()
	return nil
}
