package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Plain words for the states, statuses and types people see: catalogue
// keys per enum value (the values themselves are Graph's and stay as they
// are on the API).

var stateKeys = map[entitled.RequestState]string{
	entitled.StateSubmitted:          "state.submitted",
	entitled.StatePendingApproval:    "state.pendingApproval",
	entitled.StateScheduled:          "state.scheduled",
	entitled.StateDelivering:         "state.delivering",
	entitled.StateDelivered:          "state.delivered",
	entitled.StatePartiallyDelivered: "state.partiallyDelivered",
	entitled.StateDeliveryFailed:     "state.deliveryFailed",
	entitled.StateDenied:             "state.denied",
	entitled.StateCanceled:           "state.canceled",
}

// stateText is a request state in plain words.
func stateText(loc *i18n.Localizer, s entitled.RequestState) string {
	if k, ok := stateKeys[s]; ok {
		return loc.T(k)
	}
	return string(s)
}

var statusKeys = map[string]string{
	"Accepted":                 "status.accepted",
	"PendingApproval":          "status.pendingApproval",
	"PendingApprovalEscalated": "status.pendingApprovalEscalated",
	"PendingNotBefore":         "status.pendingNotBefore",
	"Delivering":               "status.delivering",
	"Delivered":                "status.delivered",
	"PartiallyDelivered":       "status.partiallyDelivered",
	"DeliveryFailed":           "status.deliveryFailed",
	"Denied":                   "status.denied",
	"Canceled":                 "status.canceled",
}

// statusText is a PascalCase status in plain words; unknown ones are split
// into words ("TimedOut" → "Timed out").
func statusText(loc *i18n.Localizer, s string) string {
	if k, ok := statusKeys[s]; ok {
		return loc.T(k)
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

var typeKeys = map[entitled.RequestType]string{
	entitled.RequestUserAdd:      "type.userAdd",
	entitled.RequestUserUpdate:   "type.userUpdate",
	entitled.RequestUserRemove:   "type.userRemove",
	entitled.RequestAdminAdd:     "type.adminAdd",
	entitled.RequestAdminUpdate:  "type.adminUpdate",
	entitled.RequestAdminRemove:  "type.adminRemove",
	entitled.RequestSystemAdd:    "type.systemAdd",
	entitled.RequestSystemRemove: "type.systemRemove",
}

// typeText is a request type in plain words.
func typeText(loc *i18n.Localizer, t entitled.RequestType) string {
	if k, ok := typeKeys[t]; ok {
		return loc.T(k)
	}
	return string(t)
}

var deliveryKeys = map[entitled.DeliveryStatus]string{
	entitled.DeliveryPending:   "delivery.pending",
	entitled.DeliveryRunning:   "delivery.running",
	entitled.DeliverySucceeded: "delivery.succeeded",
	entitled.DeliveryFailed:    "delivery.failed",
}

// deliveryText is a delivery status in plain words.
func deliveryText(loc *i18n.Localizer, s entitled.DeliveryStatus) string {
	if k, ok := deliveryKeys[s]; ok {
		return loc.T(k)
	}
	return string(s)
}

var catalogStateKeys = map[string]string{
	"published":   "catalogState.published",
	"unpublished": "catalogState.unpublished",
}

// catalogStateText is a catalog state in plain words.
func catalogStateText(loc *i18n.Localizer, s string) string {
	if k, ok := catalogStateKeys[s]; ok {
		return loc.T(k)
	}
	return s
}

var statusTitleKeys = map[int]string{
	http.StatusBadRequest:            "httpStatus.400",
	http.StatusUnauthorized:          "httpStatus.401",
	http.StatusForbidden:             "httpStatus.403",
	http.StatusNotFound:              "httpStatus.404",
	http.StatusConflict:              "httpStatus.409",
	http.StatusRequestEntityTooLarge: "httpStatus.413",
	http.StatusInternalServerError:   "httpStatus.500",
	http.StatusBadGateway:            "httpStatus.502",
	http.StatusServiceUnavailable:    "httpStatus.503",
}

// statusTitle is the title of an error page.
func statusTitle(loc *i18n.Localizer, status int) string {
	if k, ok := statusTitleKeys[status]; ok {
		return loc.T(k)
	}
	return http.StatusText(status)
}

// errorText is a service error's message for people: in the reader's
// language when the error names a catalogue message, as written otherwise.
func errorText(loc *i18n.Localizer, e *entitled.Error) string {
	return loc.TOr(e.Message, e.MessageKey, i18n.Map(e.KeyArgs())...)
}

// windowText is the reprocess window in days ("14 days").
func windowText(loc *i18n.Localizer, d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return loc.T("duration.days", i18n.N(int(d/(24*time.Hour))))
	}
	return durationText(loc, d)
}

// durationText is a duration in days, hours or minutes (never "5m0s").
func durationText(loc *i18n.Localizer, d time.Duration) string {
	switch {
	case d <= 0:
		return loc.T("duration.never")
	case d%(24*time.Hour) == 0:
		return loc.T("duration.days", i18n.N(int(d/(24*time.Hour))))
	case d%time.Hour == 0:
		return loc.T("duration.hours", i18n.N(int(d/time.Hour)))
	}
	return loc.T("duration.minutes", i18n.N(int(d.Round(time.Minute)/time.Minute)))
}

// itoa is strconv.Itoa, for placeholders that are not plural counts.
func itoa(n int) string { return strconv.Itoa(n) }

var actionKeys = map[string]string{
	string(entitled.ActionGrant):  "action.grant",
	string(entitled.ActionRevoke): "action.revoke",
}

// actionText is a delivery's action in plain words.
func actionText(loc *i18n.Localizer, a string) string {
	if k, ok := actionKeys[a]; ok {
		return loc.T(k)
	}
	return a
}
