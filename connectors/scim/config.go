package scim

import (
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/entitled-dev/entitled/connectors"
)

// Defaults and limits of a scim system's config.
const (
	DefaultTimeout        = 10 * time.Second
	MaxTimeout            = 2 * time.Minute
	DefaultMaxConnections = 4
	MaxMaxConnections     = 64
)

// How a subject is matched to a SCIM User (config.userMatch).
const (
	MatchUserName   = "userName"   // userName eq the subject's principal name
	MatchEmails     = "emails"     // emails.value eq the subject's email
	MatchExternalID = "externalId" // externalId eq the subject's object id
)

// Config is the parsed config of a scim connected system.
type Config struct {
	// BaseURL is the SCIM service provider's base, such as
	// https://app.example.com/scim/v2 (no trailing slash).
	BaseURL *url.URL
	// Token is the bearer token sent in Authorization.
	Token string
	// UserMatch is MatchUserName, MatchEmails or MatchExternalID.
	UserMatch string
	// CreateUsers creates a missing user on grant instead of failing.
	CreateUsers bool
	// Timeout bounds each HTTP request.
	Timeout time.Duration
	// MaxConnections bounds the concurrent requests to the system.
	MaxConnections int
}

// configKeys are the keys a scim config may hold.
var configKeys = []string{"baseURL", "token", "userMatch", "createUsers", "timeout", "maxConnections"}

// ParseConfig checks a scim config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key. Error messages never
// repeat the token.
func ParseConfig(config map[string]any) (*Config, error) {
	if err := connectors.CheckKeys("scim", config, configKeys, []string{"token"}); err != nil {
		return nil, err
	}
	c := &Config{UserMatch: MatchUserName, Timeout: DefaultTimeout, MaxConnections: DefaultMaxConnections}

	raw, ok := config["baseURL"]
	if !ok || raw == nil {
		return nil, connectors.ConfigError("baseURL", "config.baseURL is required: the SCIM 2.0 base address, such as \"https://app.example.com/scim/v2\"")
	}
	s, ok := raw.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return nil, connectors.ConfigError("baseURL", "config.baseURL must be a non-empty string such as \"https://app.example.com/scim/v2\"")
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, connectors.ConfigError("baseURL", "config.baseURL must be an absolute http or https URL such as \"https://app.example.com/scim/v2\"")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, connectors.ConfigError("baseURL", "config.baseURL must not contain credentials, a query or a fragment; put the bearer token in config.token")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c.BaseURL = u

	// The store validates the merged config, which holds the stored token
	// when a client sends back a read config with "tokenSet" only.
	raw, ok = config["token"]
	if !ok || raw == nil {
		return nil, connectors.ConfigError("token", "config.token is required: the bearer token the SCIM service provider issued to entitled")
	}
	tok, ok := raw.(string)
	if !ok || strings.TrimSpace(tok) == "" {
		return nil, connectors.ConfigError("token", "config.token must be a non-empty string: the bearer token the SCIM service provider issued to entitled")
	}
	if strings.ContainsAny(tok, "\r\n") {
		return nil, connectors.ConfigError("token", "config.token must not contain line breaks")
	}
	c.Token = strings.TrimSpace(tok)

	if raw, ok := config["userMatch"]; ok && raw != nil {
		s, _ := raw.(string)
		switch strings.ToLower(s) {
		case "username":
			c.UserMatch = MatchUserName
		case "emails", "email":
			c.UserMatch = MatchEmails
		case "externalid":
			c.UserMatch = MatchExternalID
		default:
			return nil, connectors.ConfigError("userMatch", "config.userMatch must be \"userName\" (matched with the user's principal name), \"emails\" (the user's mail) or \"externalId\" (the user's object id)")
		}
	}

	if raw, ok := config["createUsers"]; ok && raw != nil {
		b, ok := raw.(bool)
		if !ok {
			return nil, connectors.ConfigError("createUsers", "config.createUsers must be true or false")
		}
		c.CreateUsers = b
	}

	if raw, ok := config["timeout"]; ok && raw != nil {
		d, err := parseTimeout(raw)
		if err != nil {
			return nil, err
		}
		c.Timeout = d
	}

	if raw, ok := config["maxConnections"]; ok && raw != nil {
		f, ok := raw.(float64)
		if i, isInt := raw.(int); isInt {
			f, ok = float64(i), true
		}
		if !ok || f != math.Trunc(f) || f < 1 || f > MaxMaxConnections {
			return nil, connectors.ConfigError("maxConnections", "config.maxConnections must be a whole number from 1 to %d", MaxMaxConnections)
		}
		c.MaxConnections = int(f)
	}
	return c, nil
}

func parseTimeout(raw any) (time.Duration, error) {
	return connectors.ConfigDuration("timeout", raw, MaxTimeout)
}
