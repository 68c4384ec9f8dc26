package sqlstore

import (
	"context"
	"testing"
	"time"
)

// testClock is a store clock that moves only when a test moves it.
type testClock struct{ now time.Time }

// Now is the clock's time.
func (c *testClock) Now() time.Time { return c.now }

// Advance moves the clock on by d.
func (c *testClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// newTestStoreAt is newTestStore with its clock stopped at start.
func newTestStoreAt(t *testing.T, start time.Time) (*Services, context.Context, *testClock) {
	t.Helper()
	s, sys := newTestStore(t)
	clock := &testClock{now: start}
	s.db.Now = clock.Now
	return s, sys, clock
}
