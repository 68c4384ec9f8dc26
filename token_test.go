package entitled_test

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestChildExpiry: a minted token expires at the earlier of its requested
// lifetime and its parent's expiry; no expiry only when neither has one.
func TestChildExpiry(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	for _, c := range []struct {
		name   string
		ttl    time.Duration
		parent *time.Time
		want   *time.Time
	}{
		{"no ttl, parent never expires", 0, nil, nil},
		{"ttl, parent never expires", time.Hour, nil, at(time.Hour)},
		{"no ttl, expiring parent", 0, at(time.Hour), at(time.Hour)},
		{"ttl shorter than parent", time.Minute, at(time.Hour), at(time.Minute)},
		{"ttl longer than parent", 48 * time.Hour, at(time.Hour), at(time.Hour)},
		{"ttl equal to parent", time.Hour, at(time.Hour), at(time.Hour)},
	} {
		got := entitled.ChildExpiry(now, c.ttl, c.parent)
		if (got == nil) != (c.want == nil) || (got != nil && !got.Equal(*c.want)) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
