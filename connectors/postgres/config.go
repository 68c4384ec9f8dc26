package postgres

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// Limits and defaults of a postgres system's config.
const (
	DefaultMaxConnections = 4
	MaxMaxConnections     = 100
	DefaultConnectTimeout = 10 * time.Second
	MaxConnectTimeout     = 2 * time.Minute
	DefaultUserTemplate   = "{{localpart}}"
)

// Config is the parsed config of a postgres connected system.
type Config struct {
	// DSN is the connection string (write-only: a secret).
	DSN string
	// Filter says which roles are resources.
	Filter *RoleFilter
	// User maps a subject to the PostgreSQL role that receives grants.
	User *UserTemplate
	// MaxConnections bounds the connection pool.
	MaxConnections int
	// ConnectTimeout bounds each connection attempt.
	ConnectTimeout time.Duration

	pool *pgxpool.Config
}

// settings is a postgres config as written: one field per key, decoded by
// connectors.Decode; Validate checks it and fills in the defaults.
type settings struct {
	DSN          *string `json:"dsn" invalid:"is required: a PostgreSQL connection string such as \"postgres://entitled:PASSWORD@db.example.com:5432/postgres\" for a user with CREATEROLE or ADMIN OPTION on the managed roles"`
	RoleFilter   *string `json:"roleFilter" invalid:"must be a string: a LIKE pattern such as \"app\\\\_%\" or a regular expression between slashes such as \"/^app_(read|write)$/\""`
	UserTemplate *string `json:"userTemplate" invalid:"must be a string such as \"{{localpart}}\" or \"{{principalName}}\""`
	Lowercase    *bool   `json:"lowercase" invalid:"must be true (the default: user names are lower-cased) or false"`
	// MaxConnections is a JSON number, checked to be whole and in range.
	MaxConnections *float64 `json:"maxConnections" invalid:"must be a whole number from 1 to 100 (the size of the connection pool)"`
	// ConnectTimeout is a duration string or a number of seconds.
	ConnectTimeout any `json:"connectTimeout"`
}

// ParseConfig checks a postgres config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key. They never repeat the DSN.
func ParseConfig(config map[string]any) (*Config, error) {
	return connectors.Parse[*Config](KindName, config, []string{"dsn"}, &settings{})
}

// Validate checks the settings and returns the config they make, with the
// defaults filled in. Error messages never repeat the DSN.
func (s *settings) Validate() (*Config, error) {
	c := &Config{MaxConnections: DefaultMaxConnections, ConnectTimeout: DefaultConnectTimeout}

	if s.DSN == nil || strings.TrimSpace(*s.DSN) == "" {
		return nil, connectors.ConfigError("dsn", "config.dsn is required: a PostgreSQL connection string such as \"postgres://entitled:PASSWORD@db.example.com:5432/postgres\" for a user with CREATEROLE or ADMIN OPTION on the managed roles")
	}
	pc, err := pgxpool.ParseConfig(*s.DSN)
	if err != nil {
		// pgx's message may quote parts of the DSN: it is not repeated.
		return nil, connectors.ConfigError("dsn", "config.dsn is not a valid PostgreSQL connection string; write a URL such as \"postgres://user:password@host:5432/database\" (percent-encode special characters) or key=value pairs such as \"host=db user=entitled password=… dbname=postgres\"")
	}
	c.DSN = *s.DSN
	c.pool = pc

	if f := s.MaxConnections; f != nil {
		if *f != math.Trunc(*f) || *f < 1 || *f > MaxMaxConnections {
			return nil, connectors.ConfigError("maxConnections", "config.maxConnections must be a whole number from 1 to %d (the size of the connection pool)", MaxMaxConnections)
		}
		c.MaxConnections = int(*f)
	}
	if s.ConnectTimeout != nil {
		d, err := parseDuration(s.ConnectTimeout)
		if err != nil || d <= 0 || d > MaxConnectTimeout {
			return nil, connectors.ConfigError("connectTimeout", "config.connectTimeout must be a duration more than 0 and at most %s, such as \"10s\" or \"PT10S\"", MaxConnectTimeout)
		}
		c.ConnectTimeout = d
	}

	filter := ""
	if s.RoleFilter != nil {
		filter = *s.RoleFilter
	}
	if c.Filter, err = ParseRoleFilter(filter); err != nil {
		return nil, connectors.ConfigError("roleFilter", "%s", err.Error())
	}

	tmpl := DefaultUserTemplate
	if s.UserTemplate != nil {
		tmpl = *s.UserTemplate
	}
	lower := true
	if s.Lowercase != nil {
		lower = *s.Lowercase
	}
	if c.User, err = ParseUserTemplate(tmpl, lower); err != nil {
		return nil, connectors.ConfigError("userTemplate", "%s", err.Error())
	}
	return c, nil
}

// parseDuration accepts "10s", ISO 8601 "PT10S" or a number of seconds.
func parseDuration(raw any) (time.Duration, error) {
	switch v := raw.(type) {
	case string:
		s := strings.TrimSpace(v)
		if strings.HasPrefix(strings.ToUpper(s), "P") {
			return entitled.ParseISODuration(s)
		}
		return time.ParseDuration(s)
	case float64:
		return time.Duration(v * float64(time.Second)), nil
	}
	return 0, fmt.Errorf("not a duration")
}
