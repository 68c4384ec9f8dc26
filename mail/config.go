package mail

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// TLS modes of an SMTP connection (the ?tls= parameter of the URL).
const (
	// TLSStartTLS upgrades a plain connection with STARTTLS and refuses to
	// send when the server does not offer it (the default).
	TLSStartTLS = "starttls"
	// TLSImplicit opens the connection over TLS (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSNone sends in clear text; for a relay on the same host or network.
	TLSNone = "none"
)

// Config is where and how to send: the parsed --smtp URL and the sender.
type Config struct {
	Host     string
	Port     int
	TLS      string // TLSStartTLS, TLSImplicit or TLSNone
	Username string
	Password string // write-only: String never shows it
	// From is the sender, e.g. "entitled <noreply@example.org>".
	From string
}

// ParseURL parses smtp://[user:password@]host:port[?tls=starttls|tls|none].
// The port defaults to 587 (465 with tls=tls, 25 with tls=none).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("smtp URL: %s", redactErr(err, raw))
	}
	if u.Scheme != "smtp" {
		return Config{}, fmt.Errorf("smtp URL: the scheme must be smtp://, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return Config{}, fmt.Errorf("smtp URL: a host is required (smtp://host:port)")
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, fmt.Errorf("smtp URL: unexpected path %q", u.Path)
	}
	c := Config{Host: u.Hostname(), TLS: TLSStartTLS}
	for key, vals := range u.Query() {
		if key != "tls" {
			return Config{}, fmt.Errorf("smtp URL: unknown parameter %q (only tls is known)", key)
		}
		switch v := vals[len(vals)-1]; v {
		case TLSStartTLS, TLSImplicit, TLSNone:
			c.TLS = v
		default:
			return Config{}, fmt.Errorf("smtp URL: tls=%q: use starttls, tls or none", v)
		}
	}
	switch c.TLS {
	case TLSImplicit:
		c.Port = 465
	case TLSNone:
		c.Port = 25
	default:
		c.Port = 587
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("smtp URL: port %q is not a port number", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	return c, nil
}

// redactErr hides the password of raw in a url.Parse error.
func redactErr(err error, raw string) string {
	msg := err.Error()
	if u, perr := url.Parse(raw); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	} else if i := strings.Index(raw, "@"); i > 0 {
		msg = strings.ReplaceAll(msg, raw[:i], "smtp://xxxxx")
	}
	return msg
}

// String is the URL without the password, for logs.
func (c Config) String() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), RawQuery: "tls=" + c.TLS}
	if c.Username != "" {
		if c.Password != "" {
			u.User = url.UserPassword(c.Username, "xxxxx")
		} else {
			u.User = url.User(c.Username)
		}
	}
	return u.String()
}

// ParseFrom checks a --mail-from value ("Name <addr@host>" or "addr@host").
func ParseFrom(from string) (*mail.Address, error) {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail from %q: %v (write it as \"entitled <noreply@example.org>\")", from, err)
	}
	return a, nil
}
