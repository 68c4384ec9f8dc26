package ldap

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// pool keeps up to cfg.MaxConnections bound connections. Each operation
// holds one connection alone; connections the server dropped (a restart)
// are discarded and replaced by fresh ones on the next use.
type pool struct {
	cfg  *Config
	sem  chan struct{}
	mu   sync.Mutex
	idle []*goldap.Conn
	// ops counts the operations run, retries included (for tests).
	ops atomic.Int64
}

func newPool(cfg *Config) *pool {
	return &pool{cfg: cfg, sem: make(chan struct{}, cfg.MaxConnections)}
}

// get takes an idle connection or dials and binds a new one; fresh says it
// was dialed just now. It waits for a free slot until ctx ends.
func (p *pool) get(ctx context.Context) (c *goldap.Conn, fresh bool, err error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	p.mu.Lock()
	for len(p.idle) > 0 {
		c = p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if !c.IsClosing() {
			p.mu.Unlock()
			return c, false, nil
		}
		go c.Close()
	}
	p.mu.Unlock()
	c, err = p.dial(ctx)
	if err != nil {
		<-p.sem
		return nil, false, err
	}
	return c, true, nil
}

// put returns a connection to the pool; a broken one (ok false) is closed.
func (p *pool) put(c *goldap.Conn, ok bool) {
	if ok && !c.IsClosing() {
		p.mu.Lock()
		p.idle = append(p.idle, c)
		p.mu.Unlock()
	} else {
		go c.Close()
	}
	<-p.sem
}

// close closes the idle connections.
func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, c := range idle {
		c.Close()
	}
}

// tlsConfig is the TLS configuration of ldaps:// and StartTLS.
func (p *pool) tlsConfig() *tls.Config {
	name := p.cfg.TLSServerName
	if name == "" {
		name = p.cfg.URL.Hostname()
	}
	return &tls.Config{ServerName: name, RootCAs: p.cfg.TLSRootCAs, InsecureSkipVerify: p.cfg.TLSInsecureSkipVerify,
		MinVersion: tls.VersionTLS12}
}

// dial connects, starts TLS when configured and binds, all within the
// config's timeout (and ctx).
func (p *pool) dial(ctx context.Context) (*goldap.Conn, error) {
	timeout := p.cfg.Timeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = time.Until(dl)
	}
	if timeout <= 0 {
		return nil, context.DeadlineExceeded
	}
	opts := []goldap.DialOpt{goldap.DialWithDialer(&net.Dialer{Timeout: timeout})}
	if p.cfg.URL.Scheme == "ldaps" {
		opts = append(opts, goldap.DialWithTLSConfig(p.tlsConfig()))
	}
	c, err := goldap.DialURL(p.cfg.URL.Scheme+"://"+p.cfg.URL.Host, opts...)
	if err != nil {
		return nil, err
	}
	c.SetTimeout(timeout)
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if p.cfg.StartTLS {
		if err := c.StartTLS(p.tlsConfig()); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.Bind(p.cfg.BindDN, p.cfg.BindPassword); err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return c, nil
}

// run calls fn with a pooled connection, bounded by the config's timeout
// and by ctx (canceling ctx closes the connection). A connection that fails
// at the network level is discarded; when it was an idle one (the server
// may have restarted since it was opened), fn is run once more on a fresh
// connection. fn must be safe to repeat.
func (p *pool) run(ctx context.Context, fn func(c *goldap.Conn) error) error {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, fresh, err := p.get(ctx)
		if err != nil {
			return err
		}
		timeout := p.cfg.Timeout
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
			timeout = max(time.Until(dl), time.Millisecond)
		}
		c.SetTimeout(timeout)
		stop := context.AfterFunc(ctx, func() { c.Close() })
		p.ops.Add(1)
		err = fn(c)
		if !stop() {
			p.put(c, false)
			return ctx.Err()
		}
		if isNetwork(err) {
			p.put(c, false)
			if !fresh && attempt == 0 {
				continue
			}
			return err
		}
		p.put(c, true)
		return err
	}
}
