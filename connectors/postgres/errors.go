package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sort"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// scrubber removes connection details from text that may end up in an
// error message: secrets (the DSN, its password) always, and the host, user
// and database names from client-side (pgx) error texts.
type scrubber struct{ secrets, details []string }

func newScrubber(dsn string, pc *pgconn.Config) scrubber {
	secrets := []string{dsn}
	var details []string
	if pc != nil {
		secrets = append(secrets, pc.Password, url.QueryEscape(pc.Password), url.PathEscape(pc.Password))
		details = append(details, pc.Host, pc.User, pc.Database)
		for _, fb := range pc.Fallbacks {
			details = append(details, fb.Host)
		}
	}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p)
		}
		secrets = append(secrets, u.User.String())
	}
	return scrubber{secrets: longestFirst(secrets, 1), details: longestFirst(details, 3)}
}

// longestFirst drops strings shorter than min and sorts the rest longest
// first, so that the DSN is replaced before the password inside it.
func longestFirst(ss []string, min int) []string {
	var out []string
	for _, x := range ss {
		if len(x) >= min {
			out = append(out, x)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// clean removes the secrets from a server's message.
func (s scrubber) clean(text string) string {
	return connectors.Redact(text, s.secrets...)
}

// cleanAll removes the secrets and the connection details from a
// client-side error text.
func (s scrubber) cleanAll(text string) string {
	text = s.clean(text)
	for _, x := range s.details {
		text = strings.ReplaceAll(text, x, "…")
	}
	return text
}

// classify turns an error from pgx into a transient or permanent delivery
// error whose message says what is wrong without any connection secret.
func (c *Connector) classify(err error) error {
	if err == nil {
		return nil
	}
	var de *entitled.DeliveryError
	if errors.As(err, &de) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return c.classifyPg(pe)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return entitled.TransientErrorf("the delivery was canceled before PostgreSQL answered")
	case errors.Is(err, context.DeadlineExceeded):
		return entitled.TransientErrorf("PostgreSQL did not answer in time (the delivery's time limit or config.connectTimeout %s ran out)", c.cfg.ConnectTimeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return entitled.TransientErrorf("the PostgreSQL server refused the connection: it is down or not listening at the address in config.dsn")
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return entitled.TransientErrorf("the connection to the PostgreSQL server was lost (server restarting or network trouble)")
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return entitled.TransientErrorf("PostgreSQL did not answer in time (config.connectTimeout is %s)", c.cfg.ConnectTimeout)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return entitled.TransientErrorf("the PostgreSQL server's host name in config.dsn could not be resolved")
	}
	// Anything else (TLS trouble, an unexpected protocol error): the
	// innermost cause, scrubbed, is all that is said.
	inner := err
	for u := errors.Unwrap(inner); u != nil; u = errors.Unwrap(inner) {
		inner = u
	}
	return entitled.TransientErrorf("talking to the PostgreSQL server failed: %s", c.scrub.cleanAll(inner.Error()))
}

// classifyPg classifies an error the server reported, by SQLSTATE.
func (c *Connector) classifyPg(pe *pgconn.PgError) error {
	msg := c.scrub.clean(pe.Message)
	code := pe.Code
	switch {
	case code == "42704": // undefined_object: a role is missing
		return entitled.PermanentErrorf("PostgreSQL says %s (SQLSTATE 42704): the user or group role is missing; create it, or fix config.userTemplate if the user's name is mapped wrongly", msg)
	case code == "42501": // insufficient_privilege
		return entitled.PermanentErrorf("PostgreSQL refused: %s (SQLSTATE 42501); the user of config.dsn needs CREATEROLE or ADMIN OPTION on the role", msg)
	case strings.HasPrefix(code, "28"): // invalid authorization
		return entitled.PermanentErrorf("PostgreSQL refused the login of config.dsn's user (SQLSTATE %s): check the user name and password in config.dsn", code)
	case code == "3D000": // invalid_catalog_name
		return entitled.PermanentErrorf("the database named in config.dsn does not exist (SQLSTATE 3D000)")
	case strings.HasPrefix(code, "08"), // connection exception
		strings.HasPrefix(code, "53"),                     // insufficient resources: too many connections, out of memory, disk full
		strings.HasPrefix(code, "40"),                     // serialization failure, deadlock
		strings.HasPrefix(code, "58"),                     // system error
		strings.HasPrefix(code, "XX"),                     // internal error
		code == "57P01", code == "57P02", code == "57P03", // admin/crash shutdown, cannot connect now
		code == "57014",                  // query canceled
		code == "55P03", code == "55006": // lock not available, object in use
		return entitled.TransientErrorf("PostgreSQL is unavailable or busy: %s (SQLSTATE %s); the delivery will be retried", msg, code)
	}
	return entitled.PermanentErrorf("PostgreSQL refused: %s (SQLSTATE %s)", msg, code)
}

// brokenConnection reports whether err says the connection itself failed
// (as after a server restart), so that running the same idempotent work on
// a fresh connection may succeed.
func brokenConnection(err error, conn *pgconn.PgConn) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if conn != nil && conn.IsClosed() {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02"
	}
	return pgconn.SafeToRetry(err) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
