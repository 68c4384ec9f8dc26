package entitled_test

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestCheckAuditPrune(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	jan := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	feb := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name          string
		before        time.Time
		exported      *time.Time
		withoutExport bool
		want          entitled.Kind // 0: allowed
	}{
		{"exported up to the same time", jan, &jan, false, 0},
		{"exported up to a later time", jan, &feb, false, 0},
		{"exported only up to an earlier time", feb, &jan, false, entitled.KindConflict},
		{"never exported", jan, nil, false, entitled.KindConflict},
		{"never exported, the operator says not to keep", jan, nil, true, 0},
		{"in the future, even without export", now.Add(time.Hour), nil, true, entitled.KindInvalid},
		{"in the future, exported", now.Add(time.Hour), &feb, false, entitled.KindInvalid},
		{"no time", time.Time{}, nil, true, entitled.KindInvalid},
		{"up to now", now, &now, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := entitled.CheckAuditPrune(c.before, now, c.exported, c.withoutExport)
			if c.want == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if got := entitled.ErrorKind(err); got != c.want {
				t.Fatalf("kind %v (%v), want %v", got, err, c.want)
			}
		})
	}
}
