package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// idMigrationVersion is migration 00028, written in Go (the only one): it
// walks the schema it finds instead of listing 267 columns by hand.
const idMigrationVersion = 28

// idMigration returns migration 00028 for the dialect. On SQLite it stores
// every UUID held as text in 16 bytes (idcodec.go); on PostgreSQL it
// creates idtext(x), which returns its text argument, so that the SQL
// written for both dialects may call it.
func idMigration(dialect string) *goose.Migration {
	if dialect == DialectPostgres {
		return goose.NewGoMigration(idMigrationVersion,
			&goose.GoFunc{RunTx: execAll(`CREATE FUNCTION idtext(x text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x'`)},
			&goose.GoFunc{RunTx: execAll(`DROP FUNCTION idtext(text)`)})
	}
	// Down leaves the bytes as they are: this binary reads them at any
	// schema version, an older one could not (restore the backup taken
	// before the upgrade instead; migrations only go forward).
	return goose.NewGoMigration(idMigrationVersion, &goose.GoFunc{RunTx: storeUUIDsAsBytes}, &goose.GoFunc{RunTx: execAll()})
}

// execAll returns a migration step running the statements in order.
func execAll(stmts ...string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	}
}

// uuidGlob matches exactly a canonical lowercase UUID.
var uuidGlob = "'" + strings.Join([]string{hexGlob(8), hexGlob(4), hexGlob(4), hexGlob(4), hexGlob(12)}, "-") + "'"

func hexGlob(n int) string { return strings.Repeat("[0-9a-f]", n) }

// storeUUIDsAsBytes rewrites, in every TEXT column of entitled's tables
// (not River's, not goose's), each canonical UUID as its 16 bytes. The
// triggers of those tables are dropped around it and recreated from their
// stored definitions (the append-only audit triggers would refuse the
// UPDATE; request_counts' would count each converted request twice), and
// request_counts is recomputed from the requests. Foreign keys are checked
// at commit, once parents and children hold the same bytes.
func storeUUIDsAsBytes(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return err
	}
	// Changing a parent's id looks up its children: a child column no
	// index leads (users.manager_id, …) would be read whole for each
	// parent row changed. Such columns get an index for the duration.
	unindexed, err := queryPairs(ctx, tx, `SELECT DISTINCT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND m.name NOT LIKE 'river\_%' ESCAPE '\' AND NOT EXISTS (
			SELECT 1 FROM pragma_index_list(m.name) il, pragma_index_info(il.name) ii WHERE ii.seqno = 0 AND ii.name = f."from")`)
	if err != nil {
		return err
	}
	for i, fk := range unindexed {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE INDEX idcodec_fk_%d ON "%s" ("%s")`, i, fk[0], fk[1])); err != nil {
			return err
		}
	}
	triggers, err := queryPairs(ctx, tx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name NOT LIKE 'river\_%' ESCAPE '\' ORDER BY rowid`)
	if err != nil {
		return err
	}
	for _, tr := range triggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER "`+tr[0]+`"`); err != nil {
			return err
		}
	}
	tables, err := queryPairs(ctx, tx, `SELECT name, '' FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'river\_%' ESCAPE '\' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'goose_db_version' ORDER BY name`)
	if err != nil {
		return err
	}
	for _, t := range tables {
		cols, err := queryPairs(ctx, tx, `SELECT name, '' FROM pragma_table_info(?) WHERE upper(type) = 'TEXT' ORDER BY cid`, keepText(t[0]))
		if err != nil {
			return err
		}
		if len(cols) == 0 {
			continue
		}
		sets, conds := make([]string, len(cols)), make([]string, len(cols))
		for i, c := range cols {
			q := `"` + c[0] + `"`
			sets[i] = fmt.Sprintf("%s = CASE WHEN %s GLOB %s THEN unhex(replace(%s, '-', '')) ELSE %s END", q, q, uuidGlob, q, q)
			conds[i] = q + " GLOB " + uuidGlob
		}
		stmt := `UPDATE "` + t[0] + `" SET ` + strings.Join(sets, ", ") + ` WHERE ` + strings.Join(conds, " OR ")
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("store the UUIDs of %s in 16 bytes: %w", t[0], err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM request_counts`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO request_counts (access_package_id, state, shard, n)
		SELECT access_package_id, state, 0, count(*) FROM assignment_requests GROUP BY access_package_id, state`); err != nil {
		return err
	}
	for _, tr := range triggers {
		if _, err := tx.ExecContext(ctx, tr[1]); err != nil {
			return fmt.Errorf("recreate trigger %s: %w", tr[0], err)
		}
	}
	for i := range unindexed {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DROP INDEX idcodec_fk_%d`, i)); err != nil {
			return err
		}
	}
	return nil
}

// queryPairs returns the rows of a two-column text query.
func queryPairs(ctx context.Context, tx *sql.Tx, q string, args ...any) ([][2]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
