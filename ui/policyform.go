package ui

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
)

// The policy form (add and edit) works without JavaScript: it is one POST
// form whose buttons (name "op") either save or change the form itself —
// add or remove a stage, search approvers for a list, pick or remove an
// approver — and show it again with everything typed kept. Chosen
// approvers travel as hidden fields (subjectValue), never typed by hand.

// policyForm is what the policy form was filled with.
type policyForm struct {
	Name, Description string
	// Who is the allowed target scope; Users are the allowed users'
	// principal names, one a line.
	Who, Users    string
	Justification bool
	// NoMail turns the requesters' emails off (notificationSettings).
	NoMail bool
	// Expiration is none, days or keep (the edited policy's own, which the
	// form cannot express).
	Expiration, Days string
	Stages           []stageForm
	Error            string
}

// stageForm is one approval stage of the form.
type stageForm struct {
	// N is the stage's number, from 1; From is the number of the edited
	// policy's stage it was (0 for a new one): its fallback approvers stay.
	N, From    int
	Primary    approverList
	Escalation approverList
	Reason     bool
	// DenyDays and EscalateDays are whole days, as typed.
	DenyDays, EscalateDays string
	Escalate               bool
}

// approverList is the chosen approvers of a stage's list and its search.
type approverList struct {
	// Field is the form field of the list, such as s1.primary; ID the
	// same for element ids (s1-primary); Kind primary or escalation;
	// Stage the stage's number.
	Field, ID, Kind string
	Stage           int
	Chosen          []approverChoice
	Query           string
	Searched        bool
	Results         []approverChoice
}

// approverChoice is an approver chosen or found: its subject value and
// words naming it.
type approverChoice struct {
	Value, Name, Detail string
}

// defaultEscalation is after how long a stage made in the UI escalates.
const defaultEscalation = 7 * 24 * time.Hour

// subjectValue writes a subject set as a form value.
func subjectValue(s entitled.SubjectSet) string {
	switch s.Type {
	case entitled.SubjectSingleUser:
		return "user:" + s.UserID
	case entitled.SubjectGroupMembers:
		return "group:" + s.GroupID
	case entitled.SubjectRequestorManager:
		if s.ManagerLevel > 1 {
			return "manager:" + strconv.Itoa(s.ManagerLevel)
		}
		return "manager"
	}
	return ""
}

// parseSubject reads a form value written by subjectValue.
func parseSubject(v string) (entitled.SubjectSet, bool) {
	kind, id, _ := strings.Cut(v, ":")
	switch {
	case kind == "user" && id != "":
		return entitled.SubjectSet{Type: entitled.SubjectSingleUser, UserID: id}, true
	case kind == "group" && id != "":
		return entitled.SubjectSet{Type: entitled.SubjectGroupMembers, GroupID: id}, true
	case kind == "manager" && id == "":
		return entitled.SubjectSet{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}, true
	case kind == "manager":
		if n, err := strconv.Atoi(id); err == nil && n >= 1 {
			return entitled.SubjectSet{Type: entitled.SubjectRequestorManager, ManagerLevel: n}, true
		}
	}
	return entitled.SubjectSet{}, false
}

// subjects reads the chosen approvers of a list; ok is false when a value
// is not an approver (a forged post).
func (l approverList) subjects() (out []entitled.SubjectSet, ok bool) {
	for _, c := range l.Chosen {
		s, good := parseSubject(c.Value)
		if !good {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// choices are the subject sets as chosen approvers (named later).
func choices(sets []entitled.SubjectSet) []approverChoice {
	out := make([]approverChoice, 0, len(sets))
	for _, s := range sets {
		if v := subjectValue(s); v != "" {
			out = append(out, approverChoice{Value: v})
		}
	}
	return out
}

// userIDs are the ids of the single users of the subject sets.
func userIDs(sets []entitled.SubjectSet) []string {
	var out []string
	for _, s := range sets {
		if s.Type == entitled.SubjectSingleUser {
			out = append(out, s.UserID)
		}
	}
	return out
}

// readPolicyForm reads the posted form.
func readPolicyForm(pf url.Values) policyForm {
	f := policyForm{Name: strings.TrimSpace(pf.Get("name")), Description: strings.TrimSpace(pf.Get("description")),
		Who: pf.Get("who"), Users: strings.TrimSpace(pf.Get("users")), Justification: pf.Get("justification") == "on",
		NoMail:     pf.Get("nomail") == "on",
		Expiration: pf.Get("expiration"), Days: strings.TrimSpace(pf.Get("days"))}
	for n := 1; n <= entitled.MaxApprovalStages; n++ {
		p := "s" + strconv.Itoa(n)
		from, present := pf[p]
		if !present {
			continue
		}
		st := stageForm{Reason: pf.Get(p+".reason") == "on", Escalate: pf.Get(p+".escalate") == "on",
			DenyDays: strings.TrimSpace(pf.Get(p + ".deny")), EscalateDays: strings.TrimSpace(pf.Get(p + ".escalateDays"))}
		st.From, _ = strconv.Atoi(from[0])
		for _, l := range []struct {
			list *approverList
			name string
		}{{&st.Primary, ".primary"}, {&st.Escalation, ".escalation"}} {
			for _, v := range distinct(pf[p+l.name]) {
				l.list.Chosen = append(l.list.Chosen, approverChoice{Value: v})
			}
			l.list.Query = strings.TrimSpace(pf.Get(p + l.name + ".q"))
		}
		f.Stages = append(f.Stages, st)
	}
	f.number()
	return f
}

// number numbers the stages and names their lists' fields.
func (f *policyForm) number() {
	for i := range f.Stages {
		st := &f.Stages[i]
		st.N = i + 1
		for _, l := range []struct {
			list *approverList
			kind string
		}{{&st.Primary, "primary"}, {&st.Escalation, "escalation"}} {
			l.list.Stage, l.list.Kind = st.N, l.kind
			l.list.Field, l.list.ID = "s"+strconv.Itoa(st.N)+"."+l.kind, "s"+strconv.Itoa(st.N)+"-"+l.kind
		}
	}
}

// list returns the approver list with the field name, or nil.
func (f *policyForm) list(field string) *approverList {
	for i := range f.Stages {
		for _, l := range []*approverList{&f.Stages[i].Primary, &f.Stages[i].Escalation} {
			if l.Field == field {
				return l
			}
		}
	}
	return nil
}

// lists returns every approver list of the form, in order.
func (f *policyForm) lists() []*approverList {
	var out []*approverList
	for i := range f.Stages {
		out = append(out, &f.Stages[i].Primary, &f.Stages[i].Escalation)
	}
	return out
}

// addStage adds a stage with the UI's defaults.
func (f *policyForm) addStage() {
	if len(f.Stages) < entitled.MaxApprovalStages {
		f.Stages = append(f.Stages, stageForm{DenyDays: wholeDays(defaultAutoDeny), EscalateDays: wholeDays(defaultEscalation)})
		f.number()
	}
}

// removeStage removes stage n (from 1).
func (f *policyForm) removeStage(n int) {
	if n >= 1 && n <= len(f.Stages) {
		f.Stages = append(f.Stages[:n-1], f.Stages[n:]...)
		f.number()
	}
}

// pick adds the approver to the list, once, and ends the list's search.
func (l *approverList) pick(value string) {
	if _, ok := parseSubject(value); !ok {
		return
	}
	for _, c := range l.Chosen {
		if c.Value == value {
			return
		}
	}
	l.Chosen = append(l.Chosen, approverChoice{Value: value})
	l.Query, l.Searched, l.Results = "", false, nil
}

// remove takes the approver off the list.
func (l *approverList) remove(value string) {
	for i, c := range l.Chosen {
		if c.Value == value {
			l.Chosen = append(l.Chosen[:i], l.Chosen[i+1:]...)
			return
		}
	}
}

// wholeDays writes a duration as days, rounded up ("" for none).
func wholeDays(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	day := 24 * time.Hour
	return strconv.Itoa(int((d + day - 1) / day))
}

// parseDays reads a number of days from 1 to 3650.
func parseDays(s string) (time.Duration, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 3650 {
		return 0, false
	}
	return time.Duration(n) * 24 * time.Hour, true
}

// formFromPolicy fills the form with a policy; users maps the allowed
// users' ids to their principal names.
func formFromPolicy(pol *entitled.AssignmentPolicy, upns map[string]entitled.User) policyForm {
	ap := pol.RequestApprovalSettings
	f := policyForm{Name: pol.DisplayName, Description: pol.Description, Who: pol.AllowedTargetScope,
		Justification: ap.IsRequestorJustificationRequired, NoMail: pol.IsAssignmentNotificationDisabled, Expiration: "none"}
	var users []string
	for _, s := range pol.SpecificAllowedTargets {
		if u, ok := upns[s.UserID]; ok && s.Type == entitled.SubjectSingleUser {
			users = append(users, u.UserPrincipalName)
		}
	}
	f.Users = strings.Join(users, "\n")
	switch e := pol.Expiration; {
	case e.Type == entitled.ExpirationAfterPeriod && e.Duration%(24*time.Hour) == 0:
		f.Expiration, f.Days = "days", wholeDays(e.Duration)
	case e.Type == entitled.ExpirationAfterPeriod || e.Type == entitled.ExpirationAfterDate:
		f.Expiration = "keep"
	}
	for i, st := range ap.Stages {
		f.Stages = append(f.Stages, stageForm{From: i + 1, Reason: st.IsApproverJustificationRequired, Escalate: st.IsEscalationEnabled,
			DenyDays: wholeDays(st.DurationBeforeAutomaticDenial), EscalateDays: wholeDays(st.DurationBeforeEscalation),
			Primary: approverList{Chosen: choices(st.PrimaryApprovers)}, Escalation: approverList{Chosen: choices(st.EscalationApprovers)}})
		if !st.IsEscalationEnabled || st.DurationBeforeEscalation <= 0 {
			f.Stages[i].EscalateDays = wholeDays(defaultEscalation)
		}
	}
	f.number()
	return f
}
