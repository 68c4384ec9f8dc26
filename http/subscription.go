package http

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// subscriptionWire is an event subscription as the API shows it: never
// its secret.
type subscriptionWire struct {
	ID              string   `json:"id"`
	URL             string   `json:"url"`
	Events          []string `json:"events"`
	SecretSet       bool     `json:"secretSet"`
	CreatedBy       string   `json:"createdBy"`
	CreatedDateTime *string  `json:"createdDateTime"`
}

func toSubscriptionWire(s entitled.Subscription) (any, error) {
	return subscriptionWire{ID: s.ID, URL: s.URL, Events: s.Events, SecretSet: true, CreatedBy: s.CreatedBy,
		CreatedDateTime: fmtTime(s.CreatedDateTime)}, nil
}

// subscriptionInput is the body of POST /api/v1/subscriptions.
type subscriptionInput struct {
	URL    *string  `json:"url"`
	Events []string `json:"events"`
	Secret *string  `json:"secret"`
}

// eventSendWire is one send of an event to a subscription and its outcome.
type eventSendWire struct {
	ID                  string         `json:"id"`
	EventID             string         `json:"eventId"`
	Type                string         `json:"type"`
	Subject             string         `json:"subject"`
	Sequence            int64          `json:"sequence"`
	EventDateTime       *string        `json:"eventDateTime"`
	Data                map[string]any `json:"data"`
	Status              string         `json:"status"`
	Attempts            int            `json:"attempts"`
	LastError           string         `json:"lastError"`
	ResponseStatus      int            `json:"responseStatus"`
	NextAttemptDateTime *string        `json:"nextAttemptDateTime"`
	SentDateTime        *string        `json:"sentDateTime"`
	CreatedDateTime     *string        `json:"createdDateTime"`
}

func toEventSendWire(e entitled.EventSend) (any, error) {
	w := eventSendWire{ID: e.ID, EventID: e.Event.ID, Type: entitled.EventTypePrefix + e.Event.Type, Subject: e.Event.Subject,
		Sequence: e.Event.Sequence, EventDateTime: fmtTime(e.Event.Time), Data: e.Event.Data, Status: e.Status,
		Attempts: e.Attempts, LastError: e.LastError, ResponseStatus: e.ResponseStatus, SentDateTime: fmtTimePtr(e.SentDateTime),
		CreatedDateTime: fmtTime(e.CreatedDateTime)}
	if e.Status == entitled.SendPending {
		w.NextAttemptDateTime = fmtTime(e.NextAttempt)
	}
	return w, nil
}

// registerSubscriptions serves event subscriptions (tenant
// administrators): /api/v1/subscriptions and each one's deliveries.
func (s *Server) registerSubscriptions() {
	base := apiBase + "/subscriptions"
	missing := func() error {
		if s.svc.Subscriptions == nil {
			return entitled.NotFoundf("event subscriptions are not available on this server").WithKey("err.service.noSubscriptions")
		}
		return nil
	}
	s.routes.handle("POST", base, optional(missing, func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in subscriptionInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		sub, err := s.svc.Subscriptions.CreateSubscription(r.Context(), &entitled.Subscription{URL: str(in.URL), Events: in.Events, Secret: str(in.Secret)})
		if err != nil {
			return err
		}
		v, _ := toSubscriptionWire(*sub)
		return s.created(w, r, "subscriptions", sub.ID, v)
	}))
	s.routes.handle("GET", base, optional(missing, getPage(s, "", func(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.Subscription], error) {
		return s.svc.Subscriptions.Subscriptions(ctx, opt)
	}, toSubscriptionWire)))
	s.routes.handle("GET", base+"/{id}", optional(missing, func(w http.ResponseWriter, r *http.Request, p params) error {
		sub, err := s.svc.Subscriptions.Subscription(r.Context(), p["id"])
		if err != nil {
			return err
		}
		v, _ := toSubscriptionWire(*sub)
		return s.entity(w, r, http.StatusOK, "subscriptions", v, nil)
	}))
	s.routes.handle("DELETE", base+"/{id}", optional(missing, func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.Subscriptions.DeleteSubscription(r.Context(), p["id"]); err != nil {
			return err
		}
		return noContent(w)
	}))
	s.routes.handle("GET", base+"/{id}/deliveries", optional(missing, func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		pg, err := s.svc.Subscriptions.SubscriptionSends(r.Context(), p["id"], q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, "", pg, q.Select, toEventSendWire)
	}))
}
