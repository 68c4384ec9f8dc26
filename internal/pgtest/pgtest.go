// Package pgtest runs throwaway PostgreSQL servers for tests: initdb into a
// temporary directory, pg_ctl start on a free 127.0.0.1 port (and a Unix
// socket in the same directory), stop by pg_ctl stop -m immediate (falling
// back to killing the postmaster's PID), restart on the same data. The
// server runs with fsync off (fast; data survives the server's crash but not
// the machine's) and synchronous commit on, so a committed transaction
// survives Stop.
//
// PostgreSQL refuses to run as root. When the test runs as root, initdb and
// the server run as an unprivileged user (PGTEST_USER, else "postgres" if
// that account exists, else "nobody"), and the temporary directory is owned
// by that user.
//
// When the server binaries are missing the test is skipped with a message
// saying what to install, unless CI is set, in which case it fails.
// PGTEST_BINDIR overrides where the binaries are looked for.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/entitled-dev/entitled/internal/testproc"
)

// Superuser is the name of the bootstrap superuser of every server.
const Superuser = "postgres"

// InstallHint says what to install when the binaries are missing.
const InstallHint = "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql) or set PGTEST_BINDIR to the directory holding initdb, pg_ctl and postgres"

// Options tune a server. The zero value is a good default.
type Options struct {
	// Settings are extra server settings ("name=value"), passed as -c.
	Settings []string
}

// Server is one running (or stopped) throwaway PostgreSQL server.
type Server struct {
	tb       testing.TB
	bin      string
	dir      string // owned by the server's user
	data     string
	sock     string
	logFile  string
	port     int
	password string
	cred     *syscall.Credential
	settings []string

	mu      sync.Mutex
	running bool
}

// Start starts a server with default options; see StartWith.
func Start(tb testing.TB) *Server { return StartWith(tb, Options{}) }

// StartWith initializes a data directory and starts a server on a free
// loopback port. The server is stopped and its directory removed when the
// test ends. The superuser "postgres" logs in over TCP with a random
// password (scram-sha-256) and over the Unix socket without one.
func StartWith(tb testing.TB, o Options) *Server {
	tb.Helper()
	bin, err := findBinaries()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("pgtest: %v; %s", err, InstallHint)
		}
		tb.Skipf("pgtest: %v; %s", err, InstallHint)
	}
	s := &Server{tb: tb, bin: bin, settings: o.Settings}
	if err := s.setup(); err != nil {
		s.removeDir()
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		s.stop()
		s.removeDir()
	})
	var startErr error
	for attempt := 0; attempt < 5; attempt++ {
		if s.port, startErr = testproc.FreePort(); startErr != nil {
			break
		}
		if startErr = s.start(); startErr == nil {
			return s
		}
		if !strings.Contains(s.log(), "could not bind") && !strings.Contains(s.log(), "could not create") {
			break
		}
	}
	tb.Fatalf("pgtest: starting postgres: %v\n%s", startErr, s.log())
	return nil
}

// findBinaries returns the directory holding initdb, pg_ctl and postgres.
func findBinaries() (string, error) {
	have := func(dir string) bool {
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, b)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv("PGTEST_BINDIR"); dir != "" {
		if have(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("PGTEST_BINDIR=%s lacks initdb, pg_ctl or postgres", dir)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if have(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil && have(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/*/bin or PATH")
}

func versionOf(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// setup makes the directory, picks the user and runs initdb.
func (s *Server) setup() error {
	base := os.TempDir()
	if os.Geteuid() == 0 && !traversable(base) {
		// The server's user must reach its directory.
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pgtest-")
	if err != nil {
		return err
	}
	s.dir = dir
	s.data = filepath.Join(dir, "data")
	s.sock = dir
	s.logFile = filepath.Join(dir, "postgres.log")
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			return err
		}
		s.cred = cred
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	s.password = hex.EncodeToString(b[:])
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
		return err
	}
	if err := s.chown(pwfile); err != nil {
		return err
	}
	out, err := s.run("initdb", "-D", s.data, "-U", Superuser, "--pwfile", pwfile, "-E", "UTF8", "--no-locale",
		"--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
	os.Remove(pwfile)
	if err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	return nil
}

// traversable reports whether every directory from / to dir lets others
// pass (o+x), as the unprivileged server user must.
func traversable(dir string) bool {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

// unprivileged returns the credentials to run PostgreSQL with as root.
func unprivileged() (*syscall.Credential, error) {
	names := []string{"postgres", "nobody"}
	if n := os.Getenv("PGTEST_USER"); n != "" {
		names = []string{n}
	}
	for _, n := range names {
		u, err := user.Lookup(n)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
	}
	return nil, fmt.Errorf("running as root and none of the users %v exists to run PostgreSQL as; create one or set PGTEST_USER", names)
}

func (s *Server) chown(path string) error {
	if s.cred == nil {
		return nil
	}
	return os.Chown(path, int(s.cred.Uid), int(s.cred.Gid))
}

// run runs one of the server's binaries as the server's user.
func (s *Server) run(name string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "HOME="+s.dir, "LC_ALL=C", "PGTZ=UTC")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// start runs pg_ctl start and waits until the server accepts connections.
func (s *Server) start() error {
	opts := []string{"-p", strconv.Itoa(s.port), "-k", s.sock, "-h", "127.0.0.1",
		"-c", "fsync=off", "-c", "full_page_writes=off"}
	for _, kv := range s.settings {
		opts = append(opts, "-c", kv)
	}
	out, err := s.run("pg_ctl", "start", "-w", "-t", "60", "-D", s.data, "-l", s.logFile, "-o", strings.Join(opts, " "))
	if err != nil {
		return fmt.Errorf("pg_ctl start: %v\n%s", err, out)
	}
	s.mu.Lock()
	s.running = true
	s.mu.Unlock()
	return nil
}

// pid returns the postmaster's PID from postmaster.pid, or 0.
func (s *Server) pid() int {
	b, err := os.ReadFile(filepath.Join(s.data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// stop stops the server abruptly; a stopped server is left alone.
func (s *Server) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return nil
	}
	pid := s.pid()
	out, err := s.run("pg_ctl", "stop", "-m", "immediate", "-w", "-t", "30", "-D", s.data)
	if err != nil && pid > 0 {
		// pg_ctl failed: kill the postmaster by its PID and wait for it to go.
		_ = syscall.Kill(pid, syscall.SIGKILL)
		for i := 0; i < 300 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if syscall.Kill(pid, 0) == nil {
			return fmt.Errorf("pg_ctl stop: %v\n%s; postmaster %d survived SIGKILL", err, out, pid)
		}
		// An immediate stop leaves postmaster.pid; the next start checks
		// the PID in it and proceeds since that process is gone.
	} else if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	s.running = false
	return nil
}

func (s *Server) removeDir() {
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// log returns the server log (for failure messages).
func (s *Server) log() string {
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}

// Log returns the server's log so far.
func (s *Server) Log() string { return s.log() }

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// Credential is the unprivileged user the server runs as when the test
// runs as root (nil otherwise), for other servers that refuse root too.
func (s *Server) Credential() *syscall.Credential { return s.cred }

// SocketDir is the directory of the server's Unix socket.
func (s *Server) SocketDir() string { return s.sock }

// Password is the superuser's password.
func (s *Server) Password() string { return s.password }

// DSN returns a URL connection string for the superuser to database db
// ("postgres" when empty) over TCP, password included.
func (s *Server) DSN(db string) string {
	return s.UserDSN(Superuser, s.password, db)
}

// UserDSN returns a URL connection string for user with password to
// database db ("postgres" when empty) over TCP.
func (s *Server) UserDSN(user, password, db string) string {
	if db == "" {
		db = "postgres"
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: fmt.Sprintf("127.0.0.1:%d", s.port),
		Path: "/" + db, RawQuery: "sslmode=disable"}
	if password == "" {
		u.User = url.User(user)
	}
	return u.String()
}

// Stop stops the server abruptly (pg_ctl stop -m immediate, as a crash
// would); connections are cut. Restart brings it back.
func (s *Server) Stop() {
	s.tb.Helper()
	if err := s.stop(); err != nil {
		s.tb.Fatalf("pgtest: %v", err)
	}
}

// Restart starts the server again on the same port and data (stopping it
// first if it runs).
func (s *Server) Restart() {
	s.tb.Helper()
	if err := s.stop(); err != nil {
		s.tb.Fatalf("pgtest: %v", err)
	}
	if err := s.start(); err != nil {
		s.tb.Fatalf("pgtest: restarting postgres: %v\n%s", err, s.log())
	}
}

// Connect opens a superuser connection to database db ("postgres" when
// empty), closed when the test ends.
func (s *Server) Connect(db string) *pgx.Conn {
	s.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.DSN(db))
	if err != nil {
		s.tb.Fatalf("pgtest: connecting to %s: %v", db, err)
	}
	s.tb.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// Exec runs sql (several statements allowed when there are no args) as the
// superuser on database "postgres"; an error fails the test.
func (s *Server) Exec(sql string, args ...any) {
	s.tb.Helper()
	if err := s.ExecErr(sql, args...); err != nil {
		s.tb.Fatalf("pgtest: %s: %v", sql, err)
	}
}

// ExecErr runs sql as the superuser on database "postgres" and returns the error.
func (s *Server) ExecErr(sql string, args ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.DSN(""))
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	_, err = c.Exec(ctx, sql, args...)
	return err
}

// CreateDatabase creates database name and returns the superuser's DSN for it.
func (s *Server) CreateDatabase(name string) string {
	s.tb.Helper()
	s.Exec("CREATE DATABASE " + pgx.Identifier{name}.Sanitize())
	return s.DSN(name)
}
