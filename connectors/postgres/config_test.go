package postgres

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

const goodDSN = "postgres://entitled:s3cret-pw@db.example.com:5432/postgres"

func TestConfigDefaults(t *testing.T) {
	c, err := ParseConfig(map[string]any{"dsn": goodDSN, "dsnSet": true})
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxConnections != DefaultMaxConnections || c.ConnectTimeout != DefaultConnectTimeout || c.User.String() != DefaultUserTemplate {
		t.Fatalf("defaults = %+v", c)
	}
	c, err = ParseConfig(map[string]any{"dsn": goodDSN, "maxConnections": float64(12), "connectTimeout": "PT3S", "roleFilter": "/^app_/", "userTemplate": "u_{{objectId}}"})
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxConnections != 12 || c.ConnectTimeout != 3*time.Second {
		t.Fatalf("parsed = %+v", c)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		config map[string]any
		key    string
	}{
		{map[string]any{}, "dsn"},
		{map[string]any{"dsn": ""}, "dsn"},
		{map[string]any{"dsn": 42}, "dsn"},
		{map[string]any{"dsn": "postgres://u:s3cret-pw@h:notaport/db"}, "dsn"},
		{map[string]any{"dsn": goodDSN, "password": "x"}, "password"},
		{map[string]any{"dsn": goodDSN, "maxConnections": float64(0)}, "maxConnections"},
		{map[string]any{"dsn": goodDSN, "maxConnections": float64(101)}, "maxConnections"},
		{map[string]any{"dsn": goodDSN, "maxConnections": 2.5}, "maxConnections"},
		{map[string]any{"dsn": goodDSN, "maxConnections": "4"}, "maxConnections"},
		{map[string]any{"dsn": goodDSN, "connectTimeout": "soon"}, "connectTimeout"},
		{map[string]any{"dsn": goodDSN, "connectTimeout": "1h"}, "connectTimeout"},
		{map[string]any{"dsn": goodDSN, "connectTimeout": float64(-1)}, "connectTimeout"},
		{map[string]any{"dsn": goodDSN, "roleFilter": "/(unclosed/"}, "roleFilter"},
		{map[string]any{"dsn": goodDSN, "roleFilter": `app\`}, "roleFilter"},
		{map[string]any{"dsn": goodDSN, "roleFilter": 7.0}, "roleFilter"},
		{map[string]any{"dsn": goodDSN, "userTemplate": "fixed_user"}, "userTemplate"},
		{map[string]any{"dsn": goodDSN, "userTemplate": "{{upn}}"}, "userTemplate"},
		{map[string]any{"dsn": goodDSN, "userTemplate": "{{localpart"}, "userTemplate"},
		{map[string]any{"dsn": goodDSN, "userTemplate": "localpart}}"}, "userTemplate"},
		{map[string]any{"dsn": goodDSN, "lowercase": "yes"}, "lowercase"},
	} {
		_, err := ParseConfig(tc.config)
		var e *entitled.Error
		if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Target != "config."+tc.key || e.Message == "" {
			t.Errorf("%v: %v, want a 400 naming config.%s", tc.config, err, tc.key)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("%v: error %q repeats the password", tc.config, err)
		}
	}
}

func TestRoleFilter(t *testing.T) {
	for _, tc := range []struct {
		filter, name string
		login, super bool
		want         bool
	}{
		{"", "readers", false, false, true},
		{"", "alice", true, false, false},
		{"", "pg_monitor", false, false, false},
		{"", "admins", false, true, false},
		{`app\_%`, "app_read", true, false, true},
		{`app\_%`, "appXread", false, false, false},
		{`app_%`, "appXread", false, false, true},
		{`app\_%`, "App_read", false, false, false},
		{`%read`, "app_read", false, false, true},
		{`%read`, "app_reader", false, false, false},
		{`a.b`, "aXb", false, false, false},
		{`/^app_(read|write)$/`, "app_write", false, false, true},
		{`/^app_(read|write)$/`, "app_writer", false, false, false},
		{`/read/`, "my_reader", false, false, true},
		{`%`, "root", false, true, false},
	} {
		f, err := ParseRoleFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Match(tc.name, tc.login, tc.super); got != tc.want {
			t.Errorf("filter %q on %q (login %v, super %v) = %v, want %v", tc.filter, tc.name, tc.login, tc.super, got, tc.want)
		}
	}
}

func TestUserTemplate(t *testing.T) {
	s := entitled.Subject{ID: "id1", ObjectID: "OBJ1", PrincipalName: "Jane.Doe@Corp.example", Email: "JD@corp.example"}
	for _, tc := range []struct {
		tmpl  string
		lower bool
		want  string
	}{
		{"{{localpart}}", true, "jane.doe"},
		{"{{principalName}}", true, "jane.doe@corp.example"},
		{"{{principalName}}", false, "Jane.Doe@Corp.example"},
		{"u_{{ objectId }}", false, "u_OBJ1"},
		{"{{email}}", true, "jd@corp.example"},
	} {
		ut, err := ParseUserTemplate(tc.tmpl, tc.lower)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ut.User(s); err != nil || got != tc.want {
			t.Errorf("%q = %q, %v; want %q", tc.tmpl, got, err, tc.want)
		}
	}
}
