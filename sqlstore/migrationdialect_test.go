package sqlstore

import (
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestForDialect: a migration keeps its common lines, exactly as written,
// and the dialect's own blocks; the other dialect's blocks and the marker
// lines go.
func TestForDialect(t *testing.T) {
	src := `-- +goose Up
CREATE TABLE t (
    id TEXT PRIMARY KEY -- a comment stays
);
-- +dialect sqlite
CREATE TRIGGER lite;
-- +dialect postgres
CREATE FUNCTION pg();
CREATE TRIGGER pg;
-- +dialect end
CREATE INDEX t_id ON t(id);
-- +dialect postgres
ANALYZE t;
-- +dialect end
`
	for _, c := range []struct{ dialect, want string }{
		{DialectSQLite, `-- +goose Up
CREATE TABLE t (
    id TEXT PRIMARY KEY -- a comment stays
);
CREATE TRIGGER lite;
CREATE INDEX t_id ON t(id);
`},
		{DialectPostgres, `-- +goose Up
CREATE TABLE t (
    id TEXT PRIMARY KEY -- a comment stays
);
CREATE FUNCTION pg();
CREATE TRIGGER pg;
CREATE INDEX t_id ON t(id);
ANALYZE t;
`},
	} {
		got, err := forDialect([]byte(src), c.dialect)
		if err != nil {
			t.Fatalf("%s: %v", c.dialect, err)
		}
		if string(got) != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.dialect, got, c.want)
		}
	}
}

// TestForDialectRefusesBadBlocks: a block that is not closed, an end
// without a block, an unknown dialect or a block opened twice is an error
// naming the line, not a migration that runs half its statements.
func TestForDialectRefusesBadBlocks(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"-- +dialect sqlite\nSELECT 1;\n", "not closed"},
		{"SELECT 1;\n-- +dialect end\n", "line 2"},
		{"-- +dialect mysql\nSELECT 1;\n-- +dialect end\n", "line 1"},
		{"-- +dialect postgres\n-- +dialect postgres\n-- +dialect end\n", "line 2"},
	} {
		_, err := forDialect([]byte(c.src), DialectSQLite)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one saying %q", c.src, err, c.want)
		}
	}
}

// TestMigrationsAreWrittenOnce: the migrations are one directory of .sql
// files (no per-dialect copies left over from the old layout, which the
// loader would ignore), and each reads well in both dialects.
func TestMigrationsAreWrittenOnce(t *testing.T) {
	entries, err := os.ReadDir("migrations")
	mustOK(t, err)
	var sqls int
	for _, e := range entries {
		if e.IsDir() {
			t.Errorf("migrations/%s/: write each migration once in migrations/ (migrations/README.md), not per dialect", e.Name())
		}
		if strings.HasSuffix(e.Name(), ".sql") {
			sqls++
		}
	}
	if sqls == 0 {
		t.Fatal("no migrations read")
	}
	for _, dialect := range []string{DialectSQLite, DialectPostgres} {
		dir := dialectMigrations{dir: os.DirFS("migrations"), dialect: dialect}
		names, err := fs.Glob(dir, "*.sql")
		mustOK(t, err)
		for _, name := range names {
			b, err := fs.ReadFile(dir, name)
			if err != nil {
				t.Errorf("%s: %v", dialect, err)
			} else if strings.Contains(string(b), dialectMarker) {
				t.Errorf("%s %s: a dialect marker is left in", dialect, name)
			}
		}
	}
}
