package mail

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Address is one recipient.
type Address struct {
	Name string
	Addr string
}

// Message is a finished notification: who receives it and what it says.
type Message struct {
	// ID is the stable Message-ID without angle brackets (e.g.
	// "3f2a…@entitled.example.org"): a message sent again after a crash
	// carries the same ID, so a mail system can recognise the resend.
	ID      string
	To      []Address
	Subject string
	Text    string // the plain-text part (required)
	HTML    string // the HTML alternative ("" for none)
	// Date is the message's date; zero means now.
	Date time.Time
	// Headers are extra headers (e.g. "X-Entitled-Event").
	Headers map[string]string
}

// validate reports what a message lacks before anything is sent.
func (m Message) validate() error {
	switch {
	case m.ID == "" || strings.ContainsAny(m.ID, "<> \r\n") || !strings.Contains(m.ID, "@"):
		return fmt.Errorf("message id %q must look like left@right, without brackets or spaces", m.ID)
	case len(m.To) == 0:
		return fmt.Errorf("message %s has no recipient", m.ID)
	case strings.TrimSpace(m.Subject) == "":
		return fmt.Errorf("message %s has no subject", m.ID)
	case m.Text == "":
		return fmt.Errorf("message %s has no text", m.ID)
	}
	for _, a := range m.To {
		if _, err := mail.ParseAddress(a.Addr); err != nil {
			return fmt.Errorf("message %s: recipient %q: %v", m.ID, a.Addr, err)
		}
	}
	return nil
}

// build turns the message into go-mail's form, sent from from.
func (m Message) build(from *mail.Address) (*gomail.Msg, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg()
	if err := msg.FromFormat(from.Name, from.Address); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	for _, a := range m.To {
		if err := msg.AddToFormat(a.Name, a.Addr); err != nil {
			return nil, fmt.Errorf("to %q: %w", a.Addr, err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID)
	if m.Date.IsZero() {
		msg.SetDate()
	} else {
		msg.SetDateWithValue(m.Date)
	}
	// Automatic notifications must not start auto-reply loops.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
