package entitled_test

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// MayReprocess: who (OpReprocess in the request's catalog), then not
// delivering, then state and window (CheckReprocess), in that order.
func TestMayReprocess(t *testing.T) {
	done := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	window := entitled.DefaultReprocessWindow
	manager := &entitled.Actor{User: entitled.User{ID: "m"},
		CatalogRoles: map[string][]string{"A": {entitled.RoleAccessPackageAssignmentManager}}}
	reader := &entitled.Actor{User: entitled.User{ID: "r"}, CatalogRoles: map[string][]string{"A": {entitled.RoleCatalogReader}}}
	cases := []struct {
		name    string
		a       *entitled.Actor
		catalog string
		state   entitled.RequestState
		at      time.Time
		kind    entitled.Kind // KindInternal (0, never expected here): allowed
		code    string
	}{
		{"manager, failed, in window", manager, "A", entitled.StateDeliveryFailed, done.Add(time.Hour), 0, ""},
		{"manager, partial, in window", manager, "A", entitled.StatePartiallyDelivered, done.Add(time.Hour), 0, ""},
		{"system", entitled.SystemActor, "B", entitled.StateDeliveryFailed, done.Add(time.Hour), 0, ""},
		{"manager of another catalog", manager, "B", entitled.StateDeliveryFailed, done.Add(time.Hour), entitled.KindForbidden, entitled.CodeForbidden},
		{"reader", reader, "A", entitled.StateDeliveryFailed, done.Add(time.Hour), entitled.KindForbidden, entitled.CodeForbidden},
		{"nobody", nil, "A", entitled.StateDeliveryFailed, done.Add(time.Hour), entitled.KindUnauthorized, entitled.CodeUnauthorized},
		{"forbidden before state", manager, "B", entitled.StateDelivered, done.Add(time.Hour), entitled.KindForbidden, entitled.CodeForbidden},
		{"delivering", manager, "A", entitled.StateDelivering, done.Add(time.Hour), entitled.KindConflict, ""},
		{"delivered", manager, "A", entitled.StateDelivered, done.Add(time.Hour), entitled.KindInvalid, entitled.CodeNotReprocessable},
		{"window passed", manager, "A", entitled.StateDeliveryFailed, done.Add(window + time.Second), entitled.KindInvalid, entitled.CodeReprocessWindowPassed},
	}
	for _, c := range cases {
		r := &entitled.AssignmentRequest{ID: "r1", CatalogID: c.catalog, State: c.state, CompletedDateTime: &done}
		err := entitled.MayReprocess(c.a, r, c.at, window)
		if c.kind == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e := entitled.AsError(err)
		if err == nil || e.Kind != c.kind || (c.code != "" && e.Code != c.code) {
			t.Errorf("%s: %v, want kind %v code %q", c.name, err, c.kind, c.code)
		}
	}
}
