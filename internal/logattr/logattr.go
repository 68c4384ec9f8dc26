// Package logattr holds the log attributes every package writes the same
// way, so that text and JSON logs agree on names and units.
package logattr

import (
	"log/slog"
	"math"
	"time"
)

// DurationKey is the key of a time taken, in milliseconds.
const DurationKey = "duration_ms"

// Duration is the attribute of a time taken: duration_ms, a number of
// milliseconds with microsecond precision (12.345), the same in text and
// JSON logs. (slog.Duration writes "12.345ms" in text but nanoseconds in
// JSON, with no unit in either key.)
func Duration(d time.Duration) slog.Attr {
	return slog.Float64(DurationKey, math.Round(float64(d)/float64(time.Microsecond))/1000)
}
