package connectortest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// StatusTarget is a connector over HTTP whose server can be told to answer
// every request with a given status.
type StatusTarget struct {
	Target
	// Answer makes the server answer every request with status and an
	// error body carrying detail; status 0 restores normal service.
	Answer func(t *testing.T, status int, detail string)
	// Secrets are strings (tokens, passwords) no error may contain.
	Secrets []string
}

// TransientStatuses and PermanentStatuses are the HTTP statuses RunHTTPStatus
// checks: 408, 425, 429 and 5xx are worth retrying, other 4xx are not.
var (
	TransientStatuses = []int{408, 425, 429, 500, 502, 503, 504}
	PermanentStatuses = []int{400, 403, 404, 405, 409, 422}
)

// RunHTTPStatus checks the HTTP status classification shared by HTTP-based
// kinds: each transient status fails Grant and Revoke transiently, each
// permanent one permanently, the message names the status and keeps the
// server's detail, no message carries a secret, and the connector grants
// normally once the server recovers.
func RunHTTPStatus(t *testing.T, newTarget func(t *testing.T) StatusTarget) {
	ctx := context.Background()
	check := func(t *testing.T, tg StatusTarget, status int, class entitled.ErrorClass) {
		detail := fmt.Sprintf("detail-%d from the server", status)
		tg.Answer(t, status, detail)
		for name, op := range map[string]func(context.Context, entitled.Grant) error{"grant": tg.Connector.Grant, "revoke": tg.Connector.Revoke} {
			err := op(ctx, tg.Grant)
			what := fmt.Sprintf("%s answered HTTP %d", name, status)
			WantClass(t, what, err, class, tg.Secrets)
			var de *entitled.DeliveryError
			if errors.As(err, &de) {
				if !strings.Contains(de.Message, fmt.Sprint(status)) {
					t.Errorf("%s: message %q does not name the status", what, de.Message)
				}
				if !strings.Contains(de.Message, detail) {
					t.Errorf("%s: message %q lost the server's detail %q", what, de.Message, detail)
				}
			}
		}
	}
	t.Run("TransientStatuses", func(t *testing.T) {
		tg := newTarget(t)
		for _, s := range TransientStatuses {
			check(t, tg, s, entitled.Transient)
		}
		tg.Answer(t, 0, "")
		mustSucceed(t, "grant after the server recovered", tg.Connector.Grant(ctx, tg.Grant))
		if !tg.Holds(t) {
			t.Fatal("the subject does not hold the role after the server recovered")
		}
	})
	t.Run("PermanentStatuses", func(t *testing.T) {
		tg := newTarget(t)
		for _, s := range PermanentStatuses {
			check(t, tg, s, entitled.Permanent)
		}
	})
}
