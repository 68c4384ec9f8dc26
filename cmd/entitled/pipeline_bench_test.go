package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/jackc/pgx/v5"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/pgtest"
	"github.com/entitled-dev/entitled/internal/slapdtest"
)

// The pipeline benchmarks deliver N approved requests, each granting one
// membership, into a real target through the whole product (store, River,
// batcher, connector), and measure in the same run the raw rate of the same
// operation done directly on the same server. They report both and the ratio.
//
//	go test ./cmd/entitled -run '^$' -bench Pipeline -benchtime 1x
//
// PIPELINE_N sets N (default 10,000).

func pipelineN() int {
	if n, err := strconv.Atoi(os.Getenv("PIPELINE_N")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// pipelineApp opens entitled on a temporary SQLite file with its engine.
func pipelineApp(b *testing.B) (*app, context.Context) {
	b.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"), appOptions{workers: 50, rescueAfter: time.Minute,
		jobTimeout: 30 * time.Second, pollInterval: 20 * time.Millisecond, logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.db.Close() })
	return a, systemContext(ctx)
}

// runPipeline submits a request per user and reports the rates.
func runPipeline(b *testing.B, a *app, ctx context.Context, pkg, policy string, users []string, raw float64, what string) {
	b.Helper()
	if err := a.engine.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.engine.Stop(stop)
	}()
	_, elapsed, err := submitAndWait(ctx, []*app{a}, pkg, policy, users, 4)
	if err != nil {
		b.Fatal(err)
	}
	rate := float64(len(users)) / elapsed.Seconds()
	b.ReportMetric(rate, "requests/s")
	b.ReportMetric(raw, "raw-"+what+"/s")
	b.ReportMetric(rate/raw, "ratio")
	b.Logf("%d requests delivered in %s: %.0f requests/s; raw %s on the same server: %.0f/s; ratio %.2f",
		len(users), elapsed.Round(time.Millisecond), rate, what, raw, rate/raw)
}

// BenchmarkPipelineLDAP: N requests each adding one member to one LDAP
// group, beside raw one-value member adds to another group of the same size.
func BenchmarkPipelineLDAP(b *testing.B) {
	n := pipelineN()
	dir := slapdtest.Start(b)
	uids := dir.AddUsers(b, "u", n)
	group := dir.AddGroupOfNames(b, "pipeline")
	rawGroup := dir.AddGroupOfNames(b, "raw")
	for range b.N {
		// Raw: one modify per member, one connection.
		conn := dir.Dial(b)
		start := time.Now()
		for _, uid := range uids {
			m := goldap.NewModifyRequest(rawGroup, nil)
			m.Add("member", []string{slapdtest.UserDN(uid)})
			if err := conn.Modify(m); err != nil {
				b.Fatal(err)
			}
		}
		raw := float64(n) / time.Since(start).Seconds()
		conn.Close()

		a, ctx := pipelineApp(b)
		if err := a.services.Systems.CreateSystem(ctx, &entitled.ConnectedSystem{Name: "ldap", Kind: "ldap", Retry: entitled.DefaultRetryPolicy,
			Config: map[string]any{"url": dir.URL, "bindDN": slapdtest.ServiceDN, "bindPassword": slapdtest.ServicePassword,
				"baseDN": slapdtest.BaseDN, "maxConnections": 4}}); err != nil {
			b.Fatal(err)
		}
		pkg, policy := mustBenchPackage(b, ctx, a, "ldap", group)
		users := exampleUsers(b, ctx, a, uids)
		runPipeline(b, a, ctx, pkg, policy, users, raw, "member-adds")
		if got := len(dir.Values(b, group, "member")); got != n+1 { // + the placeholder member
			b.Fatalf("group has %d members, want %d", got, n+1)
		}
	}
}

// BenchmarkPipelinePostgres: N requests each granting one role to one user,
// beside raw GRANT statements of another role on the same server.
func BenchmarkPipelinePostgres(b *testing.B) {
	n := pipelineN()
	pg := pgtest.Start(b)
	pg.Exec(`CREATE ROLE app_pipeline NOLOGIN`)
	pg.Exec(`CREATE ROLE app_raw NOLOGIN`)
	conn := pg.Connect("postgres")
	ctx := context.Background()
	batch := &pgx.Batch{}
	for i := range n {
		batch.Queue(fmt.Sprintf(`CREATE ROLE u%d LOGIN`, i))
	}
	if err := conn.SendBatch(ctx, batch).Close(); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		start := time.Now()
		for i := range n {
			if _, err := conn.Exec(ctx, `GRANT app_raw TO `+pgx.Identifier{fmt.Sprintf("u%d", i)}.Sanitize()); err != nil {
				b.Fatal(err)
			}
		}
		raw := float64(n) / time.Since(start).Seconds()

		a, sctx := pipelineApp(b)
		if err := a.services.Systems.CreateSystem(sctx, &entitled.ConnectedSystem{Name: "db", Kind: "postgres", Retry: entitled.DefaultRetryPolicy,
			Config: map[string]any{"dsn": pg.DSN("postgres"), "roleFilter": `app\_%`, "maxConnections": 4}}); err != nil {
			b.Fatal(err)
		}
		pkg, policy := mustBenchPackage(b, sctx, a, "db", "app_pipeline")
		users := exampleUsers(b, sctx, a, numbered("u%d", n))
		runPipeline(b, a, sctx, pkg, policy, users, raw, "grants")
		var granted int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
			WHERE r.rolname = 'app_pipeline'`).Scan(&granted); err != nil || granted != n {
			b.Fatalf("app_pipeline granted to %d roles (%v), want %d", granted, err, n)
		}
	}
}

// BenchmarkCorePostgres runs `entitled bench` (two directory roles per
// request) on a throwaway PostgreSQL with one and with two replicas sharing
// the database, in one run, each on a fresh database.
func BenchmarkCorePostgres(b *testing.B) {
	pg := pgtest.Start(b)
	for range b.N {
		for _, replicas := range []int{1, 2} {
			dsn := pg.CreateDatabase(fmt.Sprintf("core_%d_%d", replicas, time.Now().UnixNano()))
			var out strings.Builder
			cmd := rootCommand()
			cmd.SetOut(&out)
			cmd.SetArgs([]string{"bench", "--db", dsn, "--n", strconv.Itoa(pipelineN()), "--replicas", strconv.Itoa(replicas)})
			if err := cmd.Execute(); err != nil {
				b.Fatalf("bench with %d replica(s): %v\n%s", replicas, err, out.String())
			}
			b.Logf("PostgreSQL, %d replica(s):\n%s", replicas, out.String())
		}
	}
}
