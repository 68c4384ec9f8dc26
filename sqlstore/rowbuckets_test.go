package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/internal/dbtest"
)

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
