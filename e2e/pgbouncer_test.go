package e2e

import (
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled/internal/pgbouncertest"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

// TestReplicasBehindPgBouncer runs entitled through PgBouncer in transaction
// mode (three server connections shared by every client connection) with
// pool_mode=transaction: two migrations started at once both succeed (the
// table lock, not a session lock, keeps them apart), and two replicas
// deliver 60 requests sent to both at once, each delivery granted once.
func TestReplicasBehindPgBouncer(t *testing.T) {
	const users, replicas = 60, 2
	pg := pgtest.Start(t)
	pg.CreateDatabase("entitled")
	bouncer := pgbouncertest.Start(t, pg, pgbouncertest.Options{})
	db := bouncer.DSN("entitled") + "&pool_mode=transaction"

	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = exec.Command(binary, "migrate", "--db", db).CombinedOutput()
		}()
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("migration %d of 2 started together through PgBouncer: %v\n%s", i+1, errs[i], outs[i])
		}
	}
	var applied, distinct int
	pg.Connect("entitled").QueryRow(t.Context(), `SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).
		Scan(&applied, &distinct)
	if applied == 0 || applied != distinct {
		t.Fatalf("goose_db_version holds %d rows for %d versions: a migration ran twice or none ran", applied, distinct)
	}

	rw := newReplicaWorldOn(t, pg, db, replicas, []string{"--workers", "8"}, nil, "")
	w := rw.world
	_, requests := rw.assignSpread("pooled", users)
	waitFor(t, 120*time.Second, "every request delivered through PgBouncer", func() bool {
		r := w.admin.must(200, "GET", em+"/assignmentRequests?$filter="+urlq("state eq 'delivered'")+"&$top=1&$count=true", nil)
		n, _ := r.Body["@odata.count"].(float64)
		return int(n) == users
	})
	wantDeliveredOnce(t, w, users, "pooled", requests, func(i int) *client { return rw.on(w.admin, i%replicas) })
}
