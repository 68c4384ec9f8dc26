package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// RequestStateCounts counts assignment requests per state, every state
// present (zero when none), for the /metrics gauge. It checks no actor.
func (s *RequestService) RequestStateCounts(ctx context.Context) (map[entitled.RequestState]int, error) {
	out := make(map[entitled.RequestState]int, len(entitled.RequestStates))
	for _, st := range entitled.RequestStates {
		out[st] = 0
	}
	rows, err := s.db.reader().QueryContext(ctx, `SELECT state, COUNT(*) FROM assignment_requests GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[entitled.RequestState(st)] = n
	}
	return out, rows.Err()
}
