package connectors

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
)

// Helpers for reading connector configs, shared by the kinds so that the
// same setting is read, and refused, the same way everywhere.

// ConfigError is the 400 error for a bad config value, naming config.key;
// callers add the message key.
//
//i18n:keyed-by-caller
func ConfigError(key, format string, args ...any) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "config." + key,
		Message: fmt.Sprintf(format, args...)}
}

// ConfigDuration reads a duration written "10s", ISO 8601 "PT10S", or a
// number of seconds; it must be more than 0 and at most max.
func ConfigDuration(key string, raw any, max time.Duration) (time.Duration, error) {
	var d time.Duration
	switch v := raw.(type) {
	case string:
		var err error
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(v)), "P") {
			d, err = entitled.ParseISODuration(v)
		} else {
			d, err = time.ParseDuration(strings.TrimSpace(v))
		}
		if err != nil {
			return 0, ConfigError(key, "config.%s %q is not a duration; write \"10s\" or \"PT10S\"", key, v).WithKey("err.config.notDuration", "Key", key, "Value", v)
		}
	case float64:
		d = time.Duration(v * float64(time.Second))
	default:
		return 0, ConfigError(key, "config.%s must be a duration such as \"10s\" or \"PT10S\"", key).WithKey("err.config.wantsDuration", "Key", key)
	}
	if d <= 0 || d > max {
		return 0, ConfigError(key, "config.%s must be more than 0 and at most %s", key, max).WithKey("err.config.durationRange", "Key", key, "Max", max)
	}
	return d, nil
}

// CheckKeys refuses a config holding a key other than keys, naming the first
// unknown one and listing the known ones. The "<secret>Set" markers that
// reads write in place of secrets are accepted, so that a config read back
// can be sent unchanged. Every kind accepts config.reconcile, which the
// store checks (entitled.ParseReconcileConfig).
func CheckKeys(kind string, config map[string]any, keys, secrets []string) error {
	known := map[string]bool{entitled.ReconcileConfigKey: true}
	for _, k := range keys {
		known[k] = true
	}
	for _, s := range secrets {
		known[s+"Set"] = true
	}
	var unknown []string
	for k := range config {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return ConfigError(unknown[0], "unknown %s config key %q; the keys are %s", kind, unknown[0], strings.Join(keys, ", ")).WithKey("err.config.unknownKey", "Kind", kind, "Key", unknown[0], "Keys", strings.Join(keys, ", "))
}

// ConfigLimits reads the limits of a kind that keeps connections of its
// own: config.timeout (rawTimeout, a ConfigDuration of at most maxTimeout)
// into timeout, and config.maxConnections (a whole number from 1 to
// maxConnections) into connections. An unset one leaves its default.
func ConfigLimits(rawTimeout any, rawConnections *int, maxTimeout time.Duration, maxConnections int,
	timeout *time.Duration, connections *int) error {
	if rawTimeout != nil {
		d, err := ConfigDuration("timeout", rawTimeout, maxTimeout)
		if err != nil {
			return err
		}
		*timeout = d
	}
	if n := rawConnections; n != nil {
		if *n < 1 || *n > maxConnections {
			return ConfigError("maxConnections", "config.maxConnections must be a whole number from 1 to %d", maxConnections).WithKey("err.config.maxConnections", "Max", maxConnections)
		}
		*connections = *n
	}
	return nil
}

// ConfigHTTPURL reads config.key, an absolute http or https URL such as
// example; required says what it is when it is missing. Surrounding spaces
// are dropped.
func ConfigHTTPURL(key string, raw *string, required, example string) (*url.URL, error) {
	if raw == nil {
		return nil, ConfigError(key, "config.%s is required: %s", key, required).WithKey("err.config.required", "Key", key, "What", required)
	}
	if strings.TrimSpace(*raw) == "" {
		return nil, ConfigError(key, "config.%s must be a non-empty string such as %q", key, example).WithKey("err.config.wantsString", "Key", key, "Example", example)
	}
	u, err := url.Parse(strings.TrimSpace(*raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, ConfigError(key, "config.%s must be an absolute http or https URL such as %q", key, example).WithKey("err.config.wantsURL", "Key", key, "Example", example)
	}
	return u, nil
}
