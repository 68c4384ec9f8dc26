package i18n

import (
	"strconv"
	"time"
)

// monthKeys are the message keys of the months' short names.
var monthKeys = [12]string{"time.month.jan", "time.month.feb", "time.month.mar", "time.month.apr", "time.month.may", "time.month.jun",
	"time.month.jul", "time.month.aug", "time.month.sep", "time.month.oct", "time.month.nov", "time.month.dec"}

// Date shows the day of t in the localizer's language and time zone:
// "6 Dec 2026" / "6 déc. 2026". The zero time is "".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.zone)
	return l.T("time.date", V("Day", t.Day()), V("Month", l.T(monthKeys[t.Month()-1])), V("Year", strconv.Itoa(t.Year())))
}

// DateTime shows t to the minute in the localizer's language and time zone,
// with the zone's name: "6 Dec 2026 14:05 UTC" / "6 déc. 2026 14:05 UTC".
// The zero time is "".
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.zone)
	return l.T("time.dateTime", V("Date", l.Date(t)), V("Time", t.Format(l.T("time.clockLayout"))), V("Zone", t.Format("MST")))
}

// DateTimePtr is DateTime of an optional time; nil is "".
func (l *Localizer) DateTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return l.DateTime(*t)
}
