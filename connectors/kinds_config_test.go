package connectors_test

import (
	"errors"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/ldap"
	"github.com/entitled-dev/entitled/connectors/postgres"
	"github.com/entitled-dev/entitled/connectors/scim"
)

// TestWrongTypeMessageMatchesRange: a maxConnections of the wrong type gets
// the same message as one out of range, whose bound comes from the kind's
// constant (the invalid tag repeats it as text).
func TestWrongTypeMessageMatchesRange(t *testing.T) {
	for name, parse := range map[string]func(map[string]any) error{
		"ldap": func(extra map[string]any) error {
			c := map[string]any{"url": "ldap://h", "bindDN": "cn=a,dc=b", "bindPassword": "pw", "baseDN": "dc=b"}
			for k, v := range extra {
				c[k] = v
			}
			_, err := ldap.ParseConfig(c)
			return err
		},
		"scim": func(extra map[string]any) error {
			c := map[string]any{"baseURL": "https://h/scim", "token": "t"}
			for k, v := range extra {
				c[k] = v
			}
			_, err := scim.ParseConfig(c)
			return err
		},
		"postgres": func(extra map[string]any) error {
			c := map[string]any{"dsn": "postgres://u:pw@h:5432/db"}
			for k, v := range extra {
				c[k] = v
			}
			_, err := postgres.ParseConfig(c)
			return err
		},
	} {
		var wrong, outOfRange *entitled.Error
		if !errors.As(parse(map[string]any{"maxConnections": "4"}), &wrong) ||
			!errors.As(parse(map[string]any{"maxConnections": 0.0}), &outOfRange) {
			t.Fatalf("%s: maxConnections \"4\" or 0 accepted", name)
		}
		if wrong.Message != outOfRange.Message || wrong.Target != "config.maxConnections" {
			t.Errorf("%s: wrong type %q on %s, out of range %q", name, wrong.Message, wrong.Target, outOfRange.Message)
		}
	}
}
