package logattr

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestDurationSameInTextAndJSON: both handlers write milliseconds under
// duration_ms.
func TestDurationSameInTextAndJSON(t *testing.T) {
	d := 12*time.Millisecond + 345678*time.Nanosecond
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("x", Duration(d))
	slog.New(slog.NewJSONHandler(&js, nil)).Info("x", Duration(d))
	if !strings.Contains(text.String(), " duration_ms=12.346") {
		t.Errorf("text: %s", text.String())
	}
	var m map[string]any
	if err := json.Unmarshal(js.Bytes(), &m); err != nil || m["duration_ms"] != 12.346 {
		t.Errorf("json: %s (%v)", js.String(), err)
	}
	for _, c := range []struct {
		d    time.Duration
		want float64
	}{{0, 0}, {7164 * time.Nanosecond, 0.007}, {2 * time.Second, 2000}} {
		if got := Duration(c.d).Value.Float64(); got != c.want {
			t.Errorf("Duration(%v) = %v, want %v", c.d, got, c.want)
		}
	}
}
