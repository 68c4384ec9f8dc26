package scim

import (
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

// settings is a scim config as written: one field per key, decoded by
// connectors.Decode; Validate checks it and fills in the defaults.
type settings struct {
	BaseURL     *string `json:"baseURL" invalid:"must be a non-empty string such as \"https://app.example.com/scim/v2\""`
	Token       *string `json:"token" invalid:"must be a non-empty string: the bearer token the SCIM service provider issued to entitled"`
	UserMatch   *string `json:"userMatch" invalid:"must be \"userName\" (matched with the user's principal name), \"emails\" (the user's mail) or \"externalId\" (the user's object id)"`
	CreateUsers *bool   `json:"createUsers" invalid:"must be true or false"`
	// Timeout is a duration string or a number of seconds.
	Timeout        any  `json:"timeout"`
	MaxConnections *int `json:"maxConnections" invalid:"must be a whole number from 1 to 64"`
}

// ParseConfig checks a scim config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key. Error messages never
// repeat the token.
func ParseConfig(config map[string]any) (*Config, error) {
	return connectors.Parse[*Config](KindName, config, []string{"token"}, &settings{})
}

// Validate checks the settings and returns the config they make, with the
// defaults filled in. Error messages never repeat the token.
func (s *settings) Validate() (*Config, error) {
	c := &Config{UserMatch: MatchUserName, Timeout: DefaultTimeout, MaxConnections: DefaultMaxConnections}

	u, err := connectors.ConfigHTTPURL("baseURL", s.BaseURL, `the SCIM 2.0 base address, such as "https://app.example.com/scim/v2"`,
		"https://app.example.com/scim/v2")
	if err != nil {
		return nil, err
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, connectors.ConfigError("baseURL", "config.baseURL must not contain credentials, a query or a fragment; put the bearer token in config.token")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c.BaseURL = u

	// The store validates the merged config, which holds the stored token
	// when a client sends back a read config with "tokenSet" only.
	if s.Token == nil {
		return nil, connectors.ConfigError("token", "config.token is required: the bearer token the SCIM service provider issued to entitled")
	}
	tok := *s.Token
	if strings.TrimSpace(tok) == "" {
		return nil, connectors.ConfigError("token", "config.token must be a non-empty string: the bearer token the SCIM service provider issued to entitled")
	}
	if strings.ContainsAny(tok, "\r\n") {
		return nil, connectors.ConfigError("token", "config.token must not contain line breaks")
	}
	c.Token = strings.TrimSpace(tok)

	if s.UserMatch != nil {
		switch strings.ToLower(*s.UserMatch) {
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
	if s.CreateUsers != nil {
		c.CreateUsers = *s.CreateUsers
	}
	if err := connectors.ConfigLimits(s.Timeout, s.MaxConnections, MaxTimeout, MaxMaxConnections, &c.Timeout, &c.MaxConnections); err != nil {
		return nil, err
	}
	return c, nil
}
