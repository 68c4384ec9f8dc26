package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/internal/dbtest"
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

// Multi-row inserts, row sources and IN lists of every size act on exactly
// their rows, padding included; on SQLite their texts come in a few sizes,
// so each is parsed once per connection and not once per row count.
func TestMultiRowStatementsPadded(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	if _, err := db.tExec(`CREATE TABLE bucket_t (id TEXT PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	ins := newInsert("bucket_t", textColumns("id", "v"), "RETURNING id")
	sizes := []int{1, 2, 3, 5, 7, 8, 9, 17, 31, 33, 64, 65, 100, 129, 257, 300, 499, 500, 501}
	for n := 1; n <= 40; n++ {
		sizes = append(sizes, n)
	}
	for k, n := range sizes {
		var args, ids []any
		for i := range n {
			id := fmt.Sprintf("%d-%d", k, i)
			args = append(args, id, nil)
			ids = append(ids, id)
		}
		var returned int
		err := db.change(ctx, func(t *tx) error {
			return ins.run(ctx, t, args, func(rows *sql.Rows) error {
				for rows.Next() {
					returned++
				}
				return nil
			})
		})
		if err != nil || returned != n {
			t.Fatalf("insert of %d rows: %d returned, %v", n, returned, err)
		}
		var inList, inSource int
		err = db.read(ctx, func(t *tx) error {
			ids := ids[:min(n, maxBulkRows)]
			cond, cargs, err := t.db.idIn("id", ids)
			if err != nil {
				return err
			}
			if err := t.queryRow(ctx, `SELECT count(*) FROM bucket_t WHERE `+cond, t.db.bulkArgs(cargs)...).Scan(&inList); err != nil {
				return err
			}
			src, sargs, err := t.db.rowsSource(textColumns("vid"), ids)
			if err != nil {
				return err
			}
			return t.queryRow(ctx, `WITH v(vid) AS (`+src+`) SELECT count(*) FROM v JOIN bucket_t b ON b.id = v.vid`,
				t.db.bulkArgs(sargs)...).Scan(&inSource)
		})
		if want := min(n, maxBulkRows); err != nil || inList != want || inSource != want {
			t.Fatalf("%d ids: IN list found %d, row source %d, want %d (%v)", n, inList, inSource, want, err)
		}
	}
	if dbtest.Backend() == dbtest.Postgres {
		return
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	texts := 0
	err = conn.Raw(func(dc any) error {
		for q := range dc.(*cachingConn).stmts {
			if strings.HasPrefix(q, "INSERT INTO bucket_t") {
				texts++
			}
		}
		return nil
	})
	if err != nil || texts > 11 {
		t.Errorf("inserts of %d sizes made %d statement texts, want at most 11 (%v)", len(sizes), texts, err)
	}
}

func TestRowBucket(t *testing.T) {
	for _, c := range []struct{ n, want int }{{0, 1}, {1, 1}, {2, 2}, {3, 4}, {5, 8}, {129, 256}, {257, 500}, {500, 500}, {501, 501}, {2000, 2000}} {
		if got := rowBucket(c.n); got != c.want {
			t.Errorf("rowBucket(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
