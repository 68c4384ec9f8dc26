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

// storeLockKey is the advisory lock every store transaction on PostgreSQL
// takes first (see lockStore).
const storeLockKey = 0x656e746974 // "entit"

// openPostgres opens a PostgreSQL database through pgx's database/sql
// driver (pgx keeps each connection's prepared statements). The URL takes
// every pgx/libpq parameter plus max_conns, the most connections the pool
// opens (default DefaultMaxConns), which it strips before connecting.
func openPostgres(dsn string) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("--db: not a valid PostgreSQL URL: %v", redactErr(err, dsn))
	}
	maxConns := DefaultMaxConns
	q := u.Query()
	if v := q.Get("max_conns"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--db %s: max_conns=%q must be a whole number of at least 1", Redact(dsn), v)
		}
		maxConns = n
		q.Del("max_conns")
		u.RawQuery = q.Encode()
	}
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("--db %s: %v", Redact(dsn), redactErr(err, dsn))
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
	return &DB{SQL: db, Dialect: DialectPostgres}, nil
}

// lockStore serialises store transactions on PostgreSQL, as SQLite does by
// having one writer: every check a transaction makes (one live assignment
// per user and package, a name still free, …) still holds when it commits,
// across every replica sharing the database. The lock is released at commit
// or rollback. River's own transactions do not take it.
func lockStore(ctx context.Context, t *sql.Tx) error {
	if _, err := t.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(storeLockKey)); err != nil {
		return fmt.Errorf("lock store: %w", err)
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
