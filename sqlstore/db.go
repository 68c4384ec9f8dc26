// Package sqlstore implements entitled's domain services on SQL: the embedded
// SQLite default and PostgreSQL, through database/sql with one set of
// queries. Every state change, its audit event and the jobs it starts commit
// in one transaction.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/secret"
)

//go:embed migrations
var migrations embed.FS

// DirectorySystemID is the id of the built-in directory connected system.
const DirectorySystemID = "00000000-0000-0000-0000-000000000001"

// DB is an open database with the dialect it speaks.
type DB struct {
	// SQL is the pool of changes and of the queue: on SQLite its one
	// connection is the one writer.
	SQL *sql.DB
	// Read is the pool of reads (DB.read): on SQLite read-only connections
	// of their own, which read beside the writer in WAL mode; on
	// PostgreSQL the same pool as SQL.
	Read    *sql.DB
	Dialect string // "sqlite" or "postgres"
	// pooled says a transaction pooler (PgBouncer in transaction mode)
	// stands before PostgreSQL: no session may outlive a transaction.
	pooled bool
	Path   string // file path for sqlite
	// Now returns the current time; nil means time.Now. Tests may replace
	// it; a transaction reads it once (tx.now).
	Now func() time.Time
	// secrets seals connector settings at rest (WithSecrets); nil seals
	// nothing.
	secrets *secret.Keyring
	// audit caches the audit log's dictionary keys (auditdict.go).
	audit auditCache
	// onStatement, when set (tests, stmtcount.go), sees each statement a
	// transaction runs.
	onStatement func(q string)
}

// Option tunes Open.
type Option func(*DB)

// WithSecrets seals the settings of connected systems at rest with the
// keyring's first key and opens those of every key it holds. Without it, a
// system whose settings hold a secret cannot be stored.
func WithSecrets(k *secret.Keyring) Option { return func(db *DB) { db.secrets = k } }

// readConns is how many read-only connections the SQLite read pool opens.
const readConns = 8

// reader returns the pool reads run on.
func (db *DB) reader() *sql.DB {
	if db.Read != nil {
		return db.Read
	}
	return db.SQL
}

// Dialects of DB.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Open opens the database named by dsn: "sqlite:PATH" (creating the file if
// needed) or a PostgreSQL URL "postgres://user:password@host:port/db?…"
// (see openPostgres for its extra parameters). It does not migrate; call
// Migrate.
func Open(dsn string, opts ...Option) (*DB, error) {
	db, err := open(dsn)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(db)
	}
	return db, nil
}

func open(dsn string) (*DB, error) {
	if path, ok := SQLitePath(dsn); ok {
		if path == "" {
			return nil, fmt.Errorf("--db %q: give a file path, e.g. sqlite:entitled.db", dsn)
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		if err := createPrivate(path); err != nil {
			return nil, err
		}
		// wal_autocheckpoint: copy the WAL back into the database every
		// 10,000 pages (40 MB) rather than SQLite's 1,000; a page the
		// writer changes again and again (an index's last page, the
		// request counters, River's queue) is then copied once per
		// checkpoint, not ten times.
		q := "?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(10000)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		connector, err := openSQLite("file:" + path + q)
		if err != nil {
			return nil, err
		}
		db := sql.OpenDB(connector)
		// SQLite allows one writer; River and the services share one
		// connection so that jobs insert in the same transaction as the
		// state change, and nothing ever waits on a lock it holds.
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		if err := db.Ping(); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		read, err := openSQLiteReader(path)
		if err != nil {
			db.Close()
			return nil, err
		}
		return &DB{SQL: db, Read: read, Dialect: DialectSQLite, Path: path}, nil
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(dsn)
	}
	return nil, fmt.Errorf("--db %q: expected sqlite:PATH or postgres://user:password@host:port/database", Redact(dsn))
}

// createPrivate creates a new SQLite file readable by its owner only
// (0600); SQLite gives its WAL and shared-memory files the same mode. An
// existing file is left as it is.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

// openSQLiteReader opens the read pool of the SQLite file at path, whose
// writer is already open (and has put the file in WAL mode): query-only
// connections whose transactions start deferred, so they read a snapshot
// beside the writer instead of waiting for it.
func openSQLiteReader(path string) (*sql.DB, error) {
	q := "?_pragma=busy_timeout(10000)&_pragma=query_only(1)&_txlock=deferred"
	connector, err := openSQLite("file:" + path + q)
	if err != nil {
		return nil, err
	}
	read := sql.OpenDB(connector)
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	read.SetConnMaxLifetime(0)
	read.SetConnMaxIdleTime(0)
	if err := read.Ping(); err != nil {
		read.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	return read, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.Read != nil && db.Read != db.SQL {
		db.Read.Close()
	}
	return db.SQL.Close()
}

// Migrate brings entitled's schema and River's queue tables up to date.
func (db *DB) Migrate(ctx context.Context) error {
	provider, err := db.schemaMigrations()
	if err != nil {
		return err
	}
	if err := checkNotNewer(ctx, provider); err != nil {
		return err
	}
	if _, err := provider.Up(ctx); err != nil {
		return db.poolerHint(fmt.Errorf("migrate schema: %w", err))
	}
	if db.Dialect == DialectPostgres {
		err = migrateQueue(ctx, riverdatabasesql.New(db.SQL))
	} else {
		err = migrateQueue(ctx, riversqlite.New(db.SQL))
	}
	return err
}

// checkNotNewer refuses a database whose schema a newer entitled migrated:
// this binary does not know that schema and would misread it. The answer
// says what to do instead (run the newer release, or restore the backup
// taken before the upgrade).
func checkNotNewer(ctx context.Context, provider *goose.Provider) error {
	sources := provider.ListSources()
	if len(sources) == 0 {
		return nil
	}
	known := sources[len(sources)-1].Version
	current, err := provider.GetDBVersion(ctx)
	if err != nil || current <= known {
		return nil // a new database, or one this binary can bring up to date
	}
	return fmt.Errorf("the database schema is at version %d, newer than this entitled knows (%d): a newer release "+
		"migrated it. Run that release (or newer), or restore the backup taken before the upgrade; migrations only go forward",
		current, known)
}

// migrationLockTable is the table of the migration lock behind a
// transaction pooler (goose makes it on first use).
const migrationLockTable = "entitled_migration_lock"

// schemaMigrations returns the migrations of entitled's schema as the
// database's dialect reads them (dialectMigrations).
func (db *DB) schemaMigrations() (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	sub := dialectMigrations{dir: dir, dialect: db.Dialect}
	dialect := goose.DialectSQLite3
	if db.Dialect == DialectPostgres {
		dialect = goose.DialectPostgres
	}
	opts := []goose.ProviderOption{goose.WithGoMigrations(idMigration(db.Dialect))}
	switch {
	case db.pooled:
		// Through a transaction pooler a session lock would be taken on
		// one server connection and released on another: the lock is a
		// row of its own table instead, leased and kept alive while the
		// migrations run.
		locker, err := lock.NewPostgresTableLocker(lock.WithTableName(migrationLockTable),
			lock.WithTableLockTimeout(time.Second, 600))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithLocker(locker))
	case db.Dialect == DialectPostgres:
		// Replicas starting together: one migrates, the others wait for
		// its advisory lock and then find nothing left to do.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	provider, err := goose.NewProvider(dialect, db.SQL, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return provider, nil
}

// migrateQueue brings River's tables up to date with the dialect's driver.
func migrateQueue[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate queue: %w", err)
	}
	return nil
}

// Queue inserts background jobs inside a store transaction, so a job exists
// exactly when the state change that causes it commits.
type Queue interface {
	InsertJobs(ctx context.Context, tx *sql.Tx, jobs []entitled.Job) error
}

// tx wraps *sql.Tx with the store's helpers. A read on PostgreSQL
// (DB.read) has no transaction: its statements run on the pool (conn) and
// Tx is nil.
type tx struct {
	*sql.Tx
	conn querier // where statements run: Tx, or the read pool
	db   *DB
	// at is the first reading of the database's clock (DB.now) in the
	// transaction, which now returns from then on.
	at time.Time
	// events are the events for subscriptions the transaction emitted,
	// queued before it commits (events.go).
	events []entitled.Event
	// subs are the subscriptions, once read (eventsubs.go).
	subs *[]subscriptionPattern
	// audits are the audit rows the transaction wrote, inserted together
	// before it commits (flushAudit).
	audits []auditRow
	// auditMade are the audit dictionary keys the transaction learnt,
	// cached once it commits (auditdict.go).
	auditMade auditMade
}

// now is the time of the transaction: the clock is read once, when the
// transaction first asks (after the locks it took first), so every
// timestamp it writes and every deadline it checks use the same instant.
func (t *tx) now() time.Time {
	if t.at.IsZero() {
		t.at = t.db.now()
	}
	return t.at
}

// querier runs statements: a transaction or a pool.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// newTx returns the store's wrapper of a transaction.
func newTx(sqlTx *sql.Tx, db *DB) *tx {
	return &tx{Tx: sqlTx, conn: sqlTx, db: db}
}

// rebind turns ? placeholders into the dialect's form. Statements of up
// to rebindCacheLen bytes are rebound once and remembered; longer ones are
// the multi-row statements of batches, rebound each time.
func (db *DB) rebind(q string) string {
	if db.Dialect != DialectPostgres || strings.IndexByte(q, '?') < 0 {
		return q
	}
	if len(q) <= rebindCacheLen {
		if r, ok := rebound.Load(q); ok {
			return r.(string)
		}
	}
	b := make([]byte, 0, len(q)+strings.Count(q, "?")*3)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b = append(b, '$')
			b = strconv.AppendInt(b, int64(n), 10)
			continue
		}
		b = append(b, q[i])
	}
	r := string(b)
	if len(q) <= rebindCacheLen {
		rebound.Store(q, r)
	}
	return r
}

// rebindCacheLen is the longest statement rebind remembers: every
// statement with a fixed text is shorter.
const rebindCacheLen = 2048

// rebound maps statements to their PostgreSQL form.
var rebound sync.Map

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.db.statement(q)
	return t.conn.ExecContext(ctx, t.db.rebind(q), args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.db.statement(q)
	return t.conn.QueryContext(ctx, t.db.rebind(q), args...)
}

// queryRow runs a one-row read outside a transaction, on the read pool.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	db.statement(q)
	return db.reader().QueryRowContext(ctx, db.rebind(q), args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	t.db.statement(q)
	return t.conn.QueryRowContext(ctx, t.db.rebind(q), args...)
}

// timeLayout is how times are stored: fixed width UTC text sorts correctly
// on every dialect.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func fmtTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

func parseTimePtr(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

// newID returns a new time-ordered UUID (v7), so ids sort by creation and
// serve as keyset positions.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "duplicate key value")
}
