package ldap

import (
	"errors"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

func validConfig() map[string]any {
	return map[string]any{"url": "ldap://ldap.example.org:389", "bindDN": "cn=svc,dc=example,dc=org",
		"bindPassword": "hunter2-secret", "baseDN": "dc=example,dc=org"}
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(validConfig())
	if err != nil {
		t.Fatal(err)
	}
	if c.MemberAttribute != AttrMember || c.GroupFilter != "(objectClass=groupOfNames)" || c.UserFilter != DefaultUserFilter ||
		c.GroupBaseDN != "dc=example,dc=org" || c.UserBaseDN != "dc=example,dc=org" || c.Timeout != DefaultTimeout ||
		c.MaxConnections != DefaultMaxConnections {
		t.Fatalf("defaults: %+v", c)
	}
	cfg := validConfig()
	cfg["memberAttribute"] = "memberuid"
	cfg["maxConnections"] = float64(8)
	cfg["timeout"] = "PT3S"
	cfg["startTLS"] = true
	cfg["bindPasswordSet"] = true // what a client reading the config back sends
	c, err = ParseConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.MemberAttribute != AttrMemberUID || c.GroupFilter != "(objectClass=posixGroup)" || c.MaxConnections != 8 ||
		c.Timeout.Seconds() != 3 || !c.StartTLS {
		t.Fatalf("parsed: %+v", c)
	}
}

func TestParseConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		set  any
		drop bool
	}{
		{key: "url", drop: true},
		{key: "url", set: "http://ldap.example.org"},
		{key: "url", set: "ldap://u:hunter2-secret@ldap.example.org"},
		{key: "url", set: "ldap://ldap.example.org/dc=example,dc=org"},
		{key: "bindDN", set: "not a dn"},
		{key: "bindPassword", drop: true},
		{key: "bindPassword", set: 42},
		{key: "baseDN", drop: true},
		{key: "groupFilter", set: "(objectClass=groupOfNames"},
		{key: "userFilter", set: "(uid={nickname})"},
		{key: "userFilter", set: "(uid=alice)"},
		{key: "userFilter", set: "uid={localPart}"},
		{key: "userDNTemplate", set: "{localPart}"},
		{key: "memberAttribute", set: "members"},
		{key: "uidAttribute", set: "1 bad"},
		{key: "tlsCACert", set: "not pem"},
		{key: "timeout", set: "forever"},
		{key: "timeout", set: "1h"},
		{key: "maxConnections", set: float64(0)},
		{key: "maxConnections", set: 1.5},
		{key: "startTLS", set: "yes"},
		{key: "colour", set: "blue"},
	} {
		cfg := validConfig()
		if tc.drop {
			delete(cfg, tc.key)
		} else {
			cfg[tc.key] = tc.set
		}
		err := NewKind().Validate(cfg)
		var e *entitled.Error
		if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Target != "config."+tc.key || e.Message == "" {
			t.Errorf("%s=%v: %v, want a 400 naming config.%s", tc.key, tc.set, err, tc.key)
			continue
		}
		if strings.Contains(e.Message, "hunter2-secret") {
			t.Errorf("%s: the message %q holds the password", tc.key, e.Message)
		}
	}
	cfg := validConfig()
	cfg["url"] = "ldaps://ldap.example.org"
	cfg["startTLS"] = true
	if err := NewKind().Validate(cfg); err == nil || !strings.Contains(err.Error(), "startTLS") {
		t.Errorf("startTLS with ldaps://: %v", err)
	}
	cfg = validConfig()
	cfg["userFilter"] = "(uid={localPart})"
	cfg["userDNTemplate"] = "uid={localPart},dc=example,dc=org"
	if err := NewKind().Validate(cfg); err == nil {
		t.Error("userFilter and userDNTemplate together were accepted")
	}
}

func TestPasswordIsWriteOnly(t *testing.T) {
	k := NewKind()
	red := entitled.RedactedConfig(k, validConfig())
	if _, ok := red["bindPassword"]; ok || red["bindPasswordSet"] != true {
		t.Fatalf("redacted config %v", red)
	}
	if k.Name() != "ldap" {
		t.Fatalf("kind name %q", k.Name())
	}
}
