package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/stdwebhook"
)

// Sender works the outbox of event sends until its context ends.
type Sender struct {
	// Outbox claims due sends and records their outcomes.
	Outbox entitled.EventOutbox
	// Source is the CloudEvents source of every event: entitled's base URL.
	Source string
	// Client sends; nil means a client with a 10-second timeout that does
	// not follow redirects (a redirect is a failed attempt).
	Client *http.Client
	// PollInterval is the wait when nothing is due; 0 means 250ms.
	PollInterval time.Duration
	// Lease is how long a claimed send is left to its sender before another
	// may claim it; 0 means 15s. It must exceed the client's timeout.
	Lease time.Duration
	// Batch is how many sends are claimed (and sent side by side) at once;
	// 0 means 32.
	Batch int
	// Logger logs failed attempts; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock of signatures; nil means time.Now.
	Now func() time.Time

	sent *prometheus.CounterVec
}

// New returns a sender whose counter entitled_event_sends_total{status}
// (succeeded, retry, failed) is registered with reg (nil: not registered).
func New(outbox entitled.EventOutbox, source string, reg prometheus.Registerer) (*Sender, error) {
	if outbox == nil {
		return nil, errors.New("events: an outbox is required")
	}
	s := &Sender{Outbox: outbox, Source: source, sent: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "entitled_event_sends_total",
		Help: "Attempts to send events to subscriptions, by outcome (succeeded, retry, failed).",
	}, []string{"status"})}
	if reg != nil {
		if err := reg.Register(s.sent); err != nil {
			return nil, fmt.Errorf("events: metrics: %w", err)
		}
	}
	return s, nil
}

// Run sends until ctx ends. Errors of the database are logged and retried
// after PollInterval.
func (s *Sender) Run(ctx context.Context) {
	wait := s.PollInterval
	if wait <= 0 {
		wait = 250 * time.Millisecond
	}
	for {
		n, err := s.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.log().Warn("event sends", "err", err)
		}
		if n > 0 && err == nil {
			continue // more may be due: the next of each subject
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// SendDue claims the due sends, sends them side by side and records each
// outcome; it returns how many it claimed.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	lease, batch := s.Lease, s.Batch
	if lease <= 0 {
		lease = 15 * time.Second
	}
	if batch <= 0 {
		batch = 32
	}
	due, err := s.Outbox.ClaimEventSends(ctx, batch, lease)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(due))
	for i, e := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := s.send(ctx, e)
			if ctx.Err() != nil {
				return // shutting down: the lease ends and the send is claimed again
			}
			errs[i] = s.Outbox.RecordEventSend(context.WithoutCancel(ctx), e.ID, out)
			s.count(e, out)
		}()
	}
	wg.Wait()
	return len(due), errors.Join(errs...)
}

// send makes one attempt of a send.
func (s *Sender) send(ctx context.Context, e entitled.EventSend) entitled.SendOutcome {
	body, err := Encode(e.Event, s.Source)
	if err != nil {
		return entitled.SendOutcome{Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.SubscriptionURL, bytes.NewReader(body))
	if err != nil {
		return entitled.SendOutcome{Err: err}
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("User-Agent", "entitled-events")
	ts := s.now().Unix()
	req.Header.Set(stdwebhook.IDHeader, e.Event.ID)
	req.Header.Set(stdwebhook.TimestampHeader, strconv.FormatInt(ts, 10))
	req.Header.Set(stdwebhook.SignatureHeader, stdwebhook.Sign(e.SubscriptionKey, e.Event.ID, ts, body))
	resp, err := s.client().Do(req)
	if err != nil {
		return entitled.SendOutcome{Err: err}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		msg := strings.Join(strings.Fields(string(snippet)), " ")
		return entitled.SendOutcome{ResponseStatus: resp.StatusCode, Err: fmt.Errorf("HTTP %d: %s", resp.StatusCode, msg)}
	}
	return entitled.SendOutcome{ResponseStatus: resp.StatusCode}
}

// count counts an attempt and logs a failed one.
func (s *Sender) count(e entitled.EventSend, out entitled.SendOutcome) {
	status := entitled.SendSucceeded
	if out.Err != nil {
		status = "retry"
		if e.Attempts+1 >= entitled.MaxSendAttempts {
			status = entitled.SendFailed
		}
		s.log().Info("event send failed", "subscription", e.SubscriptionID, "event", e.Event.ID, "type", e.Event.Type,
			"attempt", e.Attempts+1, "err", out.Err.Error())
	}
	if s.sent != nil {
		s.sent.WithLabelValues(status).Inc()
	}
}

var defaultClient = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (s *Sender) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return defaultClient
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
