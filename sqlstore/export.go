package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Export and import move an installation between databases (SQLite ⇄
// PostgreSQL, or a copy) as JSON lines, one object per row:
//
//	{"table":"users","row":{"id":"…","user_principal_name":"…",…}}
//
// Tables come in ExportTables order, so every row's references precede it.
// Values are JSON strings, whole numbers or null, exactly as stored. River's
// queue tables are not exported: Import re-creates the jobs of the work that
// was not finished.

// ExportTables are entitled's tables in dependency order: the order Export
// writes them and Import expects them.
var ExportTables = []string{"users", "oidc_subjects", "service_principals", "groups", "group_members", "group_owners", "role_assignments", "tokens", "systems", "catalogs",
	"system_catalogs", "resources", "resource_roles", "resource_requests", "access_packages", "resource_role_scopes", "policies",
	"assignments", "assignment_requests", "approval_stages", "delivery_targets", "deliveries", "audit_events", "notifications",
	"subscriptions", "subscription_sends", "audit_retention", "incompatible_packages", "incompatible_groups"}

// NotExported are entitled's tables an export leaves out on purpose: web
// sign-in links and sessions, short-lived secrets of one installation
// (people sign in again after an import), and the health of connected
// systems (learnt again from the deliveries), and bulk operations (their
// progress is of background jobs, which are not exported either: a running
// one does not go on after an import), and drift findings and the
// reconcile schedule (the next reconciliation finds the drift again), and
// the request counters (the import's inserts of requests count them again),
// and the audit log's tables (exported as the view audit_events, whose rows
// Import stores through the dictionaries again).
var NotExported = []string{"ui_login_links", "ui_sessions", "system_health", "operations", "operation_requests",
	"drift_findings", "reconcile_schedule", "request_counts", "audit_event_rows", "audit_kinds", "audit_actors"}

// exportOrder is the ORDER BY of each table: its primary key.
var exportOrder = map[string]string{"oidc_subjects": "issuer, subject", "group_members": "group_id, user_id", "group_owners": "group_id, user_id",
	"system_catalogs": "system_id, catalog_id", "incompatible_packages": "access_package_id, incompatible_id",
	"incompatible_groups": "access_package_id, group_id"}

// ExportLine is one line of an export: a row of a table, by column name.
type ExportLine struct {
	Table string         `json:"table"`
	Row   map[string]any `json:"row"`
}

// ExportStats counts what an export wrote or an import read.
type ExportStats struct {
	// Rows counts rows per table.
	Rows map[string]int
	// Jobs counts the jobs Import re-created, per kind.
	Jobs map[entitled.JobKind]int
}

// Total is the number of rows.
func (s ExportStats) Total() int {
	n := 0
	for _, c := range s.Rows {
		n += c
	}
	return n
}

// Export writes every row of entitled's tables to w as JSON lines, streaming
// and from one consistent snapshot (one read transaction).
func (db *DB) Export(ctx context.Context, w io.Writer) (ExportStats, error) {
	stats := ExportStats{Rows: map[string]int{}}
	var opts *sql.TxOptions
	if db.Dialect == DialectPostgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	sqlTx, err := db.reader().BeginTx(ctx, opts)
	if err != nil {
		return stats, fmt.Errorf("export: begin: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, table := range ExportTables {
		n, err := exportTable(ctx, sqlTx, table, enc)
		if err != nil {
			return stats, fmt.Errorf("export %s: %w", table, err)
		}
		stats.Rows[table] = n
	}
	if err := bw.Flush(); err != nil {
		return stats, fmt.Errorf("export: write: %w", err)
	}
	return stats, nil
}

// exportTable writes the rows of one table in primary-key order.
func exportTable(ctx context.Context, t *sql.Tx, table string, enc *json.Encoder) (int, error) {
	order := exportOrder[table]
	if order == "" {
		order = "id"
	}
	rows, err := t.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY `+order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			v, err := exportValue(vals[i])
			if err != nil {
				return n, fmt.Errorf("column %s: %w", c, err)
			}
			row[c] = v
		}
		if err := enc.Encode(ExportLine{Table: table, Row: row}); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// exportValue normalises a scanned value: text, a whole number or nil.
func exportValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, int64:
		return x, nil
	case []byte:
		return string(x), nil
	case int32:
		return int64(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return nil, fmt.Errorf("unexpected value of type %T", v)
}

// importBatch is how many rows one INSERT carries.
const importBatch = 100

// Import reads an export (see Export) into this store's database, which must
// be migrated and empty (only the built-in directory system, which the
// export's copy replaces), all in one transaction: on any error nothing is
// written. It then queues the jobs of the unfinished work: a deliver job per
// pending or running delivery, an expire job per live assignment with an end,
// a start job per scheduled request and a time-out job per approval stage in
// progress with a due time.
func (s *AdminService) Import(ctx context.Context, r io.Reader) (ExportStats, error) {
	stats := ExportStats{Rows: map[string]int{}, Jobs: map[entitled.JobKind]int{}}
	err := s.db.change(ctx, func(t *tx) error {
		if err := s.checkEmpty(ctx, t); err != nil {
			return err
		}
		im := &importer{t: t, stats: &stats, columns: map[string]map[string]bool{}}
		if err := im.read(ctx, r); err != nil {
			return err
		}
		return s.requeue(ctx, t, stats.Jobs)
	})
	return stats, err
}

// checkEmpty refuses a database that holds any entitled row or queued job.
func (s *AdminService) checkEmpty(ctx context.Context, t *tx) error {
	for _, table := range append(append([]string{}, ExportTables...), "river_job") {
		q, args := `SELECT COUNT(*) FROM `+table, []any{}
		if table == "systems" {
			q, args = q+` WHERE id <> ?`, append(args, DirectorySystemID)
		}
		var n int
		if err := t.queryRow(ctx, q, args...).Scan(&n); err != nil {
			return fmt.Errorf("import: count %s: %w", table, err)
		}
		if n > 0 {
			return entitled.Conflictf("import needs an empty database, but table %s already holds %d row(s): "+
				"import into a new database (it is created and migrated on first use), not one that has been served or administered", table, n).WithKey("err.import.notEmpty", "Table", table, "Count", n)
		}
	}
	return nil
}

// importer inserts the rows of an export in batches.
type importer struct {
	t       *tx
	stats   *ExportStats
	columns map[string]map[string]bool // table → its columns in this database

	table   string
	cols    []string
	pending [][]any
	// managers are users' manager_id values, set once every user exists.
	managers [][2]string
}

// read decodes the lines and inserts their rows.
func (im *importer) read(ctx context.Context, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	known := map[string]int{}
	for i, t := range ExportTables {
		known[t] = i
	}
	last := -1
	for line := 1; ; line++ {
		raw, err := br.ReadBytes('\n')
		if len(strings.TrimSpace(string(raw))) > 0 {
			var l ExportLine
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			dec.UseNumber()
			if derr := dec.Decode(&l); derr != nil {
				return entitled.Invalidf("import: line %d is not an export line {\"table\":…,\"row\":{…}}: %v", line, derr).WithKey("err.import.notExportLine", "Line", line, "Problem", derr)
			}
			pos, ok := known[l.Table]
			if !ok {
				return entitled.Invalidf("import: line %d names table %q, which is not one of entitled's tables (%s)",
					line, l.Table, strings.Join(ExportTables, ", ")).WithKey("err.import.unknownTable", "Line", line, "Table", l.Table, "Tables", strings.Join(ExportTables, ", "))
			}
			if pos < last {
				return entitled.Invalidf("import: line %d: table %s comes after %s; an export lists tables in the order %s",
					line, l.Table, ExportTables[last], strings.Join(ExportTables, ", ")).WithKey("err.import.tableOrder", "Line", line, "Table", l.Table, "After", ExportTables[last], "Tables", strings.Join(ExportTables, ", "))
			}
			last = pos
			if err := im.t.db.checkOpens(line, l); err != nil {
				return err
			}
			if err := im.add(ctx, line, l); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("import: read: %w", err)
		}
	}
	if err := im.flush(ctx); err != nil {
		return err
	}
	if err := im.t.resetDeliveryTargetIDs(ctx); err != nil {
		return err
	}
	for _, m := range im.managers {
		if _, err := im.t.exec(ctx, `UPDATE users SET manager_id = ? WHERE id = ?`, m[1], m[0]); err != nil {
			return fmt.Errorf("import: manager of user %s: %w", m[0], err)
		}
	}
	return nil
}

// add queues one row, flushing when the batch is full or its shape changes.
func (im *importer) add(ctx context.Context, line int, l ExportLine) error {
	have, err := im.tableColumns(ctx, l.Table)
	if err != nil {
		return err
	}
	if len(l.Row) == 0 {
		return entitled.Invalidf("import: line %d: the row of table %s is empty", line, l.Table).WithKey("err.import.emptyRow", "Line", line, "Table", l.Table)
	}
	if l.Table == "approval_stages" {
		stageReviewerID(l.Row)
	}
	if l.Table == "deliveries" {
		if err := im.t.importOldDelivery(ctx, l.Row); err != nil {
			return err
		}
	}
	cols := make([]string, 0, len(l.Row))
	for c := range l.Row {
		if !have[c] {
			return entitled.Invalidf("import: line %d: table %s has no column %q in this database; export and import with the same version of entitled",
				line, l.Table, c).WithKey("err.import.unknownColumn", "Line", line, "Table", l.Table, "Column", c)
		}
		cols = append(cols, c)
	}
	slices.Sort(cols)
	vals := make([]any, len(cols))
	for i, c := range cols {
		v, err := importValue(l.Row[c])
		if err != nil {
			return entitled.Invalidf("import: line %d: %s.%s: %v", line, l.Table, c, err).WithKey("err.import.badValue", "Line", line, "Table", l.Table, "Column", c, "Problem", err)
		}
		vals[i] = v
	}
	if l.Table == "audit_events" {
		if err := checkAuditImport(line, cols, vals); err != nil {
			return err
		}
	}
	if l.Table == "users" {
		// A manager may come later in id order: set managers at the end.
		for i, c := range cols {
			if c == "manager_id" && vals[i] != nil {
				im.managers = append(im.managers, [2]string{fmt.Sprint(l.Row["id"]), fmt.Sprint(vals[i])})
				vals[i] = nil
			}
		}
	}
	im.stats.Rows[l.Table]++
	if l.Table == "systems" && l.Row["id"] == DirectorySystemID {
		// The migration created the built-in system: take the export's copy.
		if err := im.flush(ctx); err != nil {
			return err
		}
		return im.replaceDirectorySystem(ctx, cols, vals)
	}
	if l.Table != im.table || strings.Join(cols, ",") != strings.Join(im.cols, ",") || len(im.pending) >= importBatch {
		if err := im.flush(ctx); err != nil {
			return err
		}
		im.table, im.cols = l.Table, cols
	}
	im.pending = append(im.pending, vals)
	return nil
}

// stageReviewerID fills reviewed_by_id of an approval stage exported before
// it had that column, from the reviewer's JSON in reviewed_by, as migration
// 00007 does for the stages already stored.
func stageReviewerID(row map[string]any) {
	if _, ok := row["reviewed_by_id"]; ok {
		return
	}
	by, _ := row["reviewed_by"].(string)
	var who entitled.AuditActor
	if by == "" || json.Unmarshal([]byte(by), &who) != nil {
		return
	}
	row["reviewed_by_id"] = who.UserID
}

// flush inserts the queued rows in one statement.
func (im *importer) flush(ctx context.Context) error {
	if len(im.pending) == 0 {
		return nil
	}
	if im.table == "audit_events" {
		return im.flushAudit(ctx)
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + im.table + " (" + strings.Join(im.cols, ", ") + ") VALUES ")
	row := "(" + inList(len(im.cols)) + ")"
	args := make([]any, 0, len(im.pending)*len(im.cols))
	for i, vals := range im.pending {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(row)
		args = append(args, vals...)
	}
	if _, err := im.t.exec(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("import: insert into %s: %w", im.table, err)
	}
	im.pending = im.pending[:0]
	return nil
}

// replaceDirectorySystem overwrites the built-in system with the export's.
func (im *importer) replaceDirectorySystem(ctx context.Context, cols []string, vals []any) error {
	sets := make([]string, 0, len(cols))
	args := make([]any, 0, len(cols)+1)
	for i, c := range cols {
		if c == "id" {
			continue
		}
		sets = append(sets, c+" = ?")
		args = append(args, vals[i])
	}
	if len(sets) == 0 {
		return nil
	}
	args = append(args, DirectorySystemID)
	_, err := im.t.exec(ctx, `UPDATE systems SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("import: built-in directory system: %w", err)
	}
	return nil
}

// tableColumns returns the columns of a table in this database.
func (im *importer) tableColumns(ctx context.Context, table string) (map[string]bool, error) {
	if cols, ok := im.columns[table]; ok {
		return cols, nil
	}
	rows, err := im.t.query(ctx, `SELECT * FROM `+table+` WHERE 1 = 0`)
	if err != nil {
		return nil, fmt.Errorf("import: columns of %s: %w", table, err)
	}
	names, err := rows.Columns()
	rows.Close()
	if err != nil {
		return nil, err
	}
	cols := make(map[string]bool, len(names))
	for _, n := range names {
		cols[n] = true
	}
	im.columns[table] = cols
	return cols, nil
}

// importValue turns a decoded JSON value into a column value.
func importValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string:
		return x, nil
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		return nil, fmt.Errorf("%s is not a whole number", x)
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return nil, fmt.Errorf("a value must be a string, a whole number or null, not %T", v)
}

// requeue queues the jobs of unfinished work in the imported rows.
func (s *AdminService) requeue(ctx context.Context, t *tx, counts map[entitled.JobKind]int) error {
	ds, err := t.queryDeliveries(ctx, `d.status IN ('pending','running')`)
	if err != nil {
		return err
	}
	if err := s.lc.enqueueDeliveries(ctx, t, ds); err != nil {
		return err
	}
	counts[entitled.JobDeliver] += len(ds)

	var jobs []entitled.Job
	rows, err := t.query(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE expired_at IS NULL ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		as, _, err := scanAssignment(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if !as.State.IsLive() {
			continue
		}
		if end := endOf(as.Schedule); end != nil {
			jobs = append(jobs, entitled.Job{Kind: entitled.JobExpire, AssignmentID: as.ID, RunAt: *end})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = t.query(ctx, `SELECT id, schedule FROM assignment_requests WHERE state = ? ORDER BY id`, string(entitled.StateScheduled))
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, sched string
		if err := rows.Scan(&id, &sched); err != nil {
			rows.Close()
			return err
		}
		j := entitled.Job{Kind: entitled.JobStart, RequestID: id}
		if st := decodeSchedule(sched).schedule().StartDateTime; st != nil {
			j.RunAt = *st
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = t.query(ctx, `SELECT st.request_id, st.id, st.due_at FROM approval_stages st
		JOIN assignment_requests r ON r.id = st.request_id
		WHERE st.status = ? AND st.due_at IS NOT NULL AND r.state = ? ORDER BY st.id`,
		entitled.StageInProgress, string(entitled.StatePendingApproval))
	if err != nil {
		return err
	}
	for rows.Next() {
		var req, stage, due string
		if err := rows.Scan(&req, &stage, &due); err != nil {
			rows.Close()
			return err
		}
		jobs = append(jobs, entitled.Job{Kind: entitled.JobApprovalTimeout, RequestID: req, StageID: stage, RunAt: parseTime(due)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, j := range jobs {
		counts[j.Kind]++
	}
	return s.lc.enqueue(ctx, t, jobs...)
}
