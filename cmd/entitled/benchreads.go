package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/sqlstore"
	"github.com/entitled-dev/entitled/ui"
)

// The read benchmark (entitled bench --reads): over a database an earlier
// `entitled bench --db …` filled, it times the reads people make most —
// API pages, filters, deep paging, counts, expansions, and the web UI's
// Requests tab and My requests — one after another on an otherwise idle
// server, and reports each one's p50 and p99.

// benchRead is one read of the read benchmark.
type benchRead struct {
	name string
	path string
	ui   string // "admin" or "user": a web page read with that person's session
}

func addReadsFlags(cmd *cobra.Command) {
	cmd.Flags().Bool("reads", false, "read benchmark over the database --db names (filled by an earlier bench run): p50/p99 of list pages, filters, deep paging, $count (all, by state, by package), $expand, one user's assignments, the UI Requests tab, its Needs attention view and My requests")
	cmd.Flags().Int("repeat", 100, "with --reads: how many times each read is timed")
}

// runReadsBench times the reads of readsPlan against the database of dsn.
func runReadsBench(cmd *cobra.Command, dsn string) error {
	repeat, _ := cmd.Flags().GetInt("repeat")
	if repeat < 2 || repeat > 100000 {
		return errors.New("--repeat must be between 2 and 100000")
	}
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := openBenchApp(ctx, dsn, 1)
	if err != nil {
		return err
	}
	defer a.db.Close()
	sys := systemContext(ctx)
	admin, err := a.services.Admin.EnsureAdmin(sys, "bench-admin@bench.example", "Bench admin")
	if err != nil {
		return err
	}
	token, _, err := a.services.Tokens.IssueToken(sys, admin.UserPrincipalName, time.Hour)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	api := http.NewServer(http.Config{Services: a.services.Domain(), Logger: quiet})
	web := ui.New(ui.Config{Services: a.services.Domain(), Sessions: a.services.Sessions, Connectors: a.services.Connectors(), Logger: quiet})
	srv := &nethttp.Server{Handler: ui.Mux(api, web), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	c := &mixedClient{base: "http://" + ln.Addr().String(), token: token,
		http: &nethttp.Client{Transport: &nethttp.Transport{MaxIdleConnsPerHost: 4}}}

	var count struct {
		N int `json:"@odata.count"`
	}
	if err := c.getJSON(ctx, emBase+"/assignmentRequests?$count=true&$top=1", &count); err != nil {
		return err
	}
	pkg, user, err := benchSubjects(ctx, c)
	if err != nil {
		return err
	}
	sessions := map[string]string{}
	for who, id := range map[string]string{"admin": admin.ID, "user": user} {
		if sessions[who], err = a.services.Sessions.StartSession(sys, id, time.Hour, "bench"); err != nil {
			return err
		}
	}
	last, pages, err := lastPage(ctx, c, emBase+"/assignmentRequests?$top=999")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "entitled bench --reads: %d requests, repeat=%d GOMAXPROCS=%d db=%s\n", count.N, repeat, runtime.GOMAXPROCS(0), sqlstore.Redact(dsn))
	if fi, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:")); err == nil {
		fmt.Fprintf(out, "database file: %.2f GB\n", float64(fi.Size())/1e9)
	}
	fmt.Fprintf(out, "deep paging: walked %d pages of 999 to the last one\n", pages)
	q := url.QueryEscape
	reads := []benchRead{
		{name: "first page", path: emBase + "/assignmentRequests?$top=50"},
		{name: "deep page", path: withTop(last, 50)},
		{name: "filtered by state", path: emBase + "/assignmentRequests?$top=50&$filter=" + q("state eq 'delivered'")},
		{name: "filtered by package", path: emBase + "/assignmentRequests?$top=50&$filter=" + q("accessPackage/id eq '"+pkg+"'")},
		{name: "$count=true", path: emBase + "/assignmentRequests?$top=50&$count=true"},
		{name: "$count with a filter", path: emBase + "/assignmentRequests?$top=50&$count=true&$filter=" + q("state eq 'delivered'")},
		{name: "$count of a package", path: emBase + "/assignmentRequests?$top=50&$count=true&$filter=" + q("accessPackage/id eq '"+pkg+"'")},
		{name: "one user's assignments", path: emBase + "/assignments?$filter=" + q("target/id eq '"+user+"'")},
		{name: "assignments $expand", path: emBase + "/assignments?$top=50&$expand=target,accessPackage"},
		{name: "requests $expand", path: emBase + "/assignmentRequests?$top=50&$expand=accessPackage,requestor"},
		{name: "audit page", path: "/v1.0/auditLogs/directoryAudits?$top=50"},
		{name: "UI Requests tab", path: "/governance/packages/" + pkg + "/requests", ui: "admin"},
		{name: "UI Needs attention", path: "/governance/packages/" + pkg + "/requests?state=attention", ui: "admin"},
		{name: "UI My requests", path: "/requests", ui: "user"},
	}
	first := map[string]time.Duration{}
	for _, rd := range reads {
		lat := make([]time.Duration, 0, repeat)
		for i := -3; i < repeat; i++ { // three untimed runs warm the caches
			t0 := time.Now()
			status, err := c.read(ctx, rd.path, sessions[rd.ui])
			d := time.Since(t0)
			if err != nil {
				return fmt.Errorf("%s: %w", rd.name, err)
			}
			if status != 200 {
				return fmt.Errorf("%s: GET %s answered %d", rd.name, rd.path, status)
			}
			if i >= 0 {
				lat = append(lat, d)
			}
		}
		slices.Sort(lat)
		p50, p99 := lat[len(lat)/2], lat[(len(lat)*99)/100]
		first[rd.name] = p50
		fmt.Fprintf(out, "  %-24s p50 %8s  p99 %8s\n", rd.name, fmtMs(p50), fmtMs(p99))
	}
	fmt.Fprintf(out, "deep page ÷ first page (p50): %.2f\n", float64(first["deep page"])/float64(first["first page"]))
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	fmt.Fprintf(out, "Go heap in use after the reads: %.0f MB (the process's RSS: see docs/operations.md)\n", float64(mem.HeapInuse)/1e6)
	return nil
}

// benchSubjects finds the benchmark's package and a user who holds it.
func benchSubjects(ctx context.Context, c *mixedClient) (pkg, user string, err error) {
	var pkgs struct {
		Value []struct{ ID string } `json:"value"`
	}
	if err = c.getJSON(ctx, emBase+"/accessPackages?$filter="+url.QueryEscape("displayName eq 'Bench package'"), &pkgs); err != nil {
		return
	}
	var as struct {
		Value []struct {
			Target struct{ ID string } `json:"target"`
		} `json:"value"`
	}
	if err = c.getJSON(ctx, emBase+"/assignments?$top=1&$expand=target", &as); err != nil {
		return
	}
	if len(pkgs.Value) == 0 || len(as.Value) == 0 || as.Value[0].Target.ID == "" {
		return "", "", errors.New("no benchmark data in this database: run `entitled bench --db …` on it first")
	}
	return pkgs.Value[0].ID, as.Value[0].Target.ID, nil
}

// lastPage follows nextLinks from path to the last page and returns the
// link that reached the page before it (as a path: a full page of 50 from
// there is as deep as a full page goes) and how many pages it walked.
func lastPage(ctx context.Context, c *mixedClient, path string) (string, int, error) {
	pages := 0
	prev := path
	for {
		var page struct {
			Next string `json:"@odata.nextLink"`
		}
		if err := c.getJSON(ctx, path, &page); err != nil {
			return "", 0, err
		}
		pages++
		if page.Next == "" {
			return prev, pages, nil
		}
		u, err := url.Parse(page.Next)
		if err != nil {
			return "", 0, err
		}
		prev, path = path, u.RequestURI()
	}
}

// withTop sets path's $top.
func withTop(path string, top int) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	v := u.Query()
	v.Set("$top", fmt.Sprint(top))
	u.RawQuery = v.Encode()
	return u.RequestURI()
}

// getJSON GETs an API path and decodes its body into v.
func (c *mixedClient) getJSON(ctx context.Context, path string, v any) error {
	req, err := nethttp.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// read GETs path, with the API token, or as a web page with the session
// cookie when session is set, reads the whole body and returns the status.
func (c *mixedClient) read(ctx context.Context, path, session string) (int, error) {
	req, err := nethttp.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return 0, err
	}
	if session != "" {
		req.AddCookie(&nethttp.Cookie{Name: ui.CookieName, Value: session})
	} else {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}
