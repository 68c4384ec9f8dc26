package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/mailpittest"
	"github.com/entitled-dev/entitled/mail"
)

func newSender(t *testing.T, rawURL string) *mail.Sender {
	t.Helper()
	cfg, err := mail.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "entitled <noreply@example.org>"
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = 5 * time.Second
	return s
}

func sample(id string) mail.Message {
	return mail.Message{
		ID:      id,
		To:      []mail.Address{{Name: "Alice Martin", Addr: "alice@example.org"}},
		Subject: "A request waits for your approval",
		Text:    "Bob asks for Sales tools.\nDecide: https://entitled.example.org/approvals\n",
		HTML:    `<p>Bob asks for <b>Sales tools</b>.</p><p><a href="https://entitled.example.org/approvals">Decide</a></p>`,
		Headers: map[string]string{"X-Entitled-Event": "approval.pending"},
	}
}

func classOf(err error) entitled.ErrorClass {
	var de *entitled.DeliveryError
	if errors.As(err, &de) {
		return de.Class
	}
	return ""
}

func TestSendReachesTheServer(t *testing.T) {
	srv := mailpittest.Start(t)
	s := newSender(t, srv.URL(mail.TLSNone, "", ""))
	if err := s.Send(context.Background(), sample("n-1@entitled.test")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	ms := srv.WaitFor(t, 1, 10*time.Second)
	m := ms[0]
	if m.MessageID != "n-1@entitled.test" {
		t.Errorf("Message-ID = %q, want the stable id we gave", m.MessageID)
	}
	if m.Subject != "A request waits for your approval" || m.From.Address != "noreply@example.org" || m.From.Name != "entitled" {
		t.Errorf("subject/from = %q / %+v", m.Subject, m.From)
	}
	if len(m.To) != 1 || m.To[0].Address != "alice@example.org" || m.To[0].Name != "Alice Martin" {
		t.Errorf("to = %+v", m.To)
	}
	if !strings.Contains(m.Text, "Decide: https://entitled.example.org/approvals") {
		t.Errorf("text part = %q", m.Text)
	}
	if !strings.Contains(m.HTML, `<a href="https://entitled.example.org/approvals">Decide</a>`) {
		t.Errorf("html part = %q", m.HTML)
	}
	if got := m.Headers["Auto-Submitted"]; len(got) != 1 || got[0] != "auto-generated" {
		t.Errorf("Auto-Submitted = %v", got)
	}
	if got := m.Headers["X-Entitled-Event"]; len(got) != 1 || got[0] != "approval.pending" {
		t.Errorf("X-Entitled-Event = %v", got)
	}
}

func TestStartTLSAndAuthentication(t *testing.T) {
	srv := mailpittest.StartWith(t, mailpittest.Options{Username: "relay", Password: "r3lay-Pw", StartTLS: true})

	good := newSender(t, srv.URL(mail.TLSStartTLS, "relay", "r3lay-Pw"))
	good.TLSConfig = srv.TLSConfig()
	if err := good.Send(context.Background(), sample("tls-1@entitled.test")); err != nil {
		t.Fatalf("Send over STARTTLS with credentials: %v", err)
	}

	wrong := newSender(t, srv.URL(mail.TLSStartTLS, "relay", "not-the-password"))
	wrong.TLSConfig = srv.TLSConfig()
	err := wrong.Send(context.Background(), sample("tls-2@entitled.test"))
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("error shows the password: %v", err)
	}

	clear := newSender(t, srv.URL(mail.TLSNone, "", ""))
	if err := clear.Send(context.Background(), sample("tls-3@entitled.test")); err == nil {
		t.Fatal("a server that requires STARTTLS took mail in clear text")
	}

	// An untrusted certificate is not silently accepted.
	untrusted := newSender(t, srv.URL(mail.TLSStartTLS, "relay", "r3lay-Pw"))
	if err := untrusted.Send(context.Background(), sample("tls-4@entitled.test")); err == nil {
		t.Fatal("a self-signed certificate was trusted without being configured")
	}

	ms := srv.WaitFor(t, 1, 10*time.Second)
	if len(ms) != 1 || ms[0].MessageID != "tls-1@entitled.test" {
		t.Errorf("received %d messages; want only the one sent with TLS and the right password", len(ms))
	}
}

func TestServerDownIsTransient(t *testing.T) {
	srv := mailpittest.Start(t)
	s := newSender(t, srv.URL(mail.TLSNone, "", ""))
	srv.Kill()
	err := s.Send(context.Background(), sample("down-1@entitled.test"))
	if err == nil {
		t.Fatal("Send to a stopped server succeeded")
	}
	if classOf(err) != entitled.Transient {
		t.Errorf("class = %q (%v), want transient: the server may come back", classOf(err), err)
	}
}

func TestMalformedMessageIsPermanentAndNotSent(t *testing.T) {
	srv := mailpittest.Start(t)
	s := newSender(t, srv.URL(mail.TLSNone, "", ""))
	for name, m := range map[string]mail.Message{
		"no recipient":    {ID: "x@entitled.test", Subject: "s", Text: "t"},
		"bad recipient":   {ID: "x@entitled.test", To: []mail.Address{{Addr: "not an address"}}, Subject: "s", Text: "t"},
		"no subject":      {ID: "x@entitled.test", To: []mail.Address{{Addr: "a@example.org"}}, Text: "t"},
		"no text":         {ID: "x@entitled.test", To: []mail.Address{{Addr: "a@example.org"}}, Subject: "s"},
		"id with bracket": {ID: "<x@entitled.test>", To: []mail.Address{{Addr: "a@example.org"}}, Subject: "s", Text: "t"},
		"id without @":    {ID: "x", To: []mail.Address{{Addr: "a@example.org"}}, Subject: "s", Text: "t"},
	} {
		err := s.Send(context.Background(), m)
		if err == nil || classOf(err) != entitled.Permanent {
			t.Errorf("%s: err = %v (class %q), want a permanent error", name, err, classOf(err))
		}
	}
	if ms := srv.Messages(t); len(ms) != 0 {
		t.Errorf("%d malformed messages reached the server", len(ms))
	}
}
