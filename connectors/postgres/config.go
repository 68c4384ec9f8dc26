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

// configKeys are the keys a postgres config may hold.
var configKeys = []string{"dsn", "roleFilter", "userTemplate", "lowercase", "maxConnections", "connectTimeout"}

// ParseConfig checks a postgres config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key. They never repeat the DSN.
func ParseConfig(config map[string]any) (*Config, error) {
	if err := connectors.CheckKeys("postgres", config, configKeys, []string{"dsn"}); err != nil {
		return nil, err
	}
	c := &Config{MaxConnections: DefaultMaxConnections, ConnectTimeout: DefaultConnectTimeout}

	dsn, ok := config["dsn"].(string)
	if !ok || strings.TrimSpace(dsn) == "" {
		return nil, connectors.ConfigError("dsn", "config.dsn is required: a PostgreSQL connection string such as \"postgres://entitled:PASSWORD@db.example.com:5432/postgres\" for a user with CREATEROLE or ADMIN OPTION on the managed roles")
	}
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote parts of the DSN: it is not repeated.
		return nil, connectors.ConfigError("dsn", "config.dsn is not a valid PostgreSQL connection string; write a URL such as \"postgres://user:password@host:5432/database\" (percent-encode special characters) or key=value pairs such as \"host=db user=entitled password=… dbname=postgres\"")
	}
	c.DSN = dsn
	c.pool = pc

	if raw, ok := config["maxConnections"]; ok && raw != nil {
		n, ok := wholeNumber(raw)
		if !ok || n < 1 || n > MaxMaxConnections {
			return nil, connectors.ConfigError("maxConnections", "config.maxConnections must be a whole number from 1 to %d (the size of the connection pool)", MaxMaxConnections)
		}
		c.MaxConnections = n
	}
	if raw, ok := config["connectTimeout"]; ok && raw != nil {
		d, err := parseDuration(raw)
		if err != nil || d <= 0 || d > MaxConnectTimeout {
			return nil, connectors.ConfigError("connectTimeout", "config.connectTimeout must be a duration more than 0 and at most %s, such as \"10s\" or \"PT10S\"", MaxConnectTimeout)
		}
		c.ConnectTimeout = d
	}

	filter := ""
	if raw, ok := config["roleFilter"]; ok && raw != nil {
		s, ok := raw.(string)
		if !ok {
			return nil, connectors.ConfigError("roleFilter", "config.roleFilter must be a string: a LIKE pattern such as \"app\\\\_%%\" or a regular expression between slashes such as \"/^app_(read|write)$/\"")
		}
		filter = s
	}
	if c.Filter, err = ParseRoleFilter(filter); err != nil {
		return nil, connectors.ConfigError("roleFilter", "%s", err.Error())
	}

	tmpl := DefaultUserTemplate
	if raw, ok := config["userTemplate"]; ok && raw != nil {
		s, ok := raw.(string)
		if !ok {
			return nil, connectors.ConfigError("userTemplate", "config.userTemplate must be a string such as \"{{localpart}}\" or \"{{principalName}}\"")
		}
		tmpl = s
	}
	lower := true
	if raw, ok := config["lowercase"]; ok && raw != nil {
		b, ok := raw.(bool)
		if !ok {
			return nil, connectors.ConfigError("lowercase", "config.lowercase must be true (the default: user names are lower-cased) or false")
		}
		lower = b
	}
	if c.User, err = ParseUserTemplate(tmpl, lower); err != nil {
		return nil, connectors.ConfigError("userTemplate", "%s", err.Error())
	}
	return c, nil
}

// wholeNumber accepts JSON numbers (float64) and Go integers.
func wholeNumber(raw any) (int, bool) {
	switch v := raw.(type) {
	case float64:
		if v != math.Trunc(v) || v > math.MaxInt32 || v < math.MinInt32 {
			return 0, false
		}
		return int(v), true
	case int:
		return v, true
	case int64:
		return int(v), true
	}
	return 0, false
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
	case int:
		return time.Duration(v) * time.Second, nil
	}
	return 0, fmt.Errorf("not a duration")
}
