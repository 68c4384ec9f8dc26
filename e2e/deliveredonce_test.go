package e2e

import "testing"

// wantDeliveredOnce checks a run in which a server died while delivering
// (crash or kill, said by what): the target granted 2 deliveries for
// each of users (some possibly sent again, which grants allow, and logged),
// no call overlapped another of the same delivery, and each request's two
// deliveries succeeded, as read through the client clientFor(i) gives for
// the i-th request.
func wantDeliveredOnce(t *testing.T, w *world, users int, what string, requests []string, clientFor func(i int) *client) {
	t.Helper()
	granted := w.target.grantedDeliveries()
	if len(granted) != 2*users {
		t.Errorf("%d distinct deliveries granted, want %d", len(granted), 2*users)
	}
	resent := 0
	for _, n := range granted {
		resent += n - 1
	}
	t.Logf("deliveries sent again after the %s (allowed: grants are idempotent): %d", what, resent)
	if w.target.overlaps != 0 {
		t.Errorf("%d calls overlapped another call of the same delivery", w.target.overlaps)
	}
	for i, id := range requests {
		ds := clientFor(i).must(200, "GET", "/api/v1/assignmentRequests/"+id+"/deliveries", nil).Values()
		if len(ds) != 2 {
			t.Fatalf("request %s has %d deliveries", id, len(ds))
		}
		for _, d := range ds {
			if d["status"] != "succeeded" {
				t.Fatalf("request %s delivery %v", id, d)
			}
		}
	}
}
