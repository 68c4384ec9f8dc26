package connectors

import "testing"

func TestRedact(t *testing.T) {
	cases := []struct {
		in      string
		secrets []string
		want    string
	}{
		{"bind as cn=x with s3cret-Pa55 failed", []string{"s3cret-Pa55"}, "bind as cn=x with [redacted] failed"},
		{"dc=example,dc=org: invalid credentials", []string{"x"}, "dc=example,dc=org: invalid credentials"},
		{"password x rejected", []string{"x"}, "password [redacted] rejected"},
		{"x", []string{"x"}, "[redacted]"},
		{"dial tcp: connection refused", []string{"t"}, "dial tcp: connection refused"},
		{"postgres://u:longpassword@h/db failed", []string{"longpassword", "postgres://u:longpassword@h/db"}, "[redacted] failed"},
		{"nothing here", []string{""}, "nothing here"},
	}
	for _, c := range cases {
		if got := Redact(c.in, c.secrets...); got != c.want {
			t.Errorf("Redact(%q, %q) = %q, want %q", c.in, c.secrets, got, c.want)
		}
	}
}
