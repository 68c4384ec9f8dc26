package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestCrashMidDelivery kills `entitled serve` with SIGKILL in the middle of
// 1,000 deliveries, starts it again on the same database, and checks that
// every request reaches a final state, every delivery arrived, and no
// delivery was ever sent twice at the same time.
func TestCrashMidDelivery(t *testing.T) {
	const users = 500 // × 2 resources = 1,000 deliveries
	args := []string{"--rescue-after", "3s", "--job-timeout", "2s", "--workers", "20"}
	w := newWorld(t, args, nil, "")
	w.target.delay = 5 * time.Millisecond
	w.target.hold(t, 700) // the rest wait until after the crash, however fast the machine

	ids := make([]string, users)
	for i := range ids {
		u := w.admin.must(201, "POST", "/v1.0/users", map[string]any{
			"userPrincipalName": fmt.Sprintf("crash%04d@example.com", i), "displayName": fmt.Sprintf("Crash %d", i), "accountEnabled": true})
		ids[i] = u.Str("id")
	}
	requests := make([]string, users)
	var mu sync.Mutex
	inLanes(users, 4, func(i int) {
		r := w.admin.do("POST", em+"/assignmentRequests", map[string]any{
			"requestType": "adminAdd",
			"assignment":  map[string]any{"targetId": ids[i], "accessPackageId": w.pkg, "assignmentPolicyId": w.policy}})
		mu.Lock()
		if r.Status == 201 {
			requests[i] = r.Str("id")
		}
		mu.Unlock()
	})
	for i, id := range requests {
		if id == "" {
			t.Fatalf("request %d was not accepted", i)
		}
	}

	waitFor(t, 60*time.Second, "300 grants before the crash", func() bool { return len(w.target.grantedDeliveries()) >= 300 })
	waitFor(t, 60*time.Second, "deliveries waiting at the target", func() bool { return w.target.heldCalls() > 0 })
	w.srv.kill()
	before := len(w.target.grantedDeliveries())
	w.target.release()
	if before >= 2*users {
		t.Fatalf("all deliveries finished before the crash (%d); nothing was tested", before)
	}
	t.Logf("killed with %d of %d deliveries granted", before, 2*users)

	srv := startServer(t, w.db, args...)
	w.admin.base = srv.base
	waitFor(t, 120*time.Second, "every request delivered after restart", func() bool {
		delivered := 0
		next := em + "/assignmentRequests?$filter=" + urlq("state eq 'delivered'") + "&$top=999&$count=true"
		r := w.admin.must(200, "GET", next, nil)
		if c, ok := r.Body["@odata.count"].(float64); ok {
			delivered = int(c)
		}
		return delivered == users
	})
	wantDeliveredOnce(t, w, users, "crash", requests, func(int) *client { return w.admin })
}
