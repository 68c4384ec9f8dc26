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
	// Location is the time zone of dates in messages; nil means UTC.
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

// Notify works one notice. A notice that no longer applies is done. It
// returns a transient error when some message could not be sent yet: the
// queue retries the notice later, and the messages already sent are not
// sent again.
func (n *Notifier) Notify(ctx context.Context, notice entitled.Notice) error {
	facts, err := n.Store.NoticeFacts(entitled.NewContext(ctx, entitled.SystemActor), notice)
	if stale(err) {
		n.log().Info("notice skipped: no longer applies", "notice", notice.ID, "event", notice.Event, "reason", err.Error())
		return nil
	} else if err != nil {
		return err
	}
	var retry error
	for _, to := range facts.Recipients {
		if err := n.tell(ctx, facts, to); err != nil {
			retry = err
		}
	}
	return retry
}

// tell writes, records and sends the message of a notice to one person.
func (n *Notifier) tell(ctx context.Context, f *entitled.NoticeFacts, to entitled.User) error {
	lang := preferredLanguage(to)
	msg, err := n.compose(f, to, lang)
	if err != nil {
		return err
	}
	rec, err := n.Store.RecordNotification(ctx, &entitled.Notification{NoticeID: f.Notice.ID, Event: f.Notice.Event,
		RequestID: f.Request.ID, RecipientID: to.ID, RecipientAddress: to.Mail, Language: lang, Subject: msg.Subject,
		Status: entitled.NotificationQueued})
	if err != nil {
		return err
	}
	if rec.Status != entitled.NotificationQueued {
		return nil // done on an earlier attempt
	}
	status, errText := entitled.NotificationSent, ""
	var retry error
	switch {
	case to.Mail == "":
		status, errText = entitled.NotificationFailed, "the recipient has no mail address"
	case n.Sender == nil:
		status = entitled.NotificationRecorded
	default:
		err := n.Sender.Send(ctx, mail.Message{ID: MessageID(f.Notice.ID, to.ID, n.BaseURL),
			To: []mail.Address{{Name: name(to), Addr: to.Mail}}, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML,
			Headers: map[string]string{"X-Entitled-Event": string(f.Notice.Event)}})
		if err != nil {
			errText = err.Error()
			status = entitled.NotificationFailed
			if entitled.ClassOf(err) == entitled.Transient {
				status, retry = entitled.NotificationQueued, err
			}
		}
	}
	if err := n.Store.MarkNotification(ctx, rec.ID, status, errText); err != nil {
		return err
	}
	outcome := status
	if retry != nil {
		outcome = "retry"
	}
	n.sent.WithLabelValues(string(f.Notice.Event), outcome).Inc()
	if errText != "" {
		n.log().Warn("notification not sent", "event", f.Notice.Event, "recipient", to.UserPrincipalName,
			"request", f.Request.ID, "status", status, "error", errText)
	}
	return retry
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

// preferredLanguage is the language a user reads messages in.
func preferredLanguage(u entitled.User) string { return "en" }

// stale reports whether err says the notice no longer applies.
func stale(err error) bool {
	var e *entitled.Error
	return errors.As(err, &e) && e.Code == entitled.CodeStale
}
