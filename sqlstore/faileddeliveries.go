package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// FailedDeliveries lists the failed deliveries of the requests with the ids
// that the caller may see, oldest first, in one query (the Requests tab
// shows them per row). Ids of requests the caller may not see are skipped.
func (s *RequestService) FailedDeliveries(ctx context.Context, requestIDs []string) ([]entitled.Delivery, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if len(requestIDs) == 0 {
		return nil, nil
	}
	if len(requestIDs) > entitled.MaxPageSize {
		return nil, entitled.Invalidf("at most %d requests at a time, not %d", entitled.MaxPageSize, len(requestIDs)).WithKey("err.request.tooManyAtOnce", "Max", entitled.MaxPageSize, "Given", len(requestIDs))
	}
	var out []entitled.Delivery
	err = s.db.read(ctx, func(t *tx) error {
		vis, vargs, err := s.visibleRequests(ctx, t, a)
		if err != nil {
			return err
		}
		sub := `SELECT id FROM assignment_requests WHERE id IN (` + inList(len(requestIDs)) + `)`
		args := make([]any, 0, len(requestIDs)+len(vargs))
		for _, id := range requestIDs {
			args = append(args, id)
		}
		if vis != "" {
			sub += ` AND (` + vis + `)`
			args = append(args, vargs...)
		}
		out, err = t.queryDeliveries(ctx, `d.status = 'failed' AND d.request_id IN (`+sub+`)`, args...)
		return err
	})
	return out, err
}
