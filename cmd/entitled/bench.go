package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/delivery"
	"github.com/entitled-dev/entitled/secret"
	"github.com/entitled-dev/entitled/sqlstore"
)

func benchCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure requests/second from submission to delivered, beside River's bare job rate",
		Long: `bench creates a package with two directory resource roles and an auto-approved
policy, submits N requests for N users, and measures the time until every request is
delivered. In the same run it measures River's bare job rate (no-op jobs) on the same
database, and prints both and their ratio. Without --db it uses a temporary SQLite file;
with --db postgres://… give it an empty database. It also prints the bytes per request
entitled's tables take (River's left out); --disk adds the figure of each table.`,
		Args: cobra.NoArgs,
		RunE: runBench,
	}
	cmd.Flags().Int("n", 10000, "number of requests")
	cmd.Flags().Int("workers", 0, "delivery workers (0: serve's default, 50 on SQLite, 200 on PostgreSQL)")
	cmd.Flags().Int("submitters", 0, "goroutines submitting requests at once, like API clients (0: 64; with --mixed, 4)")
	cmd.Flags().Int("replicas", 1, "entitled instances sharing the database (PostgreSQL only), each with its own workers; requests are spread over them")
	cmd.Flags().String("cpuprofile", "", "write a CPU profile of the measured part to this file")
	cmd.Flags().Bool("disk", false, "also print the bytes per request of each table (River's left out)")
	cmd.Flags().Bool("statements", false, "also print the store's statements per request in the measured part, the most frequent first (River's, BEGIN and COMMIT left out)")
	addMixedFlags(cmd)
	addReadsFlags(cmd)
	return cmd
}

func runBench(cmd *cobra.Command, _ []string) error {
	n, _ := cmd.Flags().GetInt("n")
	workers, _ := cmd.Flags().GetInt("workers")
	submitters, _ := cmd.Flags().GetInt("submitters")
	replicas, _ := cmd.Flags().GetInt("replicas")
	if n < 1 || workers < 0 || submitters < 0 || replicas < 1 {
		return errors.New("--n and --replicas must be positive, --workers and --submitters positive or 0 for the default")
	}
	ctx := cmd.Context()
	dsn := dbFlag(cmd)
	if !cmd.Flags().Changed("db") && os.Getenv("ENTITLED_DB") == "" {
		dir, err := os.MkdirTemp("", "entitled-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	if reads, _ := cmd.Flags().GetBool("reads"); reads {
		if !cmd.Flags().Changed("db") && os.Getenv("ENTITLED_DB") == "" {
			return errors.New("--reads needs --db: the database an earlier `entitled bench --db …` filled")
		}
		return runReadsBench(cmd, dsn)
	}
	if mixed, _ := cmd.Flags().GetBool("mixed"); mixed {
		return runMixedBench(cmd, dsn, workers, submitters, n)
	}
	out := cmd.OutOrStdout()
	benchStatements = nil
	if counting, _ := cmd.Flags().GetBool("statements"); counting {
		benchStatements = &sqlstore.StatementCount{}
	}
	a, err := openBenchApp(ctx, dsn, workers)
	if err != nil {
		return err
	}
	defer a.db.Close()
	sys := systemContext(ctx)
	if replicas > 1 && a.db.Dialect != sqlstore.DialectPostgres {
		return errors.New("--replicas above 1 needs a PostgreSQL database (--db postgres://…): SQLite serves one process")
	}
	if workers == 0 {
		workers = a.engine.Workers()
	}
	if submitters == 0 {
		// Enough API clients at once to keep the store busy: the bench
		// measures capacity, as River's bare rate (jobs inserted 500 at a
		// time) does. --mixed keeps its own default of 4.
		submitters = 64
	}
	fmt.Fprintf(out, "entitled bench: n=%d workers=%d submitters=%d replicas=%d GOMAXPROCS=%d db=%s\n", n, workers, submitters, replicas, runtime.GOMAXPROCS(0), sqlstore.Redact(dsn))

	pkg, policy, users, err := benchSetup(sys, a.services, n)
	if err != nil {
		return err
	}
	if err := a.engine.Start(ctx); err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(cmd)
	if err != nil {
		return err
	}
	defer stopProfile() // also stops it when the run fails
	if benchStatements != nil {
		benchStatements.Reset() // the fixture's statements are not the measured part's
	}
	apps := []*app{a}
	for range replicas - 1 {
		extra, err := openBenchApp(ctx, dsn, workers)
		if err != nil {
			return err
		}
		defer extra.db.Close()
		if err := extra.engine.Start(ctx); err != nil {
			return err
		}
		defer func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = extra.engine.Stop(stop)
		}()
		apps = append(apps, extra)
	}
	submitted, elapsed, err := submitAndWait(ctx, apps, pkg, policy, users, submitters)
	if err != nil {
		return err
	}
	pprof.StopCPUProfile()
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.engine.Stop(stopCtx); err != nil {
		return err
	}
	rate := float64(n) / elapsed.Seconds()
	fmt.Fprintf(out, "entitled (%d replica(s)): %d requests (%d deliveries) submitted in %s, all delivered in %s: %.0f requests/s, %.0f deliveries/s\n",
		replicas, n, 2*n, submitted.Round(time.Millisecond), elapsed.Round(time.Millisecond), rate, 2*rate)
	if benchStatements != nil {
		printStatements(out, benchStatements.Tallies(), n)
	}
	byTable, _ := cmd.Flags().GetBool("disk")
	if err := printDiskPerRequest(ctx, a.db, n, byTable, out); err != nil {
		return err
	}

	bareJobs := n // as many no-op jobs as requests
	bare, err := riverBareRate(ctx, a.db, bareJobs, workers)
	if err != nil {
		return fmt.Errorf("river bare rate: %w", err)
	}
	bareRate := float64(bareJobs) / bare.Seconds()
	fmt.Fprintf(out, "river bare: %d no-op jobs inserted and worked in %s: %.0f jobs/s\n", bareJobs, bare.Round(time.Millisecond), bareRate)
	fmt.Fprintf(out, "ratio: entitled requests/s ÷ river bare jobs/s = %.2f (a request is a submission, its share of a deliver job, two deliveries and a roll-up)\n", rate/bareRate)
	return nil
}

// benchSetup creates two directory groups in a catalog, a package with both
// Member roles, an auto-approved policy and n users.
func benchSetup(ctx context.Context, s *sqlstore.Services, n int) (pkg, policy string, users []string, err error) {
	var resources []benchResource
	for i := range 2 {
		g := &entitled.Group{DisplayName: fmt.Sprintf("bench-group-%d", i)}
		if err = s.Groups.CreateGroup(ctx, g); err != nil {
			return
		}
		resources = append(resources, benchResource{System: entitled.DirectorySystemName, OriginID: g.ID, Role: "Member_" + g.ID})
	}
	if pkg, policy, err = benchPackage(ctx, s, resources); err != nil {
		return
	}
	upns := make([]string, n)
	for i := range upns {
		upns[i] = fmt.Sprintf("bench%06d@bench.example", i)
	}
	users, err = benchUsers(ctx, s, upns)
	return pkg, policy, users, err
}

// benchResource is a resource role to put in the benchmark's package.
type benchResource struct{ System, OriginID, Role string }

// benchPackage creates a catalog with the resources, a package holding
// their roles and an auto-approved policy.
func benchPackage(ctx context.Context, s *sqlstore.Services, resources []benchResource) (pkg, policy string, err error) {
	cat := &entitled.Catalog{DisplayName: "Bench", State: "published"}
	if err = s.Catalogs.CreateCatalog(ctx, cat); err != nil {
		return
	}
	p := &entitled.AccessPackage{CatalogID: cat.ID, DisplayName: "Bench package"}
	if err = s.AccessPackages.CreateAccessPackage(ctx, p); err != nil {
		return
	}
	for _, r := range resources {
		rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: cat.ID,
			Resource: entitled.Resource{OriginSystem: r.System, OriginID: r.OriginID}}
		if err = s.Catalogs.CreateResourceRequest(ctx, rr); err != nil {
			return
		}
		if _, err = s.AccessPackages.AddResourceRoleScope(ctx, p.ID, entitled.ResourceRoleScopeInput{ResourceID: rr.Resource.ID,
			RoleOriginID: r.Role, RoleOriginSystem: rr.Resource.OriginSystem}); err != nil {
			return
		}
	}
	pol := &entitled.AssignmentPolicy{AccessPackageID: p.ID, DisplayName: "auto", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true}}
	if err = s.Policies.CreatePolicy(ctx, pol); err != nil {
		return
	}
	return p.ID, pol.ID, nil
}

// benchUsers creates a user per principal name and returns their ids.
func benchUsers(ctx context.Context, s *sqlstore.Services, upns []string) ([]string, error) {
	ids := make([]string, len(upns))
	for i, upn := range upns {
		u := &entitled.User{UserPrincipalName: upn, DisplayName: upn, Mail: upn, AccountEnabled: true}
		if err := s.Users.CreateUser(ctx, u); err != nil {
			return nil, err
		}
		ids[i] = u.ID
	}
	return ids, nil
}

// submitAndWait submits an adminAdd request per user from several
// goroutines and waits until every request is delivered. It returns how
// long submitting took and how long until all were delivered.
func submitAndWait(ctx context.Context, apps []*app, pkg, policy string, users []string, submitters int) (submitted, elapsed time.Duration, err error) {
	a := apps[0]
	sys := systemContext(ctx)
	n := len(users)
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, submitters)
	for range submitters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				r := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AccessPackageID: pkg,
					AssignmentPolicyID: policy, TargetID: users[i]}
				if err := apps[i%len(apps)].services.Requests.SubmitRequest(sys, r); err != nil {
					errs <- fmt.Errorf("submit %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	submitted = time.Since(start)
	select {
	case err := <-errs:
		return 0, 0, err
	default:
	}
	for {
		counts, err := a.services.Requests.RequestStateCounts(ctx)
		if err != nil {
			return 0, 0, err
		}
		if counts[entitled.StateDelivered] >= n {
			return submitted, time.Since(start), nil
		}
		if bad := counts[entitled.StateDeliveryFailed] + counts[entitled.StatePartiallyDelivered]; bad > 0 {
			return 0, 0, fmt.Errorf("%d requests failed delivery", bad)
		}
		if ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// noopArgs is River's bare job: it does nothing.
type noopArgs struct{ I int }

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	done *atomic.Int64
}

func (w *noopWorker) Work(context.Context, *river.Job[noopArgs]) error {
	w.done.Add(1)
	return nil
}

// riverBareRate inserts n no-op jobs on the same database and measures the
// time until River has worked them all, with the same worker count.
func riverBareRate(ctx context.Context, db *sqlstore.DB, n, workers int) (time.Duration, error) {
	var done atomic.Int64
	ws := river.NewWorkers()
	river.AddWorker(ws, &noopWorker{done: &done})
	driver, err := delivery.Driver(db.Dialect, db.SQL)
	if err != nil {
		return 0, err
	}
	client, err := river.NewClient(driver, &river.Config{
		Queues:            map[string]river.QueueConfig{"bench": {MaxWorkers: workers}},
		Workers:           ws,
		FetchPollInterval: 20 * time.Millisecond,
		FetchCooldown:     5 * time.Millisecond,
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return 0, err
	}
	if err := client.Start(ctx); err != nil {
		return 0, err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Stop(stopCtx)
	}()
	start := time.Now()
	const batch = 500
	for i := 0; i < n; i += batch {
		params := []river.InsertManyParams{}
		for j := i; j < i+batch && j < n; j++ {
			params = append(params, river.InsertManyParams{Args: noopArgs{I: j}, InsertOpts: &river.InsertOpts{Queue: "bench"}})
		}
		if _, err := client.InsertMany(ctx, params); err != nil {
			return 0, err
		}
	}
	for done.Load() < int64(n) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start), nil
}

// openBenchApp opens an entitled instance for a benchmark: the given delivery
// workers, a short poll interval, and no log output.
func openBenchApp(ctx context.Context, dsn string, workers int) (*app, error) {
	return openApp(ctx, dsn, appOptions{workers: workers, rescueAfter: time.Minute, jobTimeout: 30 * time.Second,
		pollInterval: 20 * time.Millisecond, logger: slog.New(slog.NewTextHandler(io.Discard, nil)), secrets: benchKeys(),
		statements: benchStatements})
}

// benchStatements counts the statements of every replica of `bench
// --statements` (nil without the flag).
var benchStatements *sqlstore.StatementCount

// benchKeys seals the benchmark's connector secrets: one key for the
// process, shared by its replicas, made when first needed.
var benchKeys = sync.OnceValue(func() *secret.Keyring {
	text, err := secret.Generate()
	if err != nil {
		panic(err)
	}
	k, err := secret.ParseKey(text)
	if err != nil {
		panic(err)
	}
	return secret.NewKeyring(k)
})

// startCPUProfile starts writing a CPU profile to the file --cpuprofile
// names, if it names one; stop stops it and closes the file.
func startCPUProfile(cmd *cobra.Command) (stop func(), err error) {
	path, _ := cmd.Flags().GetString("cpuprofile")
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
