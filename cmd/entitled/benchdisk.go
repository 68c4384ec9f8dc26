package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/entitled-dev/entitled/delivery"
	"github.com/entitled-dev/entitled/sqlstore"
)

// tableDisk is the space one table takes, its rows and its indexes apart.
type tableDisk struct {
	Name           string
	Table, Indexes int64
}

// benchFixtureTables hold what the bench sets up rather than what a
// request writes: its N users (a real directory has them already) and the
// memberships the built-in directory delivers (the access itself).
var benchFixtureTables = map[string]bool{"users": true, "group_members": true}

// benchTransientTables are pruned after a default retention, like River's
// finished jobs: the figure counts them apart, with how long they stay.
var benchTransientTables = map[string]string{
	"notifications": fmt.Sprintf("the outbox: kept %d days (--notification-retention), then pruned",
		int(delivery.DefaultNotificationRetention/(24*time.Hour))),
}

// diskSummary is the bytes per request of the tables, in the groups the
// bench prints.
type diskSummary struct {
	// Kept is every table that keeps its rows (the headline); Fixture is
	// the part of it in benchFixtureTables.
	Kept, Fixture float64
	// Transient is each table of benchTransientTables.
	Transient map[string]float64
	// FixtureAudit estimates the bytes of the fixture users' "Create
	// user" audit events (createUserShare of audit_event_rows).
	FixtureAudit float64
}

// createUserShare is the share of audit_event_rows' text, and of its
// events, that "Create user" events hold: the bench creates one user per
// request, a cost of the directory rather than of requests. Rows of one
// table differ mostly by their text (an event's two dictionary keys are a
// byte or two each, counted as 2), so the share of the text estimates the
// share of the rows' bytes; index entries are one per event. The
// dictionaries (audit_kinds, audit_actors) are a few rows: left as they are.
func createUserShare(ctx context.Context, db *sqlstore.DB) (text, count float64, err error) {
	const length = `length(e.id) + length(e.activity_date_time) + length(e.result_reason) + length(e.correlation_id)
		+ length(e.target_id) + length(e.target_display_name) + length(e.before_state) + length(e.after_state) + 2`
	var users, all, nUsers, n sql.NullFloat64
	err = db.SQL.QueryRowContext(ctx, `SELECT SUM(CASE WHEN k.activity_display_name = 'Create user' THEN `+length+` ELSE 0 END),
		SUM(`+length+`), SUM(CASE WHEN k.activity_display_name = 'Create user' THEN 1 ELSE 0 END), COUNT(*)
		FROM audit_event_rows e JOIN audit_kinds k ON k.id = e.kind_id`).
		Scan(&users, &all, &nUsers, &n)
	if err != nil || all.Float64 == 0 || n.Float64 == 0 {
		return 0, 0, err
	}
	return users.Float64 / all.Float64, nUsers.Float64 / n.Float64, nil
}

// summarize adds the tables up per request.
func summarize(tables []tableDisk, n int) diskSummary {
	s := diskSummary{Transient: map[string]float64{}}
	for _, t := range tables {
		b := float64(t.Table+t.Indexes) / float64(n)
		switch {
		case benchTransientTables[t.Name] != "":
			s.Transient[t.Name] += b
		case benchFixtureTables[t.Name]:
			s.Kept += b
			s.Fixture += b
		default:
			s.Kept += b
		}
	}
	return s
}

// printDiskPerRequest prints the bytes per request each table takes (rows
// and indexes), River's tables left out, and the totals with and without
// the fixture's tables; tables pruned after a default retention
// (benchTransientTables) are printed apart and left out of the totals.
// With byTable false it prints the totals only.
func printDiskPerRequest(ctx context.Context, db *sqlstore.DB, n int, byTable bool, w io.Writer) error {
	tables, err := diskByTable(ctx, db)
	if err != nil {
		return fmt.Errorf("disk per request: %w", err)
	}
	sort.Slice(tables, func(i, j int) bool {
		return tables[i].Table+tables[i].Indexes > tables[j].Table+tables[j].Indexes
	})
	per := func(b int64) float64 { return float64(b) / float64(n) }
	var small int64
	for _, t := range tables {
		if benchTransientTables[t.Name] != "" {
			continue
		}
		if per(t.Table+t.Indexes) < 16 {
			small += t.Table + t.Indexes
			continue
		}
		if byTable {
			fmt.Fprintf(w, "  %-28s %8.0f B/request (rows %.0f, indexes %.0f)\n", t.Name, per(t.Table+t.Indexes), per(t.Table), per(t.Indexes))
		}
	}
	if byTable {
		fmt.Fprintf(w, "  %-28s %8.0f B/request\n", "(tables under 16 B each)", per(small))
	}
	s := summarize(tables, n)
	text, count, err := createUserShare(ctx, db)
	if err != nil {
		return fmt.Errorf("disk per request: %w", err)
	}
	for _, t := range tables {
		if t.Name == "audit_event_rows" {
			s.FixtureAudit = text*per(t.Table) + count*per(t.Indexes)
		}
	}
	fmt.Fprintf(w, "disk: %.0f bytes per request in entitled's tables (River's and the outbox's left out), %.0f without users and group_members (%s)\n",
		s.Kept, s.Kept-s.Fixture, db.Dialect)
	fmt.Fprintf(w, "  about %.0f B/request without the per-user fixture: users, group_members and the users' \"Create user\" audit events (%.0f B/request, estimated: their share of the rows' text and of the index entries)\n",
		s.Kept-s.Fixture-s.FixtureAudit, s.FixtureAudit)
	for _, t := range tables {
		if why := benchTransientTables[t.Name]; why != "" {
			fmt.Fprintf(w, "  and %.0f B/request in %s (%s)\n", s.Transient[t.Name], t.Name, why)
		}
	}
	return nil
}

// diskByTable measures every table but River's: on SQLite from the dbstat
// virtual table (pages in use, the WAL included), on PostgreSQL from
// pg_table_size and pg_indexes_size.
func diskByTable(ctx context.Context, db *sqlstore.DB) ([]tableDisk, error) {
	var q string
	if db.Dialect == sqlstore.DialectPostgres {
		q = `SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c
			JOIN pg_namespace ns ON ns.oid = c.relnamespace
			WHERE c.relkind = 'r' AND ns.nspname = current_schema()`
	} else {
		q = `SELECT m.tbl_name, sum(CASE WHEN m.type = 'table' THEN s.pgsize ELSE 0 END),
			sum(CASE WHEN m.type = 'index' THEN s.pgsize ELSE 0 END)
			FROM dbstat s JOIN (SELECT name, tbl_name, type FROM sqlite_master
				UNION ALL SELECT 'sqlite_master', 'sqlite_master', 'table') m ON m.name = s.name
			GROUP BY m.tbl_name`
	}
	rows, err := db.SQL.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tableDisk
	for rows.Next() {
		var t tableDisk
		var tbl, idx sql.NullInt64
		if err := rows.Scan(&t.Name, &tbl, &idx); err != nil {
			return nil, err
		}
		if strings.HasPrefix(t.Name, "river_") || t.Name == "goose_db_version" {
			continue
		}
		t.Table, t.Indexes = tbl.Int64, idx.Int64
		out = append(out, t)
	}
	return out, rows.Err()
}
