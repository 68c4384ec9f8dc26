package ldap

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/slapdtest"
	goldap "github.com/go-ldap/ldap/v3"
)

// benchAdds is how many members each run adds to one group (LDAP_BENCH_ADDS
// overrides the 10,000 default).
func benchAdds() int {
	if n, err := strconv.Atoi(os.Getenv("LDAP_BENCH_ADDS")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// BenchmarkMemberAdds adds benchAdds() members to one fresh groupOfNames
// per run, on one slapd: raw go-ldap single-value modifies over one bound
// connection (the protocol's rate) and raw modifies of 100 values, then
// the connector's Grant one by one
// (a user lookup and a modify each), its ApplyBatch in batches of 100 (100
// lookups and one modify), and Grant from 4 goroutines over maxConnections
// 4. Each reports adds/s and its ratio to the raw rate. Run with
// -benchtime=1x.
func BenchmarkMemberAdds(b *testing.B) {
	n := benchAdds()
	srv := slapdtest.Start(b)
	uids := srv.AddUsers(b, "m", n)
	var rawRate float64
	run := func(b *testing.B, name string, add func(b *testing.B, group string)) {
		b.Helper()
		var total time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			group := srv.AddGroupOfNames(b, fmt.Sprintf("%s-%d-%d", name, i, time.Now().UnixNano()))
			b.StartTimer()
			start := time.Now()
			add(b, group)
			total += time.Since(start)
			b.StopTimer()
			if got := len(srv.Values(b, group, "member")); got != n+1 {
				b.Fatalf("%s: %d members after %d adds, want %d", name, got, n, n+1)
			}
			b.StartTimer()
		}
		rate := float64(n*b.N) / total.Seconds()
		b.ReportMetric(rate, "adds/s")
		if rawRate == 0 {
			rawRate = rate
			b.Logf("%s: %d adds in %v per run: %.0f adds/s", name, n, total/time.Duration(b.N), rate)
			return
		}
		b.ReportMetric(rate/rawRate, "x-raw")
		b.Logf("%s: %d adds in %v per run: %.0f adds/s, %.2f× the raw rate (%.0f adds/s)", name, n, total/time.Duration(b.N), rate, rate/rawRate, rawRate)
	}
	b.Run("raw-go-ldap", func(b *testing.B) {
		conn := serviceConn(b, srv.URL)
		run(b, "raw", func(b *testing.B, group string) {
			for _, u := range uids {
				req := goldap.NewModifyRequest(group, nil)
				req.Add("member", []string{slapdtest.UserDN(u)})
				if err := conn.Modify(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("raw-go-ldap-batch100", func(b *testing.B) {
		conn := serviceConn(b, srv.URL)
		run(b, "raw-batch100", func(b *testing.B, group string) {
			for start := 0; start < len(uids); start += 100 {
				var dns []string
				for _, u := range uids[start:min(start+100, len(uids))] {
					dns = append(dns, slapdtest.UserDN(u))
				}
				req := goldap.NewModifyRequest(group, nil)
				req.Add("member", dns)
				if err := conn.Modify(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("connector-grant", func(b *testing.B) {
		c := newConnector(b, configFor(srv, nil))
		run(b, "grant", func(b *testing.B, group string) {
			for _, u := range uids {
				if err := c.Grant(ctx, grantOf(u, group, RoleMember)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("connector-batch100", func(b *testing.B) {
		c := newConnector(b, configFor(srv, nil))
		run(b, "batch100", func(b *testing.B, group string) {
			for start := 0; start < len(uids); start += 100 {
				var changes []entitled.Change
				for _, u := range uids[start:min(start+100, len(uids))] {
					changes = append(changes, entitled.Change{Action: entitled.ActionGrant, Grant: grantOf(u, group, RoleMember)})
				}
				for _, err := range c.ApplyBatch(ctx, changes) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	})
	b.Run("connector-grant-4conns", func(b *testing.B) {
		c := newConnector(b, configFor(srv, map[string]any{"maxConnections": float64(4)}))
		run(b, "grant-4conns", func(b *testing.B, group string) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			var first error
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < len(uids); i += 4 {
						if err := c.Grant(ctx, grantOf(uids[i], group, RoleMember)); err != nil {
							mu.Lock()
							first = err
							mu.Unlock()
							return
						}
					}
				}()
			}
			wg.Wait()
			if first != nil {
				b.Fatal(first)
			}
		})
	})
}

// serviceConn is a go-ldap connection to url bound as the service account,
// closed when the benchmark ends.
func serviceConn(b *testing.B, url string) *goldap.Conn {
	b.Helper()
	conn, err := goldap.DialURL(url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	if err := conn.Bind(slapdtest.ServiceDN, slapdtest.ServicePassword); err != nil {
		b.Fatal(err)
	}
	return conn
}
