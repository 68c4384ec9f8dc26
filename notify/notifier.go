package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/mail"
)

// Sender sends one finished message (*mail.Sender does).
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Notifier works notices: one message per recipient, recorded in the
// outbox, and sent when a Sender is configured.
type Notifier struct {
	// Store loads notices and keeps the outbox.
	Store entitled.NotificationService
	// Sender sends email; nil records messages in the outbox only.
	Sender Sender
	// BaseURL is where readers open entitled (links in messages).
	BaseURL string
	// Location is the time zone of dates in messages (the server's
	// --time-zone, as in the web UI); nil means UTC.
	Location *time.Location
	// Logger logs sends and failures; nil means slog.Default().
	Logger *slog.Logger

	sent *prometheus.CounterVec
}

// New returns a notifier whose counter entitled_notifications_total
// {event,status} is registered with reg (nil: not registered).
func New(store entitled.NotificationService, sender Sender, baseURL string, reg prometheus.Registerer) (*Notifier, error) {
	if store == nil {
		return nil, errors.New("notify: a store is required")
	}
	n := &Notifier{Store: store, Sender: sender, BaseURL: baseURL, Logger: slog.Default(),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "entitled_notifications_total",
			Help: "Messages about notices, by event and outcome (sent, recorded without SMTP, failed, retry).",
		}, []string{"event", "status"})}
	if reg != nil {
		if err := reg.Register(n.sent); err != nil {
			return nil, fmt.Errorf("notify: metrics: %w", err)
		}
	}
	return n, nil
}

// Notify works one notice (Notices with one).
func (n *Notifier) Notify(ctx context.Context, notice entitled.Notice) error {
	return n.Notices(ctx, []entitled.Notice{notice})
}

// letter is one message of a batch: to whom, about what, what it says.
type letter struct {
	facts *entitled.NoticeFacts
	to    entitled.User
	msg   message
	rec   *entitled.Notification
}

// Notices works notices queued together (those of one transaction): it
// writes every message, records them all in one write, then sends those
// that wait for the mail server. A notice that no longer applies is
// skipped. It returns a transient error when some message could not be
// sent yet: the queue retries the batch later, and the messages already
// sent are not sent again.
func (n *Notifier) Notices(ctx context.Context, notices []entitled.Notice) error {
	var letters []letter
	var records []*entitled.Notification
	all, errs, err := n.Store.NoticesFacts(entitled.NewContext(ctx, entitled.SystemActor), notices)
	if err != nil {
		return err
	}
	for i, notice := range notices {
		facts, err := all[i], errs[i]
		if stale(err) {
			n.log().Info("notice skipped: no longer applies", "notice", notice.ID, "event", notice.Event, "reason", err.Error())
			continue
		} else if err != nil {
			return err
		}
		for _, to := range facts.Recipients {
			lang := language(to)
			msg, err := n.composeFor(facts, to, lang, n.Sender != nil && to.Mail != "")
			if err != nil {
				return err
			}
			letters = append(letters, letter{facts: facts, to: to, msg: msg})
			records = append(records, n.record(facts, to, lang, msg.Subject))
		}
	}
	if len(records) == 0 {
		return nil
	}
	recs, created, err := n.Store.RecordNotifications(ctx, records)
	if err != nil {
		return err
	}
	var retry error
	for i := range letters {
		l, m := &letters[i], records[i]
		l.rec = recs[i]
		if created[i] && m.Status != entitled.NotificationQueued {
			n.count(l.facts, m.Status, m.Error, l.to)
		}
		if l.rec.Status != entitled.NotificationQueued || m.Status != entitled.NotificationQueued {
			continue // recorded now with its outcome, or done on an earlier attempt
		}
		if err := n.send(ctx, l); err != nil {
			retry = err
		}
	}
	return retry
}

// record is the outbox row of a message. Without a mail server, or an
// address, the outcome is known before any attempt: the message is
// recorded with it.
func (n *Notifier) record(f *entitled.NoticeFacts, to entitled.User, lang, subject string) *entitled.Notification {
	m := &entitled.Notification{NoticeID: f.Notice.ID, Event: f.Notice.Event, RequestID: f.Request.ID, RecipientID: to.ID,
		RecipientAddress: to.Mail, Language: lang, Subject: subject, Status: entitled.NotificationQueued}
	switch {
	case to.Mail == "":
		m.Status, m.Error = entitled.NotificationFailed, "the recipient has no mail address"
	case n.Sender == nil:
		m.Status = entitled.NotificationRecorded
	}
	if m.Status != entitled.NotificationQueued {
		m.Attempts = 1
	}
	return m
}

// send sends one recorded message and records the outcome; a transient
// failure is returned (the batch is retried).
func (n *Notifier) send(ctx context.Context, l *letter) error {
	f, to, msg := l.facts, l.to, l.msg
	status, errText := entitled.NotificationSent, ""
	var retry error
	if err := n.Sender.Send(ctx, mail.Message{ID: MessageID(f.Notice.ID, to.ID, n.BaseURL),
		To: []mail.Address{{Name: name(to), Addr: to.Mail}}, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML,
		Headers: map[string]string{"X-Entitled-Event": string(f.Notice.Event)}}); err != nil {
		errText = err.Error()
		status = entitled.NotificationFailed
		if entitled.ClassOf(err) == entitled.Transient {
			status, retry = entitled.NotificationQueued, err
		}
	}
	if err := n.Store.MarkNotification(ctx, l.rec.ID, status, errText); err != nil {
		return err
	}
	if retry != nil {
		n.count(f, "retry", errText, to)
	} else {
		n.count(f, status, errText, to)
	}
	return retry
}

// count counts one outcome and logs a message that was not sent.
func (n *Notifier) count(f *entitled.NoticeFacts, outcome, errText string, to entitled.User) {
	n.sent.WithLabelValues(string(f.Notice.Event), outcome).Inc()
	if errText != "" {
		n.log().Warn("notification not sent", "event", f.Notice.Event, "recipient", to.UserPrincipalName,
			"request", f.Request.ID, "status", outcome, "error", errText)
	}
}

func (n *Notifier) log() *slog.Logger {
	if n.Logger == nil {
		return slog.Default()
	}
	return n.Logger
}

// MessageID is the Message-ID (without brackets) of the message about a
// notice to a recipient: the same on every attempt, so a resend after a
// crash is recognisable. Its right side is the host of baseURL.
func MessageID(noticeID, recipientID, baseURL string) string {
	sum := sha256.Sum256([]byte(noticeID + "\x00" + recipientID))
	host := "entitled.invalid"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return hex.EncodeToString(sum[:16]) + "@" + host
}

// language is the language a user reads messages in: the supported
// language that best fits their preferredLanguage, English when none does
// (i18n.For), as on the web UI.
func language(u entitled.User) string { return i18n.For(u.PreferredLanguage).Lang() }

// stale reports whether err says the notice no longer applies.
func stale(err error) bool {
	var e *entitled.Error
	return errors.As(err, &e) && e.Code == entitled.CodeStale
}
