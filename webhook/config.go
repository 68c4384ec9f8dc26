package webhook

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// Limits and defaults of a webhook system's config.
const (
	DefaultTimeout = 10 * time.Second
	MaxTimeout     = 2 * time.Minute
)

// Config is the parsed config of a webhook connected system.
type Config struct {
	URL     *url.URL
	Secret  string
	Timeout time.Duration
	Roles   []string
}

// configKeys are the keys a webhook config may hold. "secretSet" is what
// entitled.RedactedConfig writes in place of the secret; a client sending a
// read config back unchanged must not be refused for it.
var configKeys = map[string]bool{"url": true, "secret": true, "timeout": true, "roles": true, "secretSet": true}

func invalid(key, format string, args ...any) error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "config." + key,
		Message: fmt.Sprintf(format, args...)}
}

// ParseConfig checks a webhook config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key.
func ParseConfig(config map[string]any) (*Config, error) {
	var unknown []string
	for k := range config {
		if !configKeys[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, invalid(unknown[0], "unknown webhook config key %q; the keys are url, secret, timeout and roles", unknown[0])
	}
	c := &Config{Timeout: DefaultTimeout, Roles: []string{"Member"}}

	raw, ok := config["url"]
	if !ok || raw == nil {
		return nil, invalid("url", "config.url is required: the http or https address that receives grant and revoke calls")
	}
	s, ok := raw.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return nil, invalid("url", "config.url must be a non-empty string such as \"https://hr.example.com/entitled\"")
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalid("url", "config.url must be an absolute http or https URL such as \"https://hr.example.com/entitled\"")
	}
	c.URL = u

	if raw, ok := config["secret"]; ok && raw != nil {
		s, ok := raw.(string)
		if !ok {
			return nil, invalid("secret", "config.secret must be a string")
		}
		c.Secret = s
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
				return nil, invalid("roles", "config.roles must be a list of role names such as [\"Member\", \"Owner\"]")
			}
		}
		if len(list) == 0 {
			return nil, invalid("roles", "config.roles must name at least one role")
		}
		seen := map[string]bool{}
		c.Roles = nil
		for _, v := range list {
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, invalid("roles", "config.roles must hold non-empty strings")
			}
			if seen[s] {
				return nil, invalid("roles", "config.roles names %q twice", s)
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
