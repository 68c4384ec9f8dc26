package ui

import (
	"time"

	"github.com/entitled-dev/entitled/i18n"
)

// relativeText says how far t is from now in the largest whole unit: "in
// 13 days", "in 5 hours", "3 days ago"; "now" within a minute.
func relativeText(loc *i18n.Localizer, now, t time.Time) string {
	d := t.Sub(now)
	key := "when.in"
	if d < 0 {
		key, d = "when.ago", -d
	}
	switch {
	case d >= 24*time.Hour:
		return loc.T(key+"Days", i18n.N(int(d/(24*time.Hour))))
	case d >= time.Hour:
		return loc.T(key+"Hours", i18n.N(int(d/time.Hour)))
	case d >= time.Minute:
		return loc.T(key+"Minutes", i18n.N(int(d/time.Minute)))
	}
	return loc.T("when.now")
}
