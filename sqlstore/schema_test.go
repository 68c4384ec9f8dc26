package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/internal/dbtest"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

// One schema, two dialects: a fresh SQLite database and a fresh PostgreSQL
// database, each migrated with the migrations as its dialect reads them, have the same
// tables, views (by name), columns (name, nullability, type family), indexes (name, table,
// columns, unique, partial) and constraints (primary keys, unique
// constraints, foreign keys with their ON DELETE action). River's tables
// and goose's version table are left out; triggers are not compared (the
// audit table's append-only triggers are written differently on purpose,
// TestAuditAppendOnly checks both).
//
// In the PostgreSQL run it uses the run's server; in the SQLite run it
// starts its own, so either run alone proves it.
func TestSchemasOfBothDialectsAreEqual(t *testing.T) {
	ctx := context.Background()

	lite, err := Open("sqlite:" + filepath.Join(t.TempDir(), "schema.db"))
	mustOK(t, err)
	t.Cleanup(func() { lite.Close() })
	mustOK(t, lite.Migrate(ctx))

	pg := freshPostgres(t)
	mustOK(t, pg.Migrate(ctx))

	liteSchema, err := sqliteSchema(ctx, lite.SQL)
	mustOK(t, err)
	pgSchema, err := postgresSchema(ctx, pg.SQL)
	mustOK(t, err)
	// The introspection reads every kind of fact, on both sides.
	for _, want := range []string{
		"table assignments",
		"column users.manager_id text null",
		"column assignment_requests.version integer not null",
		"primary key group_members (group_id, user_id)",
		"unique resource_roles (resource_id, origin_id)",
		"foreign key users (manager_id) -> users (id) on delete SET NULL",
		"index assignments_one_live on assignments (target_id, access_package_id) unique partial",
		"index deliveries_request on deliveries (request_id)",
		"view audit_events",
	} {
		if !slices.Contains(liteSchema, want) || !slices.Contains(pgSchema, want) {
			t.Errorf("fact %q: on SQLite %v, on PostgreSQL %v", want, slices.Contains(liteSchema, want), slices.Contains(pgSchema, want))
		}
	}

	var diff []string
	for _, f := range liteSchema {
		if !slices.Contains(pgSchema, f) {
			diff = append(diff, "only on SQLite:     "+f)
		}
	}
	for _, f := range pgSchema {
		if !slices.Contains(liteSchema, f) {
			diff = append(diff, "only on PostgreSQL: "+f)
		}
	}
	if len(diff) > 0 {
		t.Fatalf("the migrations of the two dialects disagree:\n%s", strings.Join(diff, "\n"))
	}
	t.Logf("%d schema facts agree", len(liteSchema))
}

// freshPostgres returns an empty PostgreSQL database, not yet migrated:
// the run's server in the PostgreSQL run, a throwaway one otherwise.
func freshPostgres(t *testing.T) *DB {
	t.Helper()
	var dsn string
	if dbtest.Backend() == dbtest.Postgres {
		dsn = dbtest.NewPostgres(t)
	} else {
		dsn = pgtest.Start(t).CreateDatabase("schema")
	}
	db, err := Open(dsn)
	mustOK(t, err)
	t.Cleanup(func() { db.Close() })
	// The run's databases are copies of a migrated template: empty it.
	_, err = db.SQL.Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`)
	mustOK(t, err)
	return db
}

// skipTable reports whether a table is not part of entitled's own schema.
func skipTable(name string) bool {
	return strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "sqlite_") || name == "goose_db_version"
}

// sqliteFamily is the type family of a declared SQLite column type, by
// SQLite's affinity rules.
func sqliteFamily(decl string) string {
	d := strings.ToUpper(decl)
	switch {
	case strings.Contains(d, "INT"):
		return "integer"
	case strings.Contains(d, "CHAR"), strings.Contains(d, "CLOB"), strings.Contains(d, "TEXT"):
		return "text"
	case d == "" || strings.Contains(d, "BLOB"):
		return "blob"
	case strings.Contains(d, "REAL"), strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"):
		return "real"
	}
	return "numeric"
}

// postgresFamily is the type family of a PostgreSQL column type
// (information_schema's data_type). Booleans are a family of their own:
// entitled stores them as INTEGER 0/1 on both dialects.
func postgresFamily(typ string) string {
	switch typ {
	case "text", "character varying", "character":
		return "text"
	case "smallint", "integer", "bigint":
		return "integer"
	case "real", "double precision":
		return "real"
	case "bytea":
		return "blob"
	case "numeric":
		return "numeric"
	}
	return typ
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// indexColumn is an index key as compared: a column name, or "<expression>".
func indexColumn(s string) string {
	if identifier.MatchString(s) {
		return s
	}
	return "<expression>"
}

// Facts are one line each, so the two schemas compare as sets of lines:
//
//	column users.id text not null
//	primary key users (id)
//	unique group_members (group_id, user_id)
//	foreign key users (manager_id) -> users (id) on delete SET NULL
//	index assignments_one_live on assignments (target_id, access_package_id) unique partial

func columnFact(table, col, family string, notNull bool) string {
	null := "null"
	if notNull {
		null = "not null"
	}
	return fmt.Sprintf("column %s.%s %s %s", table, col, family, null)
}

func indexFact(name, table string, cols []string, unique, partial bool) string {
	f := fmt.Sprintf("index %s on %s (%s)", name, table, strings.Join(cols, ", "))
	if unique {
		f += " unique"
	}
	if partial {
		f += " partial"
	}
	return f
}

func fkFact(table string, cols []string, ref string, refCols []string, onDelete string) string {
	return fmt.Sprintf("foreign key %s (%s) -> %s (%s) on delete %s", table, strings.Join(cols, ", "), ref,
		strings.Join(refCols, ", "), strings.ToUpper(onDelete))
}

// sqliteSchema reads the facts of a SQLite database.
func sqliteSchema(ctx context.Context, db *sql.DB) ([]string, error) {
	tables, err := queryStrings(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	views, err := queryStrings(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var facts []string
	for _, v := range views {
		facts = append(facts, "view "+v)
	}
	pks := map[string][]string{}
	for _, table := range tables {
		if skipTable(table) {
			continue
		}
		facts = append(facts, "table "+table)
		rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			return nil, err
		}
		type pkCol struct {
			name string
			pos  int
		}
		var pk []pkCol
		for rows.Next() {
			var name, typ string
			var notNull bool
			var pos int
			if err := rows.Scan(&name, &typ, &notNull, &pos); err != nil {
				rows.Close()
				return nil, err
			}
			// A primary key column is NOT NULL on PostgreSQL; on SQLite
			// only when declared so, but entitled never stores NULL there.
			facts = append(facts, columnFact(table, name, sqliteFamily(typ), notNull || pos > 0))
			if pos > 0 {
				pk = append(pk, pkCol{name, pos})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(pk) > 0 {
			sort.Slice(pk, func(i, j int) bool { return pk[i].pos < pk[j].pos })
			var cols []string
			for _, c := range pk {
				cols = append(cols, c.name)
			}
			pks[table] = cols
			facts = append(facts, fmt.Sprintf("primary key %s (%s)", table, strings.Join(cols, ", ")))
		}
	}
	for _, table := range tables {
		if skipTable(table) {
			continue
		}
		idx, err := sqliteIndexes(ctx, db, table)
		if err != nil {
			return nil, err
		}
		facts = append(facts, idx...)
		fks, err := sqliteForeignKeys(ctx, db, table, pks)
		if err != nil {
			return nil, err
		}
		facts = append(facts, fks...)
	}
	sort.Strings(facts)
	return facts, nil
}

// sqliteIndexes reads a table's indexes: those made with CREATE INDEX as
// indexes, those behind a UNIQUE constraint as unique constraints (the
// primary key is read from the columns).
func sqliteIndexes(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, table)
	if err != nil {
		return nil, err
	}
	type index struct {
		name, origin    string
		unique, partial bool
	}
	var list []index
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.unique, &ix.origin, &ix.partial); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var facts []string
	for _, ix := range list {
		if ix.origin == "pk" {
			continue
		}
		colRows, err := db.QueryContext(ctx, `SELECT coalesce(name, '') FROM pragma_index_info(?) ORDER BY seqno`, ix.name)
		if err != nil {
			return nil, err
		}
		var cols []string
		for colRows.Next() {
			var c string
			if err := colRows.Scan(&c); err != nil {
				colRows.Close()
				return nil, err
			}
			cols = append(cols, indexColumn(c))
		}
		colRows.Close()
		if err := colRows.Err(); err != nil {
			return nil, err
		}
		if ix.origin == "u" {
			facts = append(facts, fmt.Sprintf("unique %s (%s)", table, strings.Join(cols, ", ")))
			continue
		}
		facts = append(facts, indexFact(ix.name, table, cols, ix.unique, ix.partial))
	}
	return facts, nil
}

// sqliteForeignKeys reads a table's foreign keys; a reference without
// columns is to the referenced table's primary key.
func sqliteForeignKeys(ctx context.Context, db *sql.DB, table string, pks map[string][]string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, "table", "from", coalesce("to", ''), on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type fk struct {
		ref, onDelete string
		cols, refCols []string
	}
	var order []int
	byID := map[int]*fk{}
	for rows.Next() {
		var id int
		var ref, from, to, onDelete string
		if err := rows.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
			return nil, err
		}
		k := byID[id]
		if k == nil {
			k = &fk{ref: ref, onDelete: onDelete}
			byID[id] = k
			order = append(order, id)
		}
		k.cols = append(k.cols, from)
		if to != "" {
			k.refCols = append(k.refCols, to)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var facts []string
	for _, id := range order {
		k := byID[id]
		if len(k.refCols) == 0 {
			k.refCols = pks[k.ref]
		}
		facts = append(facts, fkFact(table, k.cols, k.ref, k.refCols, k.onDelete))
	}
	return facts, nil
}

// pgDeleteActions maps pg_constraint.confdeltype to the action's name.
var pgDeleteActions = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

// postgresSchema reads the facts of the current schema of a PostgreSQL
// database.
func postgresSchema(ctx context.Context, db *sql.DB) ([]string, error) {
	var facts []string
	tables, err := queryStrings(ctx, db, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	for _, table := range tables {
		if !skipTable(table) {
			facts = append(facts, "table "+table)
		}
	}
	views, err := queryStrings(ctx, db, `SELECT viewname FROM pg_views WHERE schemaname = current_schema() ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	for _, v := range views {
		facts = append(facts, "view "+v)
	}

	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name, is_nullable = 'NO', data_type
		FROM information_schema.columns WHERE table_schema = current_schema()
		AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = current_schema())`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, col, typ string
		var notNull bool
		if err := rows.Scan(&table, &col, &notNull, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		if !skipTable(table) {
			facts = append(facts, columnFact(table, col, postgresFamily(typ), notNull))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Constraints, with their columns in key order.
	rows, err = db.QueryContext(ctx, `
		SELECT c.contype::text, t.relname, coalesce(f.relname, ''), c.confdeltype::text,
			(SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
			coalesce((SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum), '')
		FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		LEFT JOIN pg_class f ON f.oid = c.confrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f')`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var typ, table, ref, onDelete, cols, refCols string
		if err := rows.Scan(&typ, &table, &ref, &onDelete, &cols, &refCols); err != nil {
			rows.Close()
			return nil, err
		}
		if skipTable(table) {
			continue
		}
		switch typ {
		case "p":
			facts = append(facts, fmt.Sprintf("primary key %s (%s)", table, cols))
		case "u":
			facts = append(facts, fmt.Sprintf("unique %s (%s)", table, cols))
		case "f":
			facts = append(facts, fkFact(table, strings.Split(cols, ", "), ref, strings.Split(refCols, ", "), pgDeleteActions[onDelete]))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Indexes that do not stand behind a primary key or unique constraint.
	rows, err = db.QueryContext(ctx, `
		SELECT i.relname, t.relname, x.indisunique, x.indpred IS NOT NULL,
			(SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), '|' ORDER BY k) FROM generate_series(1, x.indnkeyatts) k)
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c
			WHERE c.conrelid = x.indrelid AND c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, table, keys string
		var unique, partial bool
		if err := rows.Scan(&name, &table, &unique, &partial, &keys); err != nil {
			rows.Close()
			return nil, err
		}
		if skipTable(table) {
			continue
		}
		var cols []string
		for _, k := range strings.Split(keys, "|") {
			cols = append(cols, indexColumn(k))
		}
		facts = append(facts, indexFact(name, table, cols, unique, partial))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(facts)
	return facts, nil
}

// queryStrings runs a query of one text column.
func queryStrings(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	return scanStrings(db.QueryContext(ctx, q))
}

// scanStrings reads the values of a query of one text column, in order,
// and closes its rows.
func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
