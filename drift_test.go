package entitled

import (
	"reflect"
	"testing"
	"time"
)

func TestParseReconcileConfig(t *testing.T) {
	cases := []struct {
		name   string
		in     any
		want   ReconcileConfig
		target string
	}{
		{"absent", nil, DefaultReconcileConfig, ""},
		{"empty", map[string]any{}, DefaultReconcileConfig, ""},
		{"all", map[string]any{"interval": "PT30M", "missing": "report", "unmanaged": "remove"},
			ReconcileConfig{Interval: 30 * time.Minute, Missing: "report", Unmanaged: "remove"}, ""},
		{"off", map[string]any{"interval": "off"}, ReconcileConfig{Missing: "repair", Unmanaged: "report"}, ""},
		{"not an object", "PT6H", ReconcileConfig{}, "config.reconcile"},
		{"bad interval", map[string]any{"interval": "6h"}, ReconcileConfig{}, "config.reconcile.interval"},
		{"too short", map[string]any{"interval": "PT10S"}, ReconcileConfig{}, "config.reconcile.interval"},
		{"number interval", map[string]any{"interval": 60.0}, ReconcileConfig{}, "config.reconcile.interval"},
		{"missing remove", map[string]any{"missing": "remove"}, ReconcileConfig{}, "config.reconcile.missing"},
		{"unmanaged repair", map[string]any{"unmanaged": "repair"}, ReconcileConfig{}, "config.reconcile.unmanaged"},
		{"unknown key", map[string]any{"every": "PT1H"}, ReconcileConfig{}, "config.reconcile.every"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseReconcileConfig(c.in)
			if c.target != "" {
				e := AsError(err)
				if err == nil || e.Kind != KindInvalid || e.Target != c.target {
					t.Fatalf("err = %v, want a 400 on %s", err, c.target)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestDriftActionFor(t *testing.T) {
	cases := []struct {
		missing, unmanaged string
		kind               DriftKind
		want               DriftAction
	}{
		{"repair", "report", DriftMissing, DriftRepaired},
		{"report", "report", DriftMissing, DriftReported},
		{"repair", "report", DriftUnmanaged, DriftReported},
		{"repair", "remove", DriftUnmanaged, DriftRemoved},
		{"report", "remove", DriftMissing, DriftReported},
	}
	for _, c := range cases {
		got := DriftActionFor(ReconcileConfig{Missing: c.missing, Unmanaged: c.unmanaged}, c.kind)
		if got != c.want {
			t.Errorf("missing=%s unmanaged=%s %s: got %s, want %s", c.missing, c.unmanaged, c.kind, got, c.want)
		}
	}
}

func TestCompareMembers(t *testing.T) {
	m := func(keys ...string) []ManagedMember {
		out := make([]ManagedMember, len(keys))
		for i, k := range keys {
			out[i] = ManagedMember{Key: k, UserID: "u-" + k}
		}
		return out
	}
	cases := []struct {
		name          string
		managed       []ManagedMember
		target        []string
		wantMissing   []ManagedMember
		wantUnmanaged []string
	}{
		{"in sync", m("a", "b"), []string{"b", "a"}, nil, nil},
		{"both empty", nil, nil, nil, nil},
		{"one missing", m("a", "b"), []string{"a"}, m("b"), nil},
		{"one stranger", m("a"), []string{"a", "x"}, nil, []string{"x"}},
		{"missing and stranger", m("a", "b", "c"), []string{"c", "x", "a", "y"}, m("b"), []string{"x", "y"}},
		{"target empty", m("a", "b"), nil, m("a", "b"), nil},
		{"nothing managed", nil, []string{"x", "x"}, nil, []string{"x"}},
		{"two assignments one key", []ManagedMember{{Key: "a", AssignmentID: "1"}, {Key: "a", AssignmentID: "2"}}, nil,
			[]ManagedMember{{Key: "a", AssignmentID: "1"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			missing, unmanaged := CompareMembers(c.managed, c.target)
			if !reflect.DeepEqual(missing, c.wantMissing) || !reflect.DeepEqual(unmanaged, c.wantUnmanaged) {
				t.Fatalf("got missing %v unmanaged %v; want %v and %v", missing, unmanaged, c.wantMissing, c.wantUnmanaged)
			}
		})
	}
}

func TestAdoptionPackage(t *testing.T) {
	if _, err := AdoptionPackage(nil); ErrorKind(err) != KindInvalid {
		t.Fatalf("no candidate: err = %v, want a 400", err)
	}
	got, err := AdoptionPackage([]AdoptionCandidate{{"p3", "x", 3}, {"p2", "y", 1}, {"p1", "z", 1}})
	if err != nil || got.AccessPackageID != "p1" || got.PolicyID != "z" {
		t.Fatalf("got %+v, %v; want p1 (fewest roles, lowest id)", got, err)
	}
}
