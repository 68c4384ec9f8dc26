package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	goldap "github.com/go-ldap/ldap/v3"
)

// transientCodes are LDAP result codes a retry may cure: the server is
// busy, unavailable, or ran out of time, or the connection failed. Not
// unwillingToPerform: servers answer it for what they will not do at all
// (a DN outside their naming contexts, a read-only replica, a policy), so
// it fails at once and says so.
var transientCodes = []uint16{
	goldap.LDAPResultTimeLimitExceeded, goldap.LDAPResultAdminLimitExceeded, goldap.LDAPResultBusy,
	goldap.LDAPResultUnavailable, goldap.LDAPResultLoopDetect,
	goldap.LDAPResultOther, goldap.ErrorNetwork, goldap.ErrorUnexpectedResponse, goldap.LDAPResultServerDown,
	goldap.LDAPResultTimeout, goldap.LDAPResultConnectError,
}

// isNetwork reports whether err says the connection itself failed, so the
// connection must be discarded. Besides the network result codes, go-ldap
// reports a connection the server dropped as a plain error ("unable to read
// LDAP response packet: EOF"): every error without an LDAP result counts.
func isNetwork(err error) bool {
	if err == nil {
		return false
	}
	var le *goldap.Error
	var de *entitled.DeliveryError
	if !errors.As(err, &le) && !errors.As(err, &de) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	return goldap.IsErrorAnyOf(err, goldap.ErrorNetwork, goldap.LDAPResultServerDown, goldap.LDAPResultConnectError,
		goldap.LDAPResultTimeout, goldap.ErrorUnexpectedResponse)
}

// code returns the LDAP result code of err, or 0.
func code(err error) uint16 {
	var e *goldap.Error
	if errors.As(err, &e) {
		return e.ResultCode
	}
	return 0
}

// describe returns the LDAP error text an admin can act on: the result
// code's name and the server's diagnostic message.
func describe(err error) string {
	var e *goldap.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	name := goldap.LDAPResultCodeMap[e.ResultCode]
	if name == "" {
		name = fmt.Sprintf("result code %d", e.ResultCode)
	}
	detail := ""
	if e.Err != nil {
		detail = strings.TrimPrefix(e.Err.Error(), "ldap: ")
	}
	if detail == "" || strings.EqualFold(detail, name) {
		return name
	}
	return name + ": " + detail
}

// classify turns an LDAP error into a delivery error whose message starts
// with what (the operation, naming group and user). Errors already
// classified pass through.
func (c *Connector) classify(err error, what string) error {
	if err == nil {
		return nil
	}
	var de *entitled.DeliveryError
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return c.transientf("%s: interrupted before the LDAP server answered (%v); it will be retried", what, err)
	}
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	// StartTLS reports handshake failures as text only, hence the string test.
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) ||
		strings.Contains(err.Error(), "failed to verify certificate") {
		return c.permanentf("%s: the TLS certificate of %s is not trusted (%v); set config.tlsCACert or config.tlsServerName", what, c.cfg.URL.Host, err)
	}
	if isNetwork(err) {
		return c.transientf("%s: cannot reach the LDAP server at %s (%s); it will be retried", what, c.url(), describe(err))
	}
	if goldap.IsErrorAnyOf(err, transientCodes...) {
		return c.transientf("%s: the LDAP server at %s is unavailable (%s); it will be retried", what, c.url(), describe(err))
	}
	switch code(err) {
	case goldap.LDAPResultInvalidCredentials:
		return c.permanentf("%s: the LDAP server refused to bind as %s: invalid credentials; check config.bindDN and config.bindPassword", what, c.cfg.BindDN)
	case goldap.LDAPResultInsufficientAccessRights:
		return c.permanentf("%s: %s may not do this (insufficient access rights); grant it write access to the groups", what, c.cfg.BindDN)
	case goldap.LDAPResultConfidentialityRequired, goldap.LDAPResultStrongAuthRequired:
		return c.permanentf("%s: the LDAP server requires an encrypted connection (%s); use an ldaps:// URL or config.startTLS", what, describe(err))
	case goldap.LDAPResultUnwillingToPerform:
		return c.permanentf("%s: the LDAP server at %s will not do this (%s); check that the DN is in a naming context it holds and that it accepts writes there", what, c.url(), describe(err))
	}
	return c.permanentf("%s: %s", what, describe(err))
}

// transientf and permanentf build delivery errors with every secret of the
// config scrubbed from the message.
func (c *Connector) transientf(format string, args ...any) error {
	return entitled.TransientErrorf("%s", c.scrub(fmt.Sprintf(format, args...)))
}

func (c *Connector) permanentf(format string, args ...any) error {
	return entitled.PermanentErrorf("%s", c.scrub(fmt.Sprintf(format, args...)))
}

// scrub removes the bind password from a message should a server or a
// library ever echo it.
func (c *Connector) scrub(s string) string {
	return connectors.Redact(s, c.cfg.BindPassword)
}

func (c *Connector) url() string { return c.cfg.URL.Scheme + "://" + c.cfg.URL.Host }
