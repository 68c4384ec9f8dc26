package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

// benchGroups × benchUsers memberships are granted per run: 10,000.
const benchGroups, benchUsers = 100, 100

func benchGrants() []entitled.Grant {
	out := make([]entitled.Grant, 0, benchGroups*benchUsers)
	for u := 0; u < benchUsers; u++ {
		for g := 0; g < benchGroups; g++ {
			gr := grantOf(fmt.Sprintf("bench_grp_%03d", g), "")
			gr.Subject.PrincipalName = fmt.Sprintf("bench_usr_%03d@example.com", u)
			out = append(out, gr)
		}
	}
	return out
}

// BenchmarkGrant10k grants 10,000 new memberships (100 group roles × 100
// users) per iteration on one throwaway server: raw GRANT statements over
// pgx, then through the connector one by one, in batches of 100, and from
// 4 goroutines. Each reports grants/s; connector runs also report their
// rate as a fraction of the raw rate of the same concurrency (x-raw).
//
//	go test ./postgres/ -run '^$' -bench Grant10k
func BenchmarkGrant10k(b *testing.B) {
	srv := pgtest.Start(b)
	srv.Exec(fmt.Sprintf(`DO $$ BEGIN
		FOR i IN 0..%d LOOP EXECUTE format('CREATE ROLE bench_grp_%%s NOLOGIN', lpad(i::text, 3, '0')); END LOOP;
		FOR i IN 0..%d LOOP EXECUTE format('CREATE ROLE bench_usr_%%s LOGIN', lpad(i::text, 3, '0')); END LOOP;
		END $$`, benchGroups-1, benchUsers-1))
	grants := benchGrants()
	ctx := context.Background()
	var revokeAll strings.Builder
	var users []string
	for u := 0; u < benchUsers; u++ {
		users = append(users, fmt.Sprintf("bench_usr_%03d", u))
	}
	for g := 0; g < benchGroups; g++ {
		fmt.Fprintf(&revokeAll, "REVOKE bench_grp_%03d FROM %s;\n", g, strings.Join(users, ", "))
	}
	rates := map[string]float64{}

	run := func(name, rawName string, grant func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				srv.Exec(revokeAll.String())
				b.StartTimer()
				start := time.Now()
				grant(b)
				total += time.Since(start)
			}
			rate := float64(b.N*len(grants)) / total.Seconds()
			rates[name] = rate
			b.ReportMetric(rate, "grants/s")
			if raw := rates[rawName]; rawName != "" && raw > 0 {
				b.ReportMetric(rate/raw, "x-raw")
			}
			b.StopTimer()
			var n int
			if err := srv.Connect("").QueryRow(ctx, `SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname LIKE 'bench\_grp\_%'`).Scan(&n); err != nil || n != len(grants) {
				b.Fatalf("%d memberships after the run (%v), want %d", n, err, len(grants))
			}
		})
	}

	raw := func(conns int) func(b *testing.B) {
		pool, err := pgxpool.New(ctx, srv.DSN("")+"&pool_max_conns="+fmt.Sprint(conns))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		return func(b *testing.B) {
			parallel(b, conns, len(grants), func(i int) error {
				g := grants[i]
				user := strings.TrimSuffix(g.Subject.PrincipalName, "@example.com")
				_, err := pool.Exec(ctx, "GRANT "+pgx.Identifier{g.Resource.OriginID}.Sanitize()+" TO "+pgx.Identifier{user}.Sanitize())
				return err
			})
		}
	}
	conn := func(conns int) *Connector {
		return newConnector(b, srv, map[string]any{"maxConnections": conns, "roleFilter": "bench%"})
	}

	run("raw", "", raw(1))
	c1 := conn(1)
	run("connector", "raw", func(b *testing.B) {
		parallel(b, 1, len(grants), func(i int) error { return c1.Grant(ctx, grants[i]) })
	})
	run("connector-batch100", "raw", func(b *testing.B) {
		for i := 0; i < len(grants); i += 100 {
			changes := make([]entitled.Change, 0, 100)
			for _, g := range grants[i:min(i+100, len(grants))] {
				changes = append(changes, entitled.Change{Action: entitled.ActionGrant, Grant: g})
			}
			for _, err := range c1.ApplyBatch(ctx, changes) {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	run("raw-parallel4", "", raw(4))
	c4 := conn(4)
	run("connector-parallel4", "raw-parallel4", func(b *testing.B) {
		parallel(b, 4, len(grants), func(i int) error { return c4.Grant(ctx, grants[i]) })
	})
}

// parallel runs f(0..n-1) from workers goroutines and fails on an error.
func parallel(b *testing.B, workers, n int, f func(i int) error) {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
}
