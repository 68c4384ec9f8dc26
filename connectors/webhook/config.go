package webhook

import (
	"net/url"
	"strings"
	"time"

	"github.com/entitled-dev/entitled/connectors"
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
	// Key is the HMAC key of Secret (see SigningKey).
	Key     []byte
	Timeout time.Duration
	Roles   []string
}

// configKeys are the keys a webhook config may hold.
var configKeys = []string{"url", "secret", "timeout", "roles"}

// ParseConfig checks a webhook config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key.
func ParseConfig(config map[string]any) (*Config, error) {
	if err := connectors.CheckKeys("webhook", config, configKeys, []string{"secret"}); err != nil {
		return nil, err
	}
	c := &Config{Timeout: DefaultTimeout, Roles: []string{RoleMember}}

	raw, ok := config["url"]
	if !ok || raw == nil {
		return nil, connectors.ConfigError("url", "config.url is required: the http or https address that receives grant and revoke calls")
	}
	s, ok := raw.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return nil, connectors.ConfigError("url", "config.url must be a non-empty string such as \"https://hr.example.com/entitled\"")
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, connectors.ConfigError("url", "config.url must be an absolute http or https URL such as \"https://hr.example.com/entitled\"")
	}
	c.URL = u

	if raw, ok := config["secret"]; ok && raw != nil {
		s, ok := raw.(string)
		if !ok {
			return nil, connectors.ConfigError("secret", "config.secret must be a string")
		}
		key, err := SigningKey(s)
		if err != nil {
			return nil, connectors.ConfigError("secret", "config.secret starts with whsec_ but %v; write whsec_ and the base64 of the key (such as the output of \"openssl rand -base64 32\"), or a secret without that prefix", err)
		}
		c.Secret, c.Key = s, key
	}

	if raw, ok := config["timeout"]; ok && raw != nil {
		d, err := parseTimeout(raw)
		if err != nil {
			return nil, err
		}
		c.Timeout = d
	}

	if raw, ok := config["roles"]; ok && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			if ss, isStrings := raw.([]string); isStrings {
				for _, s := range ss {
					list = append(list, s)
				}
			} else {
				return nil, connectors.ConfigError("roles", "config.roles must be a list of role names such as [\"Member\", \"Owner\"]")
			}
		}
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

func parseTimeout(raw any) (time.Duration, error) {
	return connectors.ConfigDuration("timeout", raw, MaxTimeout)
}
