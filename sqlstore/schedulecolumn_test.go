package sqlstore

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestScheduleColumn: schedules are written in the flat form and read back
// the same; rows written before version 00030 (nested form) read as they
// did.
func TestScheduleColumn(t *testing.T) {
	start := time.Date(2026, 12, 6, 23, 7, 13, 413612000, time.UTC)
	end := start.Add(48 * time.Hour)
	for _, c := range []struct {
		name   string
		stored string
		want   scheduleJSON
	}{
		{"empty column", "", scheduleJSON{}},
		{"nested, request of a policy without end", `{"expiration":{"type":"noExpiration"}}`, scheduleJSON{Type: "noExpiration"}},
		{"nested, no expiration type", `{"expiration":{}}`, scheduleJSON{}},
		{"nested, assignment", `{"startDateTime":"2026-12-06T23:07:13.413612Z","expiration":{"type":"noExpiration"}}`,
			scheduleJSON{StartDateTime: "2026-12-06T23:07:13.413612Z", Type: "noExpiration"}},
		{"nested, every field", `{"startDateTime":"2026-12-06T23:07:13.413612Z","expiration":{"type":"afterDuration","duration":"P2D","endDateTime":"2026-12-08T23:07:13.413612Z"},"expireJobAt":"2026-12-08T23:07:13.413612Z"}`,
			scheduleJSON{StartDateTime: "2026-12-06T23:07:13.413612Z", Type: "afterDuration", Duration: "P2D",
				EndDateTime: "2026-12-08T23:07:13.413612Z", ExpireJobAt: "2026-12-08T23:07:13.413612Z"}},
		{"flat, assignment", `{"s":"2026-12-06T23:07:13.413612Z","t":"noExpiration"}`,
			scheduleJSON{StartDateTime: "2026-12-06T23:07:13.413612Z", Type: "noExpiration"}},
		{"flat, expire job queued", `{"t":"afterDateTime","e":"2026-12-08T23:07:13.413612Z","x":"2026-12-08T23:07:13.413612Z"}`,
			scheduleJSON{Type: "afterDateTime", EndDateTime: "2026-12-08T23:07:13.413612Z", ExpireJobAt: "2026-12-08T23:07:13.413612Z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := decodeSchedule(c.stored); got != c.want {
				t.Fatalf("decodeSchedule(%s) = %+v, want %+v", c.stored, got, c.want)
			}
			if got := decodeSchedule(c.want.encode()); got != c.want {
				t.Fatalf("flat form %s reads back %+v, want %+v", c.want.encode(), got, c.want)
			}
		})
	}

	sc := entitled.Schedule{StartDateTime: &start, Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod,
		Duration: 48 * time.Hour, EndDateTime: &end}}
	stored := scheduleOf(sc).encode()
	if want := `{"s":"2026-12-06T23:07:13.413612Z","t":"afterDuration","d":"P2D","e":"2026-12-08T23:07:13.413612Z"}`; stored != want {
		t.Fatalf("stored %s, want %s", stored, want)
	}
	got := decodeSchedule(stored).schedule()
	if !got.StartDateTime.Equal(start) || got.Expiration.Type != entitled.ExpirationAfterPeriod ||
		got.Expiration.Duration != 48*time.Hour || !got.Expiration.EndDateTime.Equal(end) {
		t.Fatalf("schedule read back %+v", got)
	}
}
