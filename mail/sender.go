package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/entitled-dev/entitled"
)

// Sender sends messages through one SMTP server. It is safe for concurrent
// use: each Send opens its own connection.
type Sender struct {
	cfg  Config
	from *mail.Address
	// TLSConfig, when set, replaces the default TLS settings (tests trust
	// their own certificate with it).
	TLSConfig *tls.Config
	// Timeout bounds connecting and each SMTP command; 0 means 30 seconds.
	Timeout time.Duration
}

// NewSender returns a sender for cfg; cfg.From must be a valid address.
func NewSender(cfg Config) (*Sender, error) {
	from, err := ParseFrom(cfg.From)
	if err != nil {
		return nil, err
	}
	return &Sender{cfg: cfg, from: from}, nil
}

// Config is the sender's configuration (print it with its String method:
// the password stays hidden).
func (s *Sender) Config() Config { return s.cfg }

// Send delivers one message. Its error is an *entitled.DeliveryError:
// transient when trying again later may succeed (connection refused, a 4xx
// reply, a timeout), permanent otherwise (a 5xx reply, a malformed message).
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := m.build(s.from)
	if err != nil {
		return entitled.PermanentErrorf("%v", err)
	}
	client, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return entitled.PermanentErrorf("smtp client for %s: %v", s.cfg, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(s.cfg, err)
	}
	return nil
}

func (s *Sender) options() []gomail.Option {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(timeout)}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// classify turns a go-mail error into a transient or permanent
// *entitled.DeliveryError naming the server (never its password).
func classify(cfg Config, err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return entitled.TransientErrorf("smtp %s:%d: %v", cfg.Host, cfg.Port, se)
		}
		if code := se.ErrorCode(); code >= 400 && code < 500 {
			return entitled.TransientErrorf("smtp %s:%d: %v", cfg.Host, cfg.Port, se)
		}
		if se.ErrorCode() >= 500 {
			return entitled.PermanentErrorf("smtp %s:%d: %v", cfg.Host, cfg.Port, se)
		}
	}
	// Dialing, TLS and authentication trouble: the server may come back or
	// be fixed by its operator, so try again later.
	return entitled.TransientErrorf("smtp %s:%d: %v", cfg.Host, cfg.Port, fmt.Sprint(err))
}
