package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// seedRequests inserts n requests of a package straight into the database
// in one transaction, spread over 1,000 users: most delivered, every tenth
// failed, 100 pending approval.
func (w *world) seedRequests(pkg, policy string, n int) {
	w.t.Helper()
	ctx := context.Background()
	tx, err := w.db.SQL.BeginTx(ctx, nil)
	w.must(err)
	defer tx.Rollback()
	users := make([]string, 1000)
	now := w.clock.Now().UTC()
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05.000000Z") }
	for i := range users {
		users[i] = uuid.Must(uuid.NewV7()).String()
		upn := fmt.Sprintf("bench%04d-%s@example.com", i, pkg)
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, user_principal_name, upn_key, display_name, mail, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			users[i], upn, upn, fmt.Sprintf("Bench User %d", i), upn, ts(now))
		w.must(err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO assignment_requests (id, request_type, state, status, created_at, completed_at,
		access_package_id, policy_id, catalog_id, target_id, requestor_id) VALUES (?, 'userAdd', ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	w.must(err)
	defer stmt.Close()
	for i := range n {
		state, status, done := "delivered", "Delivered", any(ts(now))
		switch {
		case i < len(users) && i%10 == 5: // one open request per user and package
			state, status, done = "pendingApproval", "PendingApproval", nil
		case i%10 == 0:
			state, status = "deliveryFailed", "DeliveryFailed"
		}
		u := users[i%len(users)]
		_, err := stmt.ExecContext(ctx, uuid.Must(uuid.NewV7()).String(), state, status, ts(now), done, pkg, policy, w.cat, u, u)
		w.must(err)
	}
	w.must(tx.Commit())
}

// BenchmarkRequestsTab100k renders the first page of a package's Requests
// tab (50 rows) with 100,000 requests in the package and 20,000 in another
// one, signed in as a catalog-scoped assignment manager (mia) and as a
// tenant administrator (admin).
func BenchmarkRequestsTab100k(b *testing.B) {
	w := newWorld(b, func(o *options) { o.pageSize = 50 })
	start := time.Now()
	w.seedRequests(w.wiki, w.wikiPolicy, 100_000)
	w.seedRequests(w.crm, w.crmPolicy, 20_000)
	b.Logf("seeded 120,000 requests in %s", time.Since(start).Round(time.Millisecond))
	for _, who := range []string{"mia", "admin"} {
		br := w.signIn(who)
		for _, bc := range []struct{ name, query string }{
			{"all", ""},
			{"deliveryFailed", "?state=deliveryFailed"},
			{"pendingApproval", "?state=pendingApproval"},
			{"canceled-none", "?state=canceled"},
		} {
			b.Run(who+"/"+bc.name, func(b *testing.B) {
				path := "/governance/packages/" + w.wiki + "/requests" + bc.query
				rows := 0
				for b.Loop() {
					p := br.get(path)
					if p.status != http.StatusOK {
						b.Fatalf("status %d: %s", p.status, p.body)
					}
					rows = strings.Count(p.body, `<tr data-request="`)
				}
				b.ReportMetric(float64(rows), "rows")
			})
		}
	}
}
