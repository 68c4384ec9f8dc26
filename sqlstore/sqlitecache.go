package sqlstore

import (
	"context"
	"database/sql/driver"

	"sync"

	"modernc.org/sqlite"
)

// SQLite spends most of a small statement's time parsing it, and neither
// database/sql nor the driver keeps parsed statements. River's queries and
// ours are the same few hundred strings, so each connection keeps the
// statements it has prepared, keyed by their text, and reuses them: a
// statement is parsed once per connection instead of once per call.

// maxCachedStmts bounds each connection's cache: $filter produces
// statements without end.
const maxCachedStmts = 512

// openSQLite returns a connector for dsn whose connections cache statements
// and store UUIDs in 16 bytes (idcodec.go).
func openSQLite(dsn string) (driver.Connector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return cachingConnector{c}, nil
}

type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

// cachingConn wraps a driver connection. database/sql uses one connection
// from one goroutine at a time, so the cache needs no lock of its own; the
// mutex only guards against a Rows closed from another goroutine.
type cachingConn struct {
	driver.Conn
	mu    sync.Mutex
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool // its rows are open: another call must not reset it
}

// take returns the cached statement for q, preparing it when absent; ok is
// false when q must run uncached (busy or cache full). Scripts of several
// statements are cached too: the driver parses those on every run anyway.
func (c *cachingConn) take(ctx context.Context, q string) (cs *cachedStmt, ok bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs := c.stmts[q]; cs != nil {
		if cs.busy {
			return nil, false, nil
		}
		return cs, true, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		return nil, false, nil
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, false, err
	}
	cs = &cachedStmt{st: st}
	c.stmts[q] = cs
	return cs, true, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	cs, ok, err := c.take(ctx, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
	}
	return cs.st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	cs, ok, err := c.take(ctx, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		rows, err := c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
		if err != nil {
			return nil, err
		}
		return newIDRows(rows), nil
	}
	c.mu.Lock()
	cs.busy = true
	c.mu.Unlock()
	rows, err := cs.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.release(cs)
		return nil, err
	}
	return &cachedRows{Rows: newIDRows(rows), done: func() { c.release(cs) }}, nil
}

func (c *cachingConn) release(cs *cachedStmt) {
	c.mu.Lock()
	cs.busy = false
	c.mu.Unlock()
}

func (c *cachingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return idStmt{st}, nil
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

// CheckNamedValue binds a canonical UUID as its 16 bytes (idArg).
func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	return idArg(nv)
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) Close() error {
	c.mu.Lock()
	for _, cs := range c.stmts {
		cs.st.Close()
	}
	c.stmts = nil
	c.mu.Unlock()
	return c.Conn.Close()
}

// cachedRows marks its statement free again when closed.
type cachedRows struct {
	driver.Rows
	once sync.Once
	done func()
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.done)
	return err
}
