package connectors_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

type sample struct {
	Name  *string `json:"name" invalid:"must be a string"`
	On    bool    `json:"on" invalid:"must be true or false"`
	Count *int    `json:"count" invalid:"must be a whole number"`
	Any   any     `json:"any"`
	skip  string
}

func TestDecode(t *testing.T) {
	var s sample
	if err := connectors.Decode("sample", map[string]any{"name": "x", "on": true, "count": 3, "any": "10s", "secretSet": true}, []string{"secret"}, &s); err != nil {
		t.Fatal(err)
	}
	if *s.Name != "x" || !s.On || *s.Count != 3 || s.Any != "10s" {
		t.Fatalf("decoded %+v", s)
	}
	s = sample{}
	if err := connectors.Decode("sample", map[string]any{"name": nil}, nil, &s); err != nil || s.Name != nil || s.Count != nil {
		t.Fatalf("null decoded to %+v, %v; want nil fields", s, err)
	}
	for _, tc := range []struct {
		config map[string]any
		target string
		msg    string
	}{
		{map[string]any{"name": 3.0}, "config.name", "config.name must be a string"},
		{map[string]any{"on": "yes"}, "config.on", "config.on must be true or false"},
		{map[string]any{"count": 1.5}, "config.count", "config.count must be a whole number"},
		{map[string]any{"count": math.NaN()}, "config.count", "config.count must be a whole number"},
		{map[string]any{"Name": "x"}, "config.Name", `unknown sample config key "Name"; the keys are name, on, count, any`},
	} {
		err := connectors.Decode("sample", tc.config, nil, &sample{})
		var e *entitled.Error
		if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Target != tc.target || e.Message != tc.msg {
			t.Errorf("%v: %v, want 400 on %s: %s", tc.config, err, tc.target, tc.msg)
		}
	}
}

func TestKeys(t *testing.T) {
	if got := connectors.Keys(&sample{}); !slices.Equal(got, []string{"name", "on", "count", "any"}) {
		t.Fatalf("Keys = %v", got)
	}
}
