package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/sqlstore"
)

// The mixed-load benchmark (entitled bench --mixed): writer clients submit
// requests through the HTTP API as fast as they can while reads arrive at a
// fixed rate, and it reports the write rate and the reads' latency.

// emBase is the entitlement-management root of the Graph API.
const emBase = "/v1.0/identityGovernance/entitlementManagement"

// mixedReads are the pages the readers ask for, in turn.
var mixedReads = []string{
	emBase + "/assignmentRequests?$top=50",
	emBase + "/assignments?$top=50",
	emBase + "/accessPackages",
	"/v1.0/auditLogs/directoryAudits?$top=50",
}

// mixedConfig is one mixed-load run.
type mixedConfig struct {
	writers     int           // clients submitting as fast as they can
	readRate    int           // reads started per second
	duration    time.Duration // how long reads and writes go on
	readTimeout time.Duration // a read slower than this counts as timed out
	n           int           // most requests submitted (one user each)
}

// mixedResult is what a mixed-load run measured.
type mixedResult struct {
	writes, writeErrors int
	elapsed             time.Duration   // until the last writer stopped
	ranOut              bool            // the writers ran out of users before the end
	reads               []time.Duration // latencies of the reads answered
	readTimeouts        int
	readErrors          int
	ownReads, stale     int // writers' reads of what they just wrote, and those that missed it
}

func addMixedFlags(cmd *cobra.Command) {
	cmd.Flags().Bool("mixed", false, "mixed load: --submitters API clients submit requests as fast as they can while reads arrive at --read-rate; report read p50/p99")
	cmd.Flags().Int("read-rate", 300, "with --mixed: reads started per second (request list, assignment list, packages, audit, in turn)")
	cmd.Flags().Duration("duration", 20*time.Second, "with --mixed: how long the load runs (at most 10m)")
	cmd.Flags().Duration("read-timeout", 20*time.Second, "with --mixed: a read slower than this counts as timed out")
}

// runMixedBench runs the mixed-load benchmark on the database of dsn.
func runMixedBench(cmd *cobra.Command, dsn string, workers, writers, n int) error {
	rate, _ := cmd.Flags().GetInt("read-rate")
	duration, _ := cmd.Flags().GetDuration("duration")
	readTimeout, _ := cmd.Flags().GetDuration("read-timeout")
	if rate < 1 || duration <= 0 || duration > 10*time.Minute || readTimeout <= 0 {
		return errors.New("--read-rate must be positive, --duration between 0 and 10m, --read-timeout positive")
	}
	if writers == 0 {
		writers = 4
	}
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := openBenchApp(ctx, dsn, workers)
	if err != nil {
		return err
	}
	defer a.db.Close()
	sys := systemContext(ctx)
	fmt.Fprintf(out, "entitled bench --mixed: writers=%d read-rate=%d/s duration=%s n=%d GOMAXPROCS=%d db=%s\n",
		writers, rate, duration, n, runtime.GOMAXPROCS(0), sqlstore.Redact(dsn))
	pkg, policy, users, err := benchSetup(sys, a.services, n)
	if err != nil {
		return err
	}
	if _, err := a.services.Admin.EnsureAdmin(sys, "bench-admin@bench.example", "Bench admin"); err != nil {
		return err
	}
	token, _, err := a.services.Tokens.IssueToken(sys, "bench-admin@bench.example", time.Hour)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &nethttp.Server{Handler: http.NewServer(http.Config{Services: a.services.Domain(), Logger: quiet}),
		ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	if err := a.engine.Start(ctx); err != nil {
		return err
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.engine.Stop(stop)
	}()
	stopProfile, err := startCPUProfile(cmd)
	if err != nil {
		return err
	}
	defer stopProfile()
	c := &mixedClient{base: "http://" + ln.Addr().String(), token: token,
		http: &nethttp.Client{Transport: &nethttp.Transport{MaxIdleConnsPerHost: 1024}}}
	res, err := runMixed(ctx, c, mixedConfig{writers: writers, readRate: rate, duration: duration, readTimeout: readTimeout, n: n},
		pkg, policy, users)
	if err != nil {
		return err
	}
	res.print(out, rate)
	return nil
}

// mixedClient calls the API on loopback with a bearer token.
type mixedClient struct {
	base, token string
	http        *nethttp.Client
}

// do sends a request and returns the status and, but for a GET, the body.
func (c *mixedClient) do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := nethttp.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if method == "GET" {
		// The readers need only the status: reading into a buffer would
		// spend the benchmark's CPU on the client.
		_, err := io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil, err
	}
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// runMixed runs the writers and the fixed-rate readers for cfg.duration.
// Every tenth submission a writer reads the request it just made: a 404
// there is a read older than the client's own write.
func runMixed(ctx context.Context, c *mixedClient, cfg mixedConfig, pkg, policy string, users []string) (*mixedResult, error) {
	res := &mixedResult{}
	var mu sync.Mutex
	stop := time.Now().Add(cfg.duration)
	var next atomic.Int64
	var writes, writeErrs, own, stale atomic.Int64
	var ranOut atomic.Bool
	ends := make([]time.Duration, cfg.writers) // when each writer stopped
	var wg sync.WaitGroup
	start := time.Now()
	for w := range cfg.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { ends[w] = time.Since(start) }()
			for k := 0; time.Now().Before(stop); k++ {
				i := int(next.Add(1)) - 1
				if i >= len(users) {
					ranOut.Store(true)
					return
				}
				body := map[string]any{"requestType": "adminAdd", "assignment": map[string]string{
					"accessPackageId": pkg, "assignmentPolicyId": policy, "targetId": users[i]}}
				code, b, err := c.do(ctx, "POST", emBase+"/assignmentRequests", body)
				if err != nil || code != nethttp.StatusCreated {
					writeErrs.Add(1)
					continue
				}
				writes.Add(1)
				if k%10 != 0 {
					continue
				}
				var made struct{ ID string }
				if json.Unmarshal(b, &made) != nil || made.ID == "" {
					continue
				}
				own.Add(1)
				if code, _, err := c.do(ctx, "GET", emBase+"/assignmentRequests/"+made.ID, nil); err != nil || code != nethttp.StatusOK {
					stale.Add(1)
				}
			}
		}()
	}
	var readers sync.WaitGroup
	// Reads start on a fixed schedule, whatever the answers take: one
	// late start is made up by the next ones.
	interval := time.Second / time.Duration(cfg.readRate)
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if !at.Before(stop) {
			break
		}
		time.Sleep(time.Until(at))
		path := mixedReads[i%len(mixedReads)]
		readers.Add(1)
		go func() {
			defer readers.Done()
			rctx, cancel := context.WithTimeout(ctx, cfg.readTimeout)
			defer cancel()
			t0 := time.Now()
			code, _, err := c.do(rctx, "GET", path, nil)
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case rctx.Err() != nil:
				res.readTimeouts++
			case err != nil || code != nethttp.StatusOK:
				res.readErrors++
			default:
				res.reads = append(res.reads, d)
			}
		}()
	}
	wg.Wait()
	res.elapsed = slices.Max(ends)
	res.ranOut = ranOut.Load()
	readers.Wait()
	res.writes, res.writeErrors = int(writes.Load()), int(writeErrs.Load())
	res.ownReads, res.stale = int(own.Load()), int(stale.Load())
	if res.writes == 0 {
		return nil, fmt.Errorf("no submission succeeded (%d failed)", res.writeErrors)
	}
	return res, ctx.Err()
}

// print writes the run's figures.
func (r *mixedResult) print(w io.Writer, rate int) {
	fmt.Fprintf(w, "writes: %d requests submitted in %s: %.0f/s (%d failed)\n", r.writes, r.elapsed.Round(time.Millisecond),
		float64(r.writes)/r.elapsed.Seconds(), r.writeErrors)
	if r.ranOut {
		fmt.Fprintln(w, "warning: the writers used up --n users before the end, so the last reads ran without write load: raise --n")
	}
	fmt.Fprintf(w, "reads at %d/s: %d answered, %d timed out, %d failed", rate, len(r.reads), r.readTimeouts, r.readErrors)
	if len(r.reads) > 0 {
		slices.Sort(r.reads)
		q := func(p float64) time.Duration { return r.reads[int(p*float64(len(r.reads)-1))] }
		fmt.Fprintf(w, "; p50 %s, p99 %s, max %s", fmtMs(q(0.50)), fmtMs(q(0.99)), fmtMs(r.reads[len(r.reads)-1]))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "read-your-writes: %d of the writers' reads of their own new request, %d missed it\n", r.ownReads, r.stale)
}

// fmtMs writes a duration in milliseconds with one decimal.
func fmtMs(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
