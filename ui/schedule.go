package ui

import (
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// The optional start and end dates of the request form.

// dateLayout is the value format of <input type="date">.
const dateLayout = "2006-01-02"

// formSchedule turns the request form's start and end dates (YYYY-MM-DD,
// local days of the reader's time zone, both optional) into a request
// schedule: access starts at 00:00 of the start date and ends at the end
// (24:00) of the end date, in that zone. Both
// empty is the policy's own schedule. The service checks the rest (the
// policy allows a custom schedule, the end lies after the start).
func formSchedule(loc *i18n.Localizer, start, end string) (entitled.Schedule, error) {
	var sc entitled.Schedule
	if start != "" {
		t, err := time.ParseInLocation(dateLayout, start, loc.Zone())
		if err != nil {
			return sc, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "start",
				Message: loc.T("schedule.badStart", i18n.V("Start", start))}).WithKey("schedule.badStart", "Start", start)
		}
		sc.StartDateTime = &t
	}
	if end != "" {
		t, err := time.ParseInLocation(dateLayout, end, loc.Zone())
		if err != nil {
			return sc, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "end",
				Message: loc.T("schedule.badEnd", i18n.V("End", end))}).WithKey("schedule.badEnd", "End", end)
		}
		if sc.StartDateTime != nil && t.Before(*sc.StartDateTime) {
			return sc, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "end",
				Message: loc.T("schedule.endBeforeStart", i18n.V("Start", start), i18n.V("End", end))}).WithKey("schedule.endBeforeStart", "Start", start, "End", end)
		}
		t = t.AddDate(0, 0, 1)
		sc.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: &t}
	}
	return sc, nil
}
