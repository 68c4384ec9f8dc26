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

// Plain words for the states, statuses and types people see (enumText).

// stateText is a request state in plain words.
func stateText(loc *i18n.Localizer, s entitled.RequestState) string {
	return enumText(loc, "state", s)
}

// statusText is a PascalCase status in plain words; unknown ones are split
// into words ("TimedOut" → "Timed out").
func statusText(loc *i18n.Localizer, s string) string {
	if s != "" {
		if key := "status." + strings.ToLower(s[:1]) + s[1:]; i18n.Defined(key) {
			return loc.T(key)
		}
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

// typeText is a request type in plain words.
func typeText(loc *i18n.Localizer, t entitled.RequestType) string {
	return enumText(loc, "type", t)
}

// deliveryText is a delivery status in plain words.
func deliveryText(loc *i18n.Localizer, s entitled.DeliveryStatus) string {
	return enumText(loc, "delivery", s)
}

// catalogStateText is a catalog state in plain words.
func catalogStateText(loc *i18n.Localizer, s string) string {
	return enumText(loc, "catalogState", s)
}

// statusTitle is the title of an error page: the catalogue's words for
// the status (section httpStatus), else Go's English.
func statusTitle(loc *i18n.Localizer, status int) string {
	if key := "httpStatus." + strconv.Itoa(status); i18n.Defined(key) {
		return loc.T(key)
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

// actionText is a delivery's action in plain words.
func actionText(loc *i18n.Localizer, a string) string {
	return enumText(loc, "action", a)
}
