package webhook

import (
	"net/url"
	"strings"
	"time"

	"github.com/entitled-dev/entitled/connectors"

	"github.com/entitled-dev/entitled/internal/stdwebhook"
)

// Limits and defaults of a webhook system's config.
const (
	DefaultTimeout = 10 * time.Second
	MaxTimeout     = 2 * time.Minute
)

// RoleMember is the role of a webhook resource when config.roles is not set.
const RoleMember = "Member"

// Config is the parsed config of a webhook connected system.
type Config struct {
	URL    *url.URL
	Secret string
	// Key is the HMAC key of Secret (see stdwebhook.SigningKey).
	Key     []byte
	Timeout time.Duration
	Roles   []string
}

// settings is a webhook config as written: one field per key, decoded by
// connectors.Decode; Validate checks it and fills in the defaults.
type settings struct {
	URL    *string `json:"url" invalid:"must be a non-empty string such as \"https://hr.example.com/entitled\""`
	Secret *string `json:"secret" invalid:"must be a string"`
	// Timeout is a duration string or a number of seconds.
	Timeout any `json:"timeout"`
	// Roles is a list of role names; its items are checked by Validate.
	Roles *[]any `json:"roles" invalid:"must be a list of role names such as [\"Member\", \"Owner\"]"`
}

// ParseConfig checks a webhook config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key.
func ParseConfig(config map[string]any) (*Config, error) {
	return connectors.Parse[*Config](KindName, config, []string{"secret"}, &settings{})
}

// Validate checks the settings and returns the config they make, with the
// defaults filled in.
func (s *settings) Validate() (*Config, error) {
	c := &Config{Timeout: DefaultTimeout, Roles: []string{RoleMember}}

	u, err := connectors.ConfigHTTPURL("url", s.URL, "the http or https address that receives grant and revoke calls",
		"https://hr.example.com/entitled")
	if err != nil {
		return nil, err
	}
	c.URL = u

	if s.Secret != nil {
		key, err := stdwebhook.SigningKey(*s.Secret)
		if err != nil {
			return nil, connectors.ConfigError("secret", "config.secret starts with whsec_ but %v; write whsec_ and the base64 of the key (such as the output of \"openssl rand -base64 32\"), or a secret without that prefix", err)
		}
		c.Secret, c.Key = *s.Secret, key
	}

	if s.Timeout != nil {
		if c.Timeout, err = connectors.ConfigDuration("timeout", s.Timeout, MaxTimeout); err != nil {
			return nil, err
		}
	}

	if s.Roles != nil {
		list := *s.Roles
		if len(list) == 0 {
			return nil, connectors.ConfigError("roles", "config.roles must name at least one role")
		}
		seen := map[string]bool{}
		c.Roles = nil
		for _, v := range list {
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, connectors.ConfigError("roles", "config.roles must hold non-empty strings")
			}
			if seen[s] {
				return nil, connectors.ConfigError("roles", "config.roles names %q twice", s)
			}
			seen[s] = true
			c.Roles = append(c.Roles, s)
		}
	}
	return c, nil
}
