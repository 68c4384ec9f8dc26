package sqlstore

import (
	"encoding/json"

	"github.com/entitled-dev/entitled"
)

// scheduleJSON is how schedules are stored in the schedule columns of
// requests and assignments: a flat JSON object with one-letter keys
// (written since version 00030), each left out when empty:
//
//	s  the start (startDateTime)         t  the expiration type
//	d  the expiration duration (ISO)     e  the expiration endDateTime
//	x  the end an expire job was queued for (assignments only)
//
// A delivered request's assignment stored
// {"startDateTime":"…","expiration":{"type":"noExpiration"}} (83 bytes)
// before; it stores {"s":"…","t":"noExpiration"} (55) now. Rows written
// before keep their nested form, which decodeSchedule still reads: the
// two are never mixed in one value.
type scheduleJSON struct {
	StartDateTime string `json:"s,omitempty"`
	Type          string `json:"t,omitempty"`
	Duration      string `json:"d,omitempty"`
	EndDateTime   string `json:"e,omitempty"`
	// ExpireJobAt records the end time for which an expire job was queued,
	// so a roll-up queues it once (assignments only).
	ExpireJobAt string `json:"x,omitempty"`
}

// nestedSchedule is the form schedules were stored in before version
// 00030, read from rows written then.
type nestedSchedule struct {
	StartDateTime string `json:"startDateTime"`
	Expiration    struct {
		Type        string `json:"type"`
		Duration    string `json:"duration"`
		EndDateTime string `json:"endDateTime"`
	} `json:"expiration"`
	ExpireJobAt string `json:"expireJobAt"`
}

// storedSchedule reads either form: the nested keys are set only in rows
// written before version 00030.
type storedSchedule struct {
	scheduleJSON
	nestedSchedule
}

// scheduleOf is the stored form of sc.
func scheduleOf(sc entitled.Schedule) scheduleJSON {
	var j scheduleJSON
	if sc.StartDateTime != nil {
		j.StartDateTime = fmtTime(*sc.StartDateTime)
	}
	j.Type = sc.Expiration.Type
	if sc.Expiration.Duration > 0 {
		j.Duration = entitled.FormatISODuration(sc.Expiration.Duration)
	}
	if sc.Expiration.EndDateTime != nil {
		j.EndDateTime = fmtTime(*sc.Expiration.EndDateTime)
	}
	return j
}

// encode is the column value of j.
func (j scheduleJSON) encode() string {
	b, _ := json.Marshal(j)
	return string(b)
}

// decodeSchedule reads a schedule column, in either form.
func decodeSchedule(s string) scheduleJSON {
	if s == "" {
		return scheduleJSON{}
	}
	var st storedSchedule
	_ = json.Unmarshal([]byte(s), &st)
	j, n := st.scheduleJSON, st.nestedSchedule
	if j == (scheduleJSON{}) {
		j = scheduleJSON{StartDateTime: n.StartDateTime, Type: n.Expiration.Type, Duration: n.Expiration.Duration,
			EndDateTime: n.Expiration.EndDateTime, ExpireJobAt: n.ExpireJobAt}
	}
	return j
}

// schedule is the domain schedule j stores.
func (j scheduleJSON) schedule() entitled.Schedule {
	var sc entitled.Schedule
	if j.StartDateTime != "" {
		t := parseTime(j.StartDateTime)
		sc.StartDateTime = &t
	}
	sc.Expiration.Type = j.Type
	if j.Duration != "" {
		sc.Expiration.Duration, _ = entitled.ParseISODuration(j.Duration)
	}
	if j.EndDateTime != "" {
		t := parseTime(j.EndDateTime)
		sc.Expiration.EndDateTime = &t
	}
	return sc
}
