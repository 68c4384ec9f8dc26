package entitled

import (
	"fmt"
	"strings"
)

// The reasons SystemHealth.Apply records (SystemHealth.Reason, English, as
// the API shows them); ReasonText reads them back into catalogue messages.
const (
	reasonFailures       = "%d consecutive transient failures"
	reasonPausedBy       = "paused by "
	reasonResumedBy      = "resumed by "
	reasonProbeSucceeded = "a probe succeeded"
)

// ReasonText is the health's Reason with its catalogue key: the reasons
// Apply records get one ("paused by {{.By}}", "{{.Count}} consecutive
// transient failures" …); any other reason is shown as it is.
func (h SystemHealth) ReasonText() Text {
	t := Text{Message: h.Reason}
	var n int
	switch {
	case h.Reason == "":
	case h.Reason == reasonProbeSucceeded:
		t.Key = "health.reason.probeSucceeded"
	case strings.HasPrefix(h.Reason, reasonPausedBy):
		t.Key, t.Args = "health.reason.pausedBy", Args{"By": strings.TrimPrefix(h.Reason, reasonPausedBy)}
	case strings.HasPrefix(h.Reason, reasonResumedBy):
		t.Key, t.Args = "health.reason.resumedBy", Args{"By": strings.TrimPrefix(h.Reason, reasonResumedBy)}
	default:
		if _, err := fmt.Sscanf(h.Reason, reasonFailures, &n); err == nil && fmt.Sprintf(reasonFailures, n) == h.Reason {
			t.Key, t.Args = "health.reason.failures", Args{"Count": n}
		}
	}
	return t
}
