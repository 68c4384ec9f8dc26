package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/entitled-dev/entitled/internal/pgtest"
)

// The whole suite runs once per backend: SQLite, then PostgreSQL on a
// throwaway server (internal/pgtest) started for the package. Every test
// gets a fresh database: a SQLite file in t.TempDir(), or on PostgreSQL a
// database copied from a migrated template.
//
// ENTITLED_TEST_BACKENDS=sqlite (or postgres) runs one backend only. When
// the PostgreSQL server binaries are missing the PostgreSQL run is skipped
// with a message, unless CI is set, in which case the run fails.

// backend is the backend the current run uses: "sqlite" or "postgres".
var backend = DialectSQLite

// pg is the package's PostgreSQL server while the postgres run lasts.
var pg struct {
	srv      *pgtest.Server
	admin    *sql.DB // the "postgres" database, to create test databases
	template string  // migrated database copied for every test
	n        atomic.Int64
}

func TestMain(m *testing.M) {
	os.Exit(runBackends(m))
}

func runBackends(m *testing.M) int {
	want := os.Getenv("ENTITLED_TEST_BACKENDS")
	code := 0
	if want == "" || strings.Contains(want, DialectSQLite) {
		backend = DialectSQLite
		fmt.Println("=== sqlstore: backend sqlite")
		code = m.Run()
	}
	if want == "" || strings.Contains(want, DialectPostgres) {
		backend = DialectPostgres
		fmt.Println("=== sqlstore: backend postgres")
		stop, err := startPostgres()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			if errSkip, ok := err.(skipError); ok && os.Getenv("CI") == "" {
				fmt.Printf("--- SKIP sqlstore on PostgreSQL: %s\n", errSkip.msg)
				return code
			}
			return 1
		}
		if c := m.Run(); c != 0 {
			code = c
		}
		stop()
	}
	return code
}

// skipError says the PostgreSQL run cannot happen on this machine.
type skipError struct{ msg string }

func (e skipError) Error() string { return "sqlstore: PostgreSQL tests skipped: " + e.msg }

// startPostgres starts the server, migrates the template database and
// returns the function that stops it.
func startPostgres() (stop func(), err error) {
	tb := &mainTB{}
	defer func() {
		if r := recover(); r != nil {
			stop, ok := r.(tbStop)
			if !ok {
				panic(r)
			}
			tb.cleanup()
			if stop.skip {
				err = skipError{stop.msg}
			} else {
				err = fmt.Errorf("sqlstore: starting PostgreSQL: %s", stop.msg)
			}
		}
	}()
	pg.srv = pgtest.StartWith(tb, pgtest.Options{Settings: []string{"max_connections=200"}})
	pg.admin, err = sql.Open("pgx", pg.srv.DSN(""))
	if err != nil {
		tb.cleanup()
		return nil, err
	}
	tb.Cleanup(func() { pg.admin.Close() })
	pg.template = "entitled_template"
	ctx := context.Background()
	if _, err := pg.admin.ExecContext(ctx, "CREATE DATABASE "+pg.template); err != nil {
		tb.cleanup()
		return nil, err
	}
	db, err := Open(pg.srv.DSN(pg.template))
	if err == nil {
		err = db.Migrate(ctx)
		db.Close()
	}
	if err != nil {
		tb.cleanup()
		return nil, fmt.Errorf("sqlstore: migrating the PostgreSQL template: %w", err)
	}
	return tb.cleanup, nil
}

// openTestDB opens a fresh, migrated database of the current backend,
// closed (and on PostgreSQL dropped) when the test ends.
func openTestDB(t testing.TB) *DB {
	t.Helper()
	if backend != DialectPostgres {
		db, err := Open("sqlite:" + filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return db
	}
	name := fmt.Sprintf("t_%d", pg.n.Add(1))
	ctx := context.Background()
	if _, err := pg.admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pg.template); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	db, err := Open(pg.srv.DSN(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		if _, err := pg.admin.ExecContext(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	// The template is migrated; Migrate must find nothing to do.
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// tExec runs a statement with ? placeholders outside the store, for fixtures.
func (db *DB) tExec(q string, args ...any) (sql.Result, error) {
	return db.SQL.Exec(db.rebind(q), args...)
}

// tQueryRow runs a one-row query with ? placeholders outside the store.
func (db *DB) tQueryRow(q string, args ...any) *sql.Row {
	return db.SQL.QueryRow(db.rebind(q), args...)
}

// tQuery runs a query with ? placeholders outside the store.
func (db *DB) tQuery(q string, args ...any) (*sql.Rows, error) {
	return db.SQL.Query(db.rebind(q), args...)
}

// mainTB is the testing.TB pgtest gets from TestMain, where there is no
// test yet: failing or skipping panics with tbStop, which startPostgres
// recovers; cleanups run when the postgres run ends.
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
func (tb *mainTB) Setenv(key, value string) { os.Setenv(key, value) }
func (tb *mainTB) Context() context.Context { return context.Background() }
func (tb *mainTB) TempDir() string          { d, _ := os.MkdirTemp("", "sqlstore-"); return d }
func (tb *mainTB) Failed() bool             { return false }
func (tb *mainTB) Skipped() bool            { return false }

// cleanup runs the cleanups, last registered first.
func (tb *mainTB) cleanup() {
	for i := len(tb.cleanups) - 1; i >= 0; i-- {
		tb.cleanups[i]()
	}
	tb.cleanups = nil
}
