// Package dbtest runs a package's whole test suite once per database
// backend: SQLite, then PostgreSQL on a throwaway server (internal/pgtest)
// started for the package. On PostgreSQL every test gets a fresh database
// copied from a template prepared once (e.g. migrated).
//
// ENTITLED_TEST_BACKENDS=sqlite (or postgres) runs one backend only. When
// the PostgreSQL server binaries are missing the PostgreSQL run is skipped
// with a message, unless CI is set, in which case the run fails.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/entitled-dev/entitled/internal/pgtest"
)

// Backends.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

var (
	current  = SQLite
	srv      *pgtest.Server
	admin    *sql.DB
	template string
	counter  atomic.Int64
)

// Backend is the backend of the run in progress: SQLite or Postgres.
func Backend() string { return current }

// Main runs m once per backend and returns the exit code. prepare gets the
// URL of the PostgreSQL template database, to migrate it; every database
// NewPostgres returns is a copy of it.
func Main(m *testing.M, pkg string, prepare func(dsn string) error) int {
	want := os.Getenv("ENTITLED_TEST_BACKENDS")
	code := 0
	if want == "" || strings.Contains(want, SQLite) {
		current = SQLite
		fmt.Printf("=== %s: backend sqlite\n", pkg)
		code = m.Run()
	}
	if want == "" || strings.Contains(want, Postgres) {
		current = Postgres
		fmt.Printf("=== %s: backend postgres\n", pkg)
		stop, err := startPostgres(prepare)
		if err != nil {
			if s, ok := err.(skipError); ok && os.Getenv("CI") == "" {
				fmt.Printf("--- SKIP %s on PostgreSQL: %s\n", pkg, s.msg)
				return code
			}
			fmt.Fprintf(os.Stderr, "%s: PostgreSQL run: %v\n", pkg, err)
			return 1
		}
		if c := m.Run(); c != 0 {
			code = c
		}
		stop()
	}
	return code
}

type skipError struct{ msg string }

func (e skipError) Error() string { return "skipped: " + e.msg }

// startPostgres starts the server and prepares the template database.
func startPostgres(prepare func(dsn string) error) (stop func(), err error) {
	tb := &mainTB{}
	defer func() {
		if r := recover(); r != nil {
			st, ok := r.(tbStop)
			if !ok {
				panic(r)
			}
			tb.cleanup()
			if st.skip {
				err = skipError{st.msg}
			} else {
				err = fmt.Errorf("starting PostgreSQL: %s", st.msg)
			}
		}
	}()
	srv = pgtest.StartWith(tb, pgtest.Options{Settings: []string{"max_connections=300"}})
	admin, err = sql.Open("pgx", srv.DSN(""))
	if err != nil {
		tb.cleanup()
		return nil, err
	}
	tb.Cleanup(func() { admin.Close() })
	template = "entitled_template"
	if _, err := admin.Exec("CREATE DATABASE " + template); err != nil {
		tb.cleanup()
		return nil, err
	}
	if prepare != nil {
		if err := prepare(srv.DSN(template)); err != nil {
			tb.cleanup()
			return nil, fmt.Errorf("preparing the template database: %w", err)
		}
	}
	return tb.cleanup, nil
}

// NewPostgres creates a fresh database copied from the template and returns
// its URL; the database is dropped when the test ends (close every pool on
// it in an earlier-registered cleanup, or let DROP … WITH (FORCE) cut them).
// Call it only in the PostgreSQL run.
func NewPostgres(t testing.TB) string {
	t.Helper()
	if current != Postgres || srv == nil {
		t.Fatal("dbtest.NewPostgres outside the PostgreSQL run")
	}
	name := fmt.Sprintf("t_%d", counter.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + template); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return srv.DSN(name)
}

// mainTB is the testing.TB pgtest gets from Main, where there is no test
// yet: failing or skipping panics with tbStop, which startPostgres
// recovers; cleanups run when the PostgreSQL run ends.
type mainTB struct {
	testing.TB // nil: only the methods below may be called
	cleanups   []func()
}

type tbStop struct {
	msg  string
	skip bool
}

func (tb *mainTB) Helper()                        {}
func (tb *mainTB) Name() string                   { return "TestMain" }
func (tb *mainTB) Cleanup(f func())               { tb.cleanups = append(tb.cleanups, f) }
func (tb *mainTB) Log(a ...any)                   { fmt.Println(a...) }
func (tb *mainTB) Logf(format string, a ...any)   { fmt.Printf(format+"\n", a...) }
func (tb *mainTB) Error(a ...any)                 { tb.Fatal(a...) }
func (tb *mainTB) Errorf(format string, a ...any) { tb.Fatalf(format, a...) }
func (tb *mainTB) Fatal(a ...any)                 { panic(tbStop{msg: fmt.Sprint(a...)}) }
func (tb *mainTB) Fatalf(format string, a ...any) { panic(tbStop{msg: fmt.Sprintf(format, a...)}) }
func (tb *mainTB) Skip(a ...any)                  { panic(tbStop{msg: fmt.Sprint(a...), skip: true}) }
func (tb *mainTB) Skipf(format string, a ...any) {
	panic(tbStop{msg: fmt.Sprintf(format, a...), skip: true})
}
func (tb *mainTB) Context() context.Context { return context.Background() }
func (tb *mainTB) Failed() bool             { return false }
func (tb *mainTB) Skipped() bool            { return false }

// cleanup runs the cleanups, last registered first.
func (tb *mainTB) cleanup() {
	for i := len(tb.cleanups) - 1; i >= 0; i-- {
		tb.cleanups[i]()
	}
	tb.cleanups = nil
}
