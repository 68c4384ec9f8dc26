package delivery

import (
	"context"
	"database/sql"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/entitled-dev/entitled/internal/dbtest"
)

// The suite runs once per backend (internal/dbtest): on SQLite with
// River's SQLite driver, then on a throwaway PostgreSQL server with its
// database/sql driver, a fresh database per test.

func TestMain(m *testing.M) {
	os.Exit(dbtest.Main(m, "delivery", func(dsn string) error {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		return migrateRiver(db)
	}))
}

func migrateRiver(db *sql.DB) error {
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(context.Background(), rivermigrate.DirectionUp, nil)
	return err
}

// openPostgres opens a fresh PostgreSQL database holding River's tables,
// with a pool like the store's.
func openPostgres(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dbtest.NewPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(20)
	t.Cleanup(func() { db.Close() })
	return db
}

var (
	jsonArgPath = regexp.MustCompile(`json_extract\(args, '\$\.(\w+)(?:\[(\d+)\]\.(\w+))?'\)`)
	placeholder = regexp.MustCompile(`\?`)
)

// q turns a test query written for SQLite into the run's dialect:
// json_extract(args, '$.a[0].b') and '$.a' become PostgreSQL's jsonb
// operators, ? placeholders become $n.
func q(query string) string {
	if dbtest.Backend() != dbtest.Postgres {
		return query
	}
	query = jsonArgPath.ReplaceAllStringFunc(query, func(m string) string {
		p := jsonArgPath.FindStringSubmatch(m)
		if p[2] == "" {
			return "(args->>'" + p[1] + "')"
		}
		return "(args->'" + p[1] + "'->" + p[2] + "->>'" + p[3] + "')"
	})
	n := 0
	return placeholder.ReplaceAllStringFunc(query, func(string) string { n++; return "$" + strconv.Itoa(n) })
}
