package entitled

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/entitled-dev/entitled/internal/stdwebhook"
)

// Subscription asks entitled to POST every lifecycle event whose type
// matches one of its patterns to URL, as a CloudEvent signed with its
// secret (Standard Webhooks). Tenant administrators manage them.
type Subscription struct {
	ID  string
	URL string
	// Events are the patterns of the event types sent (MatchEventType).
	Events []string
	// Secret signs the sends. It is write-only: reads leave it empty.
	Secret          string
	CreatedBy       string
	CreatedDateTime time.Time
}

// Bounds of a subscription.
const (
	// MinSubscriptionKey is the shortest signing key a subscription
	// accepts, in bytes (Standard Webhooks asks for 24 to 64).
	MinSubscriptionKey    = 24
	maxSubscriptionURL    = 2000
	maxEventPatterns      = 50
	maxSubscriptionSecret = 512
)

// Validate checks a new subscription: an absolute http(s) URL, at least
// one pattern that matches some event type, and a signing secret of at
// least MinSubscriptionKey bytes ("whsec_" and base64, or plain text) and
// at most 512 characters. The error is a 400 naming the property.
func (s *Subscription) Validate() error {
	bad := func(target, key, msg string, pairs ...any) error {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: msg}).WithKey(key, pairs...)
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s.URL) > maxSubscriptionURL {
		return bad("url", "subscription.badURL", "url must be an absolute http or https URL of at most 2000 characters")
	}
	if len(s.Events) == 0 || len(s.Events) > maxEventPatterns {
		return bad("events", "subscription.noEvents", "events must list between 1 and 50 event types or patterns, such as assignmentRequest.* or delivery.failed")
	}
	for _, p := range s.Events {
		if !KnownEventPattern(p) {
			return bad("events", "subscription.badEvent",
				"event pattern \""+p+"\" matches no event type; use a type such as delivery.failed, a family such as assignmentRequest.*, or *",
				"Pattern", p)
		}
	}
	key, err := stdwebhook.SigningKey(s.Secret)
	if err != nil || len(key) < MinSubscriptionKey || len(s.Secret) > maxSubscriptionSecret {
		return bad("secret", "subscription.badSecret",
			"secret must be whsec_ and the base64 of 24 to 256 random bytes (such as the output of \"openssl rand -base64 32\"), or 24 to 512 characters")
	}
	return nil
}

// MatchEventType is the filter rule of subscriptions: "*" matches every
// event type, "family.*" every type of a family (assignmentRequest.*,
// delivery.*, …), anything else the one type it names. Types are named
// without the "org.entitled." prefix of their CloudEvents type, which a
// pattern may also carry.
func MatchEventType(pattern, typ string) bool {
	pattern = strings.TrimPrefix(pattern, EventTypePrefix)
	if pattern == "*" {
		return true
	}
	if family, ok := strings.CutSuffix(pattern, ".*"); ok {
		return strings.HasPrefix(typ, family+".")
	}
	return pattern == typ
}

// Subscribed reports whether a subscription with these patterns is sent
// events of type typ.
func Subscribed(patterns []string, typ string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return MatchEventType(p, typ) })
}

// KnownEventPattern reports whether a pattern matches at least one event
// type, so that a typo is refused rather than silently matching nothing.
func KnownEventPattern(pattern string) bool {
	return slices.ContainsFunc(EventTypes(), func(t string) bool { return MatchEventType(pattern, t) })
}

// Outcomes of an event send.
const (
	// SendPending: not sent yet, or to be tried again at NextAttempt.
	SendPending = "pending"
	// SendSucceeded: the receiver answered 2xx.
	SendSucceeded = "succeeded"
	// SendFailed: every attempt failed; later events of the subject went on.
	SendFailed = "failed"
)

// MaxSendAttempts is how many times a send is tried before it fails for
// good (about a day with SendBackoff).
const MaxSendAttempts = 16

// SendBackoff is the wait after n failed attempts (n ≥ 1) of a send: one
// second doubled per attempt, capped at two hours.
func SendBackoff(n int) time.Duration {
	d := time.Second
	for i := 1; i < n && d < 2*time.Hour; i++ {
		d *= 2
	}
	return min(d, 2*time.Hour)
}

// EventSend is one event sent (or to send) to one subscription.
type EventSend struct {
	ID             string
	SubscriptionID string
	Event          Event
	Status         string
	Attempts       int
	LastError      string
	// ResponseStatus is the HTTP status of the last answer (0: none).
	ResponseStatus  int
	NextAttempt     time.Time
	SentDateTime    *time.Time
	CreatedDateTime time.Time
	SubscriptionURL string // filled in for the sender
	SubscriptionKey []byte // the signing key, for the sender only
}

// SendOutcome is the result of one attempt of a send.
type SendOutcome struct {
	// ResponseStatus is the HTTP status of the answer (0: none).
	ResponseStatus int
	// Err is nil when the receiver took the event (2xx).
	Err error
}

// SubscriptionService manages event subscriptions (tenant administrators
// only) and shows their recent sends.
type SubscriptionService interface {
	CreateSubscription(ctx context.Context, s *Subscription) (*Subscription, error)
	Subscriptions(ctx context.Context, opt ListOptions) (Page[Subscription], error)
	Subscription(ctx context.Context, id string) (*Subscription, error)
	DeleteSubscription(ctx context.Context, id string) error
	// SubscriptionSends lists a subscription's sends, newest first.
	SubscriptionSends(ctx context.Context, id string, opt ListOptions) (Page[EventSend], error)
}

// EventOutbox is the sender's side of subscriptions: it claims the sends
// that are due, at most one per subscription and subject (the oldest
// pending), for lease, and records the outcome of each attempt.
type EventOutbox interface {
	ClaimEventSends(ctx context.Context, limit int, lease time.Duration) ([]EventSend, error)
	RecordEventSend(ctx context.Context, id string, out SendOutcome) error
}
