// Package pgbouncertest runs a throwaway PgBouncer for tests, in front of a
// pgtest server: its configuration in a temporary directory, listening on
// a free 127.0.0.1 port, stopped by its PID when the test ends. It pools in
// transaction mode by default, the mode in which a server connection may
// serve a client for one transaction only.
//
// PgBouncer refuses to run as root: when the test runs as root it runs as
// the PostgreSQL server's unprivileged user. When the pgbouncer binary is
// missing the test is skipped with a message saying what to install,
// unless CI is set, in which case it fails.
package pgbouncertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/entitled-dev/entitled/internal/pgtest"
	"github.com/entitled-dev/entitled/internal/testproc"
)

// InstallHint says what to install when the binary is missing.
const InstallHint = "install PgBouncer (Debian/Ubuntu: apt-get install pgbouncer)"

// Options tune a PgBouncer. The zero value pools transactions with three
// server connections per database.
type Options struct {
	// PoolMode is session, transaction (the default) or statement.
	PoolMode string
	// ServerConns is default_pool_size: server connections per database
	// and user (default 3, so that clients share them).
	ServerConns int
}

// Bouncer is one running PgBouncer.
type Bouncer struct {
	port int
	proc *testproc.Process
}

// Start starts a PgBouncer in front of pg; see Options.
func Start(tb testing.TB, pg *pgtest.Server, o Options) *Bouncer {
	tb.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/pgbouncer"); statErr == nil {
			bin = "/usr/sbin/pgbouncer"
		} else if os.Getenv("CI") != "" {
			tb.Fatalf("pgbouncertest: pgbouncer not found; %s", InstallHint)
		} else {
			tb.Skipf("pgbouncertest: pgbouncer not found; %s", InstallHint)
		}
	}
	if o.PoolMode == "" {
		o.PoolMode = "transaction"
	}
	if o.ServerConns == 0 {
		o.ServerConns = 3
	}
	dir, err := os.MkdirTemp("/tmp", "pgbouncertest-")
	if err != nil {
		tb.Fatalf("pgbouncertest: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	cred := pg.Credential()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			tb.Fatalf("pgbouncertest: %v", err)
		}
	}
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		b := &Bouncer{}
		if b.port, err = testproc.FreePort(); err != nil {
			tb.Fatalf("pgbouncertest: %v", err)
		}
		ini := filepath.Join(dir, "pgbouncer.ini")
		conf := fmt.Sprintf(`[databases]
* = host=127.0.0.1 port=%d user=%s password=%s
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = any
pool_mode = %s
default_pool_size = %d
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits
server_check_delay = 0
`, pg.Port(), pgtest.Superuser, pg.Password(), b.port, o.PoolMode, o.ServerConns)
		if err := os.WriteFile(ini, []byte(conf), 0o600); err != nil {
			tb.Fatalf("pgbouncertest: %v", err)
		}
		if cred != nil {
			if err := os.Chown(ini, int(cred.Uid), int(cred.Gid)); err != nil {
				tb.Fatalf("pgbouncertest: %v", err)
			}
		}
		b.proc, last = testproc.StartAs(cred, bin, []string{ini}, 20*time.Second, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			c, err := pgx.Connect(ctx, b.DSN("postgres"))
			if err != nil {
				return err
			}
			return c.Close(ctx)
		})
		if last == nil {
			tb.Cleanup(b.proc.Stop)
			return b
		}
		if !strings.Contains(last.Error(), "Address already in use") {
			break
		}
	}
	tb.Fatalf("pgbouncertest: %v", last)
	return nil
}

// Port is the port PgBouncer listens on.
func (b *Bouncer) Port() int { return b.port }

// PID is PgBouncer's process id.
func (b *Bouncer) PID() int { return b.proc.PID() }

// DSN is a URL connection string to database db through PgBouncer.
func (b *Bouncer) DSN(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(pgtest.Superuser), Host: fmt.Sprintf("127.0.0.1:%d", b.port),
		Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}
