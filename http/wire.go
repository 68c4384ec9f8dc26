package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
)

// Time values are written RFC 3339 in UTC with a Z.

func fmtTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

func fmtTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

// parseTime reads an optional RFC 3339 time of the named property.
func parseTime(s *string, prop string) (*time.Time, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(*s))
	if err != nil {
		return nil, badProp(prop, "%s must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z, not %q", prop, *s).WithKey("err.body.badDateTime", "Property", prop, "Value", *s)
	}
	t = t.UTC()
	return &t, nil
}

// parseDuration reads an ISO 8601 duration (or, when goStyle, a Go duration
// such as "2s") of the named property.
func parseDuration(s *string, prop string, goStyle bool) (time.Duration, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return 0, nil
	}
	d, err := entitled.ParseISODuration(*s)
	if err == nil {
		return d, nil
	}
	if errors.Is(err, entitled.ErrDurationTooLong) {
		return 0, badProp(prop, "%s %q is %v", prop, *s, entitled.ErrDurationTooLong).WithKey("err.body.durationTooLong", "Property", prop, "Value", *s)
	}
	if errors.Is(err, entitled.ErrDurationYearsMonths) {
		return 0, badProp(prop, "%s %q %v", prop, *s, entitled.ErrDurationYearsMonths).WithKey("err.body.durationYearsMonths", "Property", prop, "Value", *s)
	}
	if goStyle {
		if gd, gerr := time.ParseDuration(*s); gerr == nil {
			if gd > entitled.MaxDuration {
				return 0, badProp(prop, "%s %q is %v", prop, *s, entitled.ErrDurationTooLong).WithKey("err.body.durationTooLong", "Property", prop, "Value", *s)
			}
			return gd, nil
		}
		return 0, badProp(prop, "%s must be an ISO 8601 duration such as PT2S or a duration such as 2s, not %q", prop, *s).WithKey("err.body.badShortDuration", "Property", prop, "Value", *s)
	}
	return 0, badProp(prop, "%s must be an ISO 8601 duration such as P14D or PT8H, not %q", prop, *s).WithKey("err.body.badDuration", "Property", prop, "Value", *s)
}

// mergeDuration sets *dst to the duration in when it was sent (nil keeps
// *dst); prop names the property in the error of a bad one.
func mergeDuration(dst *time.Duration, in *string, prop string) error {
	if in == nil {
		return nil
	}
	d, err := parseDuration(in, prop, true)
	if err == nil {
		*dst = d
	}
	return err
}

func fmtDuration(d time.Duration) *string {
	if d == 0 {
		return nil
	}
	s := entitled.FormatISODuration(d)
	return &s
}

// badProp is a 400 naming the offending property; callers add the
// message key.
//
//i18n:keyed-by-caller
func badProp(prop, format string, args ...any) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: prop,
		Message: fmt.Sprintf(format, args...)}
}

// enum reads an enum value case-insensitively and returns the canonical
// (lower camel case) spelling; a missing (empty) one is required.
func enum(prop, v string, values ...string) (string, error) {
	if v == "" {
		return "", badProp(prop, "%s is required: %s", prop, strings.Join(values, ", ")).WithKey("err.body.enumRequired", "Property", prop, "Values", strings.Join(values, ", "))
	}
	for _, c := range values {
		if strings.EqualFold(c, v) {
			return c, nil
		}
	}
	return "", badProp(prop, "%s %q is not one of %s", prop, v, strings.Join(values, ", ")).WithKey("err.body.notOneOf", "Property", prop, "Value", v, "Values", strings.Join(values, ", "))
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// rawString reads a string property from a raw JSON object, for properties
// clients send outside the SDK models (assignment.targetId).
func rawString(raw json.RawMessage, key string) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", nil
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			var s *string
			if err := json.Unmarshal(v, &s); err != nil {
				return "", badProp(key, "%s must be a string", key).WithKey("err.body.notString", "Property", key)
			}
			return str(s), nil
		}
	}
	return "", nil
}

// odataType is the @odata.type of a subject set kind.
func odataType(kind string) string { return "#microsoft.graph." + kind }

// subjectSetWire is Graph's polymorphic subjectSet.
type subjectSetWire struct {
	Type         string `json:"@odata.type"`
	UserID       string `json:"userId,omitempty"`
	GroupID      string `json:"groupId,omitempty"`
	ManagerLevel *int   `json:"managerLevel,omitempty"`
	Description  string `json:"description,omitempty"`
}

func toSubjectSets(in []entitled.SubjectSet) []subjectSetWire {
	out := make([]subjectSetWire, 0, len(in))
	for _, s := range in {
		w := subjectSetWire{Type: odataType(s.Type), UserID: s.UserID, GroupID: s.GroupID, Description: s.Description}
		if s.Type == entitled.SubjectRequestorManager || s.Type == entitled.SubjectTargetManager {
			lvl := s.ManagerLevel
			if lvl == 0 {
				lvl = 1
			}
			w.ManagerLevel = &lvl
		}
		out = append(out, w)
	}
	return out
}

func fromSubjectSets(in []subjectSetWire, prop string) ([]entitled.SubjectSet, error) {
	var out []entitled.SubjectSet
	for _, w := range in {
		t := strings.TrimPrefix(strings.TrimPrefix(w.Type, "#"), "microsoft.graph.")
		kind, err := enum(prop+".@odata.type", t, entitled.SubjectSingleUser, entitled.SubjectGroupMembers, entitled.SubjectRequestorManager,
			entitled.SubjectTargetManager)
		if err := unsupportedSubject(prop, w.Type); err != nil {
			return nil, err
		}
		if err != nil {
			return nil, badProp(prop, "%s: @odata.type %q is not supported; use #microsoft.graph.singleUser, #microsoft.graph.groupMembers, #microsoft.graph.requestorManager or (on-behalf requestors) #microsoft.graph.targetManager", prop, w.Type).WithKey("err.policy.badSubjectType", "Property", prop, "Type", w.Type)
		}
		s := entitled.SubjectSet{Type: kind, UserID: w.UserID, GroupID: w.GroupID, Description: w.Description}
		if w.ManagerLevel != nil {
			s.ManagerLevel = *w.ManagerLevel
		} else if kind == entitled.SubjectRequestorManager || kind == entitled.SubjectTargetManager {
			s.ManagerLevel = 1
		}
		out = append(out, s)
	}
	return out, nil
}
