package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// uuidAsTextSQL is the SQL of a column's value as an older entitled stored
// it: a 16-byte UUID as its 36 characters.
func uuidAsTextSQL(c string) string {
	h := "hex(" + c + ")"
	return fmt.Sprintf(`CASE WHEN typeof(%s) = 'blob' AND length(%s) = 16 THEN lower(substr(%s, 1, 8) || '-' || substr(%s, 9, 4) || '-' ||
		substr(%s, 13, 4) || '-' || substr(%s, 17, 4) || '-' || substr(%s, 21)) ELSE %s END`, c, c, h, h, h, h, h, c)
}

// entitledTextColumns lists the TEXT columns of entitled's tables, by table.
func entitledTextColumns(t *testing.T, q querier) map[string][]string {
	t.Helper()
	ctx := context.Background()
	tables, err := scanStrings(q.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'river\_%' ESCAPE '\' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'goose_db_version'`))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		cols, err := scanStrings(q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) WHERE type = 'TEXT'`, table))
		if err != nil {
			t.Fatal(err)
		}
		out[table] = cols
	}
	return out
}

// storeUUIDsAsText turns the database at path back into what an entitled
// before migration 00028 wrote (every UUID as text), through a connection
// of its own without the codec, with the triggers dropped around it.
func storeUUIDsAsText(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var triggers [][2]string
	rows, err := raw.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p [2]string
		mustOK(t, rows.Scan(&p[0], &p[1]))
		triggers = append(triggers, p)
	}
	rows.Close()
	stmts := []string{}
	for _, tr := range triggers {
		stmts = append(stmts, `DROP TRIGGER `+tr[0])
	}
	for table, cols := range entitledTextColumns(t, raw) {
		sets := make([]string, len(cols))
		for i, c := range cols {
			sets[i] = c + " = " + uuidAsTextSQL(c)
		}
		stmts = append(stmts, `UPDATE `+table+` SET `+strings.Join(sets, ", "))
	}
	for _, tr := range triggers {
		stmts = append(stmts, tr[1])
	}
	for _, s := range stmts {
		if _, err := raw.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// uuidsAsText counts the values of TEXT columns that are canonical UUIDs
// stored as text.
func uuidsAsText(t *testing.T, db *DB) int {
	t.Helper()
	n := 0
	for table, cols := range entitledTextColumns(t, db.SQL) {
		for _, c := range cols {
			var k int
			mustOK(t, db.SQL.QueryRow(`SELECT count(*) FROM `+table+` WHERE typeof(`+c+`) = 'text' AND `+c+` GLOB `+uuidGlob).Scan(&k))
			n += k
		}
	}
	return n
}

// TestUUIDMigrationConvertsEveryID: a database whose ids an older entitled
// stored as text (requests in every state, assignments, deliveries, audit
// events, users, group members, notifications) reads back the same after
// migration 00028, with no UUID left as text; request_counts agree with the
// requests, the audit triggers still refuse changes, and keyset paging and
// filters by id find the rows.
func TestUUIDMigrationConvertsEveryID(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteStore(t, "old.db")
	f := setupLC(t, s, entitled.NewContext(ctx, entitled.SystemActor))
	populate(t, f)
	f.exec(`INSERT INTO group_members (group_id, user_id) VALUES (?, ?)`, f.group, f.alice.ID)
	for table, min := range map[string]int{"assignment_requests": 5, "assignments": 3, "deliveries": 5, "audit_events": 20,
		"users": 8, "group_members": 1, "notifications": 1} {
		if n := f.count(`SELECT count(*) FROM ` + table); n < min {
			t.Fatalf("the fixture holds %d rows in %s, want at least %d", n, table, min)
		}
	}
	want := dumpTables(t, s.db)
	storeUUIDsAsText(t, s.db.Path)
	if n := uuidsAsText(t, s.db); n < 100 {
		t.Fatalf("the old database holds %d UUIDs as text, want them all", n)
	}
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	mustOK(t, err)
	mustOK(t, storeUUIDsAsBytes(ctx, tx))
	mustOK(t, tx.Commit())

	if n := uuidsAsText(t, s.db); n != 0 {
		t.Errorf("%d UUIDs left as text after the migration", n)
	}
	if got := dumpTables(t, s.db); !reflect.DeepEqual(got, want) {
		for table := range want {
			if !reflect.DeepEqual(got[table], want[table]) {
				t.Errorf("%s after the migration:\n got %v\nwant %v", table, got[table], want[table])
			}
		}
	}
	wantRequestCounts(t, s.db)
	for _, q := range []string{`UPDATE audit_events SET result = 'x'`, `DELETE FROM audit_events`, `UPDATE audit_retention SET action = 'x'`} {
		if _, err := s.db.SQL.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s after the migration: %v, want it refused as append-only", q, err)
		}
	}
	// Keyset paging visits every request once; a filter by id finds it.
	all := f.count(`SELECT count(*) FROM assignment_requests`)
	var seen []string
	opt := entitled.ListOptions{Top: 2}
	for {
		p, err := s.Requests.Requests(f.sys, entitled.RequestQuery{ListOptions: opt})
		mustOK(t, err)
		for _, r := range p.Items {
			seen = append(seen, r.ID)
			one, err := s.Requests.Requests(f.sys, entitled.RequestQuery{ListOptions: entitled.ListOptions{
				Filter: entitled.Compare{Op: "eq", Property: "id", Value: r.ID}}})
			mustOK(t, err)
			if len(one.Items) != 1 || one.Items[0].ID != r.ID {
				t.Errorf("$filter=id eq '%s' found %d requests", r.ID, len(one.Items))
			}
		}
		if p.NextSkipToken == "" {
			break
		}
		opt.SkipToken = p.NextSkipToken
	}
	if len(seen) != all {
		t.Errorf("paging visited %d requests, want %d", len(seen), all)
	}
}

// TestUUIDMigrationThroughGoose: a database at version 27 holding ids as
// text is brought to 16-byte ids by Migrate.
func TestUUIDMigrationThroughGoose(t *testing.T) {
	ctx := context.Background()
	db := openRawSQLite(t)
	p, err := db.schemaMigrations()
	mustOK(t, err)
	if _, err := p.UpTo(ctx, idMigrationVersion-1); err != nil {
		t.Fatal(err)
	}
	cat, pkg := "0190a7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5b", "0190a7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5c"
	for _, q := range []string{
		`INSERT INTO catalogs (id, display_name, created_at, modified_at) VALUES ('` + cat + `', 'Sales', '', '')`,
		`INSERT INTO access_packages (id, catalog_id, display_name, created_at, modified_at) VALUES ('` + pkg + `', '` + cat + `', 'CRM', '', '')`,
	} {
		_, err := db.SQL.ExecContext(ctx, q) // literals: stored as text, as an older entitled did
		mustOK(t, err)
	}
	var typ string
	mustOK(t, db.SQL.QueryRow(`SELECT typeof(catalog_id) FROM access_packages`).Scan(&typ))
	if typ != "text" {
		t.Fatalf("before the migration the catalog id is %s, want text", typ)
	}
	mustOK(t, db.Migrate(ctx))
	var id, catalogID, sysType string
	mustOK(t, db.SQL.QueryRow(`SELECT p.id, p.catalog_id, typeof(p.catalog_id) FROM access_packages p JOIN catalogs c ON c.id = p.catalog_id WHERE p.id = ?`, pkg).
		Scan(&id, &catalogID, &typ))
	mustOK(t, db.SQL.QueryRow(`SELECT typeof(id) FROM systems WHERE id = ?`, DirectorySystemID).Scan(&sysType))
	if id != pkg || catalogID != cat || typ != "blob" || sysType != "blob" {
		t.Errorf("after the migration: package %s of catalog %s (%s), directory system %s; want %s, %s, blob, blob", id, catalogID, typ, sysType, pkg, cat)
	}
}
