package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// DefaultMaxConns is the PostgreSQL pool size when the URL has no max_conns.
const DefaultMaxConns = 20

// changeLockKey is the advisory lock that changes on PostgreSQL take,
// exclusively or shared (see lockChanges). Reads never take it.
const changeLockKey = 0x656e746974 // "entit"

// openPostgres opens a PostgreSQL database through pgx's database/sql
// driver (pgx keeps each connection's prepared statements). The URL takes
// every pgx/libpq parameter plus two of entitled's, which it strips before
// connecting: max_conns, the most connections the pool opens (default
// DefaultMaxConns), and pool_mode (poolMode).
func openPostgres(dsn string) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("--db: not a valid PostgreSQL URL: %v", redactErr(err, dsn))
	}
	maxConns := DefaultMaxConns
	q := u.Query()
	pooled, err := poolMode(q)
	if err != nil {
		return nil, fmt.Errorf("--db %s: %v", Redact(dsn), err)
	}
	if v := q.Get("max_conns"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--db %s: max_conns=%q must be a whole number of at least 1", Redact(dsn), v)
		}
		maxConns = n
		q.Del("max_conns")
	}
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("--db %s: %v", Redact(dsn), redactErr(err, dsn))
	}
	if pooled && !q.Has("default_query_exec_mode") {
		// A statement prepared on one server connection is unknown on the
		// next: send each with its text (one round trip all the same).
		cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "entitled"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %v", Redact(dsn), redactErr(err, dsn))
	}
	return &DB{SQL: db, Read: db, Dialect: DialectPostgres, pooled: pooled}, nil
}

// poolMode reads and strips the URL's pool_mode, which says what stands
// between entitled and PostgreSQL: "session" (the default: PostgreSQL
// itself, or a pooler that gives each client connection a server
// connection of its own) or "transaction" (a pooler such as PgBouncer in
// transaction mode, which may run each transaction on another server
// connection). It reports whether the pooler pools transactions.
func poolMode(q url.Values) (bool, error) {
	v := q.Get("pool_mode")
	q.Del("pool_mode")
	switch v {
	case "", "session":
		return false, nil
	case "transaction":
		return true, nil
	}
	return false, fmt.Errorf("pool_mode=%q must be session (the default) or transaction (PgBouncer's transaction pooling)", v)
}

// lockMode is how a change transaction holds the change lock.
type lockMode int

// Modes of the change lock.
const (
	lockNone      lockMode = iota // not at all (DB.changeUnlocked)
	lockShared                    // beside other shared holders (DB.changeLifecycle)
	lockExclusive                 // alone (DB.change)
)

// lockChanges takes the change lock on PostgreSQL in the mode asked, until
// the transaction ends. A change that holds it exclusively runs alone among
// the changes that take it, across every replica sharing the database, so
// every check it makes (a name still free, a policy with no open request,
// the last administrator) still holds when it commits. Lifecycle changes
// hold it shared: they lock the rows they change instead, and wait only
// while an exclusive holder runs. Reads, submissions and the recording of
// delivery outcomes do not take it.
func lockChanges(ctx context.Context, t *sql.Tx, mode lockMode) error {
	var q string
	switch mode {
	case lockNone:
		return nil
	case lockShared:
		q = `SELECT pg_advisory_xact_lock_shared($1)`
	default:
		q = `SELECT pg_advisory_xact_lock($1)`
	}
	if _, err := t.ExecContext(ctx, q, int64(changeLockKey)); err != nil {
		return fmt.Errorf("lock changes: %w", err)
	}
	return nil
}

// Redact returns dsn with any password replaced by "xxxxx", for logs and
// messages.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// redactErr returns err's text without the password of dsn.
func redactErr(err error, dsn string) string {
	s := err.Error()
	u, perr := url.Parse(dsn)
	if perr != nil || u.User == nil {
		return s
	}
	if p, has := u.User.Password(); has && p != "" {
		s = strings.ReplaceAll(s, p, "xxxxx")
		s = strings.ReplaceAll(s, url.QueryEscape(p), "xxxxx")
	}
	return s
}
