package ui

import (
	"strings"
	"time"
	"unicode"

	"github.com/entitled-dev/entitled"
)

// Plain words for the states, statuses and types people see.

var stateWords = map[entitled.RequestState]string{
	entitled.StateSubmitted:          "Submitted",
	entitled.StatePendingApproval:    "Waiting for approval",
	entitled.StateScheduled:          "Scheduled",
	entitled.StateDelivering:         "Being delivered",
	entitled.StateDelivered:          "Delivered",
	entitled.StatePartiallyDelivered: "Partially delivered",
	entitled.StateDeliveryFailed:     "Delivery failed",
	entitled.StateDenied:             "Denied",
	entitled.StateCanceled:           "Canceled",
}

// stateText is a request state in plain words.
func stateText(s entitled.RequestState) string {
	if w, ok := stateWords[s]; ok {
		return w
	}
	return string(s)
}

var statusWords = map[string]string{
	"Accepted":                 "Accepted",
	"PendingApproval":          "Waiting for an approver",
	"PendingApprovalEscalated": "Waiting for an approver (escalated)",
	"PendingNotBefore":         "Waiting for its start date",
	"Delivering":               "Access is being set up",
	"Delivered":                "Access is set up",
	"PartiallyDelivered":       "Some access could not be set up",
	"DeliveryFailed":           "Access could not be set up",
	"Denied":                   "An approver denied it",
	"Canceled":                 "Canceled",
}

// statusText is a PascalCase status in plain words; unknown ones are split
// into words ("TimedOut" → "Timed out").
func statusText(s string) string {
	if w, ok := statusWords[s]; ok {
		return w
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

var typeWords = map[entitled.RequestType]string{
	entitled.RequestUserAdd:      "Request access",
	entitled.RequestUserUpdate:   "Change access",
	entitled.RequestUserRemove:   "Give up access",
	entitled.RequestAdminAdd:     "Assigned by an administrator",
	entitled.RequestAdminUpdate:  "Changed by an administrator",
	entitled.RequestAdminRemove:  "Removed by an administrator",
	entitled.RequestSystemAdd:    "Added automatically",
	entitled.RequestSystemRemove: "Removed automatically",
}

// typeText is a request type in plain words.
func typeText(t entitled.RequestType) string {
	if w, ok := typeWords[t]; ok {
		return w
	}
	return string(t)
}

var deliveryWords = map[entitled.DeliveryStatus]string{
	entitled.DeliveryPending:   "Waiting",
	entitled.DeliveryRunning:   "In progress",
	entitled.DeliverySucceeded: "Done",
	entitled.DeliveryFailed:    "Failed",
}

// deliveryText is a delivery status in plain words.
func deliveryText(s entitled.DeliveryStatus) string {
	if w, ok := deliveryWords[s]; ok {
		return w
	}
	return string(s)
}

// timeLayout is how times are shown.
const timeLayout = "2 Jan 2006 15:04 UTC"

// when shows a time, "" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// whenPtr shows an optional time, "" for none.
func whenPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return when(*t)
}
