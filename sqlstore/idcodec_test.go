package sqlstore

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/entitled-dev/entitled"
)

// openRawSQLite opens a new SQLite file through Open (so through the id
// codec), unmigrated.
func openRawSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := Open("sqlite:" + filepath.Join(t.TempDir(), "codec.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestIDCodecRoundTrip: every string written through SQLite's connections
// reads back byte-identical, from the writer and from the read pool;
// exactly the canonical lowercase UUIDs are stored in 16 bytes.
func TestIDCodecRoundTrip(t *testing.T) {
	db := openRawSQLite(t)
	ctx := context.Background()
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE codec (k INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	const canonical = "0190a7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5b"
	cases := []struct {
		name, v string
		blob    bool
	}{
		{"canonical UUID", canonical, true},
		{"nil UUID (the directory system)", DirectorySystemID, true},
		{"uppercase UUID", strings.ToUpper(canonical), false},
		{"mixed-case UUID", "0190A7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5b", false},
		{"35 characters", canonical[:35], false},
		{"37 characters", canonical + "0", false},
		{"empty", "", false},
		{"non-hex digit", "0190a7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5g", false},
		{"dash misplaced", "0190a7c-23b4d-7e5f-8a9b-0c1d2e3f4a5b", false},
		{"no dashes, 36 hex digits", "0190a7c23b4d7e5f8a9b0c1d2e3f4a5b0000", false},
		{"braced", "{0190a7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5}", false},
		{"custom id", "pkg-sales", false},
		{"display name that is a UUID", "7c9e6679-7425-40de-944b-e07fc1f90ae7", true},
	}
	for i, c := range cases {
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO codec (k, v) VALUES (?, ?)`, i, c.v); err != nil {
			t.Fatal(err)
		}
	}
	for _, pool := range []struct {
		name string
		q    querier
	}{{"writer", db.SQL}, {"reader", db.Read}} {
		for i, c := range cases {
			var got, typ string
			if err := pool.q.QueryRowContext(ctx, `SELECT v, typeof(v) FROM codec WHERE k = ?`, i).Scan(&got, &typ); err != nil {
				t.Fatal(err)
			}
			if got != c.v {
				t.Errorf("%s, %s: read back %q, wrote %q", pool.name, c.name, got, c.v)
			}
			if want := map[bool]string{true: "blob", false: "text"}[c.blob]; typ != want {
				t.Errorf("%s, %s: stored as %s, want %s", pool.name, c.name, typ, want)
			}
			// Found by its own value, as a WHERE id = ? finds a row.
			var k int
			if err := pool.q.QueryRowContext(ctx, `SELECT k FROM codec WHERE v = ?`, c.v).Scan(&k); err != nil || k != i {
				t.Errorf("%s, %s: WHERE v = ? found %d (%v), want %d", pool.name, c.name, k, err, i)
			}
		}
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM codec WHERE length(v) = 16 AND typeof(v) = 'blob'`).Scan(&n); err != nil || n != 3 {
		t.Errorf("%d values in 16 bytes (%v), want 3", n, err)
	}
}

// TestIDCodecExpressions: a UUID read through an expression (no declared
// type), a subquery or RETURNING is text too; idtext() gives SQL the text
// form; a keepText argument is bound as text.
func TestIDCodecExpressions(t *testing.T) {
	db := openRawSQLite(t)
	ctx := context.Background()
	id := newID()
	var got []string
	var returned string
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE codec (v TEXT, n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL.QueryRowContext(ctx, `INSERT INTO codec (v, n) VALUES (?, 1) RETURNING v`, id).Scan(&returned); err != nil {
		t.Fatal(err)
	}
	var coalesced, sub, max, upper, viaText string
	if err := db.SQL.QueryRowContext(ctx, `SELECT coalesce(v, ''), (SELECT v FROM codec LIMIT 1), max(v), UPPER(idtext(v)),
		(SELECT n FROM codec WHERE idtext(v) = ?) FROM codec`, keepText(id)).Scan(&coalesced, &sub, &max, &upper, &viaText); err != nil {
		t.Fatal(err)
	}
	got = append(got, returned, coalesced, sub, max)
	for i, v := range got {
		if v != id {
			t.Errorf("expression %d read %q, want %q", i, v, id)
		}
	}
	if upper != strings.ToUpper(id) || viaText != "1" {
		t.Errorf("UPPER(idtext(v)) = %q, idtext(v) = keepText: %q; want %q and 1", upper, viaText, strings.ToUpper(id))
	}
	var typ string
	if err := db.SQL.QueryRowContext(ctx, `SELECT typeof(?)`, keepText(id)).Scan(&typ); err != nil || typ != "text" {
		t.Errorf("keepText bound as %s (%v), want text", typ, err)
	}
}

// TestIDCodecLeavesBlobColumns: 16-byte values of columns declared BLOB
// (River's args, metadata and unique keys) read back as bytes.
func TestIDCodecLeavesBlobColumns(t *testing.T) {
	db := openTestSQLite(t)
	ctx := context.Background()
	raw := []byte("0123456789abcdef")
	if _, err := db.SQL.ExecContext(ctx, `INSERT INTO river_job (args, kind, max_attempts, metadata, priority, queue, state, unique_key)
		VALUES (?, 'codec', 1, ?, 1, 'default', 'available', ?)`, raw, raw, raw); err != nil {
		t.Fatal(err)
	}
	var args, meta, key any
	if err := db.SQL.QueryRowContext(ctx, `SELECT args, metadata, unique_key FROM river_job WHERE kind = 'codec'`).Scan(&args, &meta, &key); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"args": args, "metadata": meta, "unique_key": key} {
		if b, ok := v.([]byte); !ok || !bytes.Equal(b, raw) {
			t.Errorf("river_job.%s read back %#v, want the 16 bytes written", name, v)
		}
	}
}

// openTestSQLite opens a migrated SQLite database whatever the test
// backend (the codec is SQLite's).
func openTestSQLite(t *testing.T) *DB {
	t.Helper()
	db := openRawSQLite(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestIDCodecKeysetOrder: ids in 16 bytes and custom ids kept as text sort
// consistently (all text, then all UUIDs in their text order), so keyset
// paging (id > ? ORDER BY id) visits every row once.
func TestIDCodecKeysetOrder(t *testing.T) {
	db := openRawSQLite(t)
	ctx := context.Background()
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE codec (id TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	ids := []string{"", "pkg-sales", "zzz", "FFFFFFFF-0000-0000-0000-000000000000", DirectorySystemID,
		"ffffffff-ffff-ffff-ffff-ffffffffffff", "0190a7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5b", "0190a7c2-3b4d-7e5f-8a9b-0c1d2e3f4a5c",
		"8000000a-0000-0000-0000-000000000000", "7fffffff-ffff-ffff-ffff-ffffffffffff"}
	for _, id := range ids {
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO codec (id) VALUES (?)`, id); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	after, first := "", true
	for {
		q, args := `SELECT id FROM codec ORDER BY id LIMIT 3`, []any{}
		if !first {
			q, args = `SELECT id FROM codec WHERE id > ? ORDER BY id LIMIT 3`, []any{after}
		}
		page, err := scanStrings(db.Read.QueryContext(ctx, q, args...))
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		seen = append(seen, page...)
		after, first = page[len(page)-1], false
	}
	var text, uuids []string
	for _, id := range ids {
		if isCanonicalUUID(id) {
			uuids = append(uuids, id)
		} else {
			text = append(text, id)
		}
	}
	slices.Sort(text)
	slices.Sort(uuids)
	if want := append(text, uuids...); !slices.Equal(seen, want) {
		t.Fatalf("keyset pages visited\n %q\nwant\n %q", seen, want)
	}
}

// TestFilterOnUUIDDisplayName: a display name that is a UUID (stored in 16
// bytes on SQLite) is found by eq, by the string functions and through
// tolower/toupper, like any other name; so is an id.
func TestFilterOnUUIDDisplayName(t *testing.T) {
	s, sys := newTestStore(t)
	name := "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	g := &entitled.Group{DisplayName: name}
	mustOK(t, s.Groups.CreateGroup(sys, g))
	mustOK(t, s.Groups.CreateGroup(sys, &entitled.Group{DisplayName: "Other"}))
	for _, f := range []entitled.Expr{
		entitled.Compare{Op: "eq", Property: "displayName", Value: name},
		entitled.Compare{Op: "eq", Property: "displayName", Value: name, Case: "tolower"},
		entitled.Compare{Op: "eq", Property: "displayName", Value: strings.ToUpper(name), Case: "toupper"},
		entitled.In{Property: "displayName", Values: []any{name}, Case: "tolower"},
		entitled.Call{Func: "startswith", Property: "displayName", Value: "7C9E6679"},
		entitled.Call{Func: "contains", Property: "displayName", Value: "-40de-"},
		entitled.Call{Func: "endswith", Property: "displayName", Value: "0ae7"},
		entitled.Compare{Op: "eq", Property: "id", Value: g.ID},
		entitled.Compare{Op: "eq", Property: "id", Value: g.ID, Case: "tolower"},
		entitled.Call{Func: "startswith", Property: "id", Value: g.ID[:35]},
		entitled.Call{Func: "contains", Property: "id", Value: strings.ToUpper(g.ID[19:])},
	} {
		p, err := s.Groups.Groups(sys, entitled.ListOptions{Filter: f})
		mustOK(t, err)
		if len(p.Items) != 1 || p.Items[0].ID != g.ID || p.Items[0].DisplayName != name {
			t.Errorf("%#v found %+v, want the group named %s", f, p.Items, name)
		}
	}
}

// TestUUIDBytesAreTheUUID: the 16 bytes are the UUID's own (RFC 9562
// order), and the text comes back from them.
func TestUUIDBytesAreTheUUID(t *testing.T) {
	for _, s := range []string{newID(), newID(), DirectorySystemID, "ffffffff-ffff-ffff-ffff-ffffffffffff", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"} {
		u := uuid.MustParse(s)
		if b := uuidBytes(s); !bytes.Equal(b, u[:]) || uuidText(b) != s {
			t.Errorf("%s: bytes %x, want %x; text back %q", s, b, u[:], uuidText(b))
		}
	}
}
