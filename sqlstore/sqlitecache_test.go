package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

func openCached(t *testing.T) *sql.DB {
	t.Helper()
	c, err := openSQLite("file:" + filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c');`); err != nil {
		t.Fatal(err)
	}
	return db
}

// A statement whose rows are still open is not reused by a nested call of
// the same text: both see all their rows.
func TestStatementCacheNestedSameQuery(t *testing.T) {
	db := openCached(t)
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = `SELECT v FROM t WHERE id >= ? ORDER BY id`
	outer, err := tx.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var v string
		if err := outer.Scan(&v); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, q, 2)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for inner.Next() {
			n++
		}
		inner.Close()
		got = append(got, fmt.Sprintf("%s:%d", v, n))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if fmt.Sprint(got) != "[a:2 b:2 c:2]" {
		t.Errorf("nested queries of one statement: %v", got)
	}
}

// Reused statements bind new arguments each time, and the cache stops
// growing at its bound while queries keep working.
func TestStatementCacheReuseAndBound(t *testing.T) {
	db := openCached(t)
	for i := range 3 {
		var v string
		if err := db.QueryRow(`SELECT v FROM t WHERE id = ?`, i+1).Scan(&v); err != nil || v != string(rune('a'+i)) {
			t.Fatalf("id %d: %q %v", i+1, v, err)
		}
	}
	for i := range maxCachedStmts + 10 {
		var n int
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) + %d FROM t`, i)).Scan(&n); err != nil || n != 3+i {
			t.Fatalf("query %d: %d %v", i, n, err)
		}
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		c := dc.(*cachingConn)
		if len(c.stmts) > maxCachedStmts {
			t.Errorf("cache holds %d statements, bound is %d", len(c.stmts), maxCachedStmts)
		}
		return nil
	})
	conn.Close() // the pool's only connection
	if err != nil {
		t.Fatal(err)
	}
	// A syntax error is reported, not cached.
	if _, err := db.Exec(`SELEC nothing`); err == nil {
		t.Error("syntax error accepted")
	}
}
