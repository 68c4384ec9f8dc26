package entitled_test

import (
	"context"
	"testing"

	"github.com/entitled-dev/entitled"
)

func TestRedactURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://svc:pw@host/path?code=KEY", "https://svc:xxxxx@host/path?code=xxxxx"},
		{"https://TOKEN@host/hook", "https://xxxxx@host/hook"},
		{"https://host/hook?a=1&b=2&a=3", "https://host/hook?a=xxxxx&b=xxxxx&a=xxxxx"},
		{"https://host/hook?SECRETKEY", "https://host/hook?xxxxx"},
		{"https://host/hook#access_token=abc", "https://host/hook#xxxxx"},
		{"https://host:8443/hook", "https://host:8443/hook"},
		{"ldaps://ldap.example.com", "ldaps://ldap.example.com"},
		{"http://h/%zz", "xxxxx"},
	} {
		if got := entitled.RedactURL(c.in); got != c.want {
			t.Errorf("RedactURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// urlKind is a kind with a secret and a URL-valued key.
type urlKind struct{}

func (urlKind) Name() string                  { return "k" }
func (urlKind) SecretFields() []string        { return []string{"secret"} }
func (urlKind) URLFields() []string           { return []string{"url"} }
func (urlKind) Validate(map[string]any) error { return nil }
func (urlKind) New(*entitled.ConnectedSystem) (entitled.Connector, error) {
	return nil, context.Canceled
}

func TestRedactedConfigMasksURLs(t *testing.T) {
	in := map[string]any{"url": "https://svc:pw@host/p?code=KEY", "secret": "s", "other": "https://a:b@c"}
	got := entitled.RedactedConfig(urlKind{}, in)
	if got["url"] != "https://svc:xxxxx@host/p?code=xxxxx" || got["secretSet"] != true || got["secret"] != nil ||
		got["other"] != "https://a:b@c" {
		t.Fatalf("RedactedConfig = %v", got)
	}
	if in["url"] != "https://svc:pw@host/p?code=KEY" {
		t.Fatalf("RedactedConfig changed its input: %v", in)
	}
}

func TestIsMaskedURLEcho(t *testing.T) {
	stored := "https://svc:pw@host/p?code=KEY"
	for _, c := range []struct {
		key  string
		sent any
		want bool
	}{
		{"url", "https://svc:xxxxx@host/p?code=xxxxx", true},
		{"url", stored, false},                                 // the same value: nothing to keep
		{"url", "https://svc:xxxxx@other/p?code=xxxxx", false}, // a new URL, stored as sent
		{"url", "https://svc:pw2@host/p?code=KEY2", false},
		{"other", "https://svc:xxxxx@host/p?code=xxxxx", false}, // not a URL field
		{"url", nil, false},
	} {
		if got := entitled.IsMaskedURLEcho(urlKind{}, c.key, c.sent, stored); got != c.want {
			t.Errorf("IsMaskedURLEcho(%s, %v) = %v, want %v", c.key, c.sent, got, c.want)
		}
	}
	// A stored URL without secrets is its own masked form: sent back, it is
	// simply the same value.
	if entitled.IsMaskedURLEcho(urlKind{}, "url", "https://host/p", "https://host/p") {
		t.Error("an unchanged URL without secrets counts as an echo")
	}
}
