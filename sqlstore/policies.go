package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/entitled-dev/entitled"
)

// Policy settings are stored as one JSON document in policies.settings, with
// durations as ISO 8601 strings.

type jsonSubject struct {
	Type         string `json:"type"`
	UserID       string `json:"userId,omitempty"`
	GroupID      string `json:"groupId,omitempty"`
	ManagerLevel int    `json:"managerLevel,omitempty"`
	Description  string `json:"description,omitempty"`
}

type jsonRequestor struct {
	EnableTargetsToSelfAddAccess           bool          `json:"enableTargetsToSelfAddAccess"`
	EnableTargetsToSelfUpdateAccess        bool          `json:"enableTargetsToSelfUpdateAccess"`
	EnableTargetsToSelfRemoveAccess        bool          `json:"enableTargetsToSelfRemoveAccess"`
	AllowCustomAssignmentSchedule          bool          `json:"allowCustomAssignmentSchedule"`
	EnableOnBehalfRequestorsToAddAccess    bool          `json:"enableOnBehalfRequestorsToAddAccess"`
	EnableOnBehalfRequestorsToUpdateAccess bool          `json:"enableOnBehalfRequestorsToUpdateAccess"`
	EnableOnBehalfRequestorsToRemoveAccess bool          `json:"enableOnBehalfRequestorsToRemoveAccess"`
	OnBehalfRequestors                     []jsonSubject `json:"onBehalfRequestors,omitempty"`
}

type jsonStage struct {
	DurationBeforeAutomaticDenial   string        `json:"durationBeforeAutomaticDenial,omitempty"`
	IsApproverJustificationRequired bool          `json:"isApproverJustificationRequired"`
	IsEscalationEnabled             bool          `json:"isEscalationEnabled"`
	DurationBeforeEscalation        string        `json:"durationBeforeEscalation,omitempty"`
	PrimaryApprovers                []jsonSubject `json:"primaryApprovers,omitempty"`
	FallbackPrimaryApprovers        []jsonSubject `json:"fallbackPrimaryApprovers,omitempty"`
	EscalationApprovers             []jsonSubject `json:"escalationApprovers,omitempty"`
	FallbackEscalationApprovers     []jsonSubject `json:"fallbackEscalationApprovers,omitempty"`
}

type jsonApproval struct {
	IsApprovalRequiredForAdd         bool        `json:"isApprovalRequiredForAdd"`
	IsApprovalRequiredForUpdate      bool        `json:"isApprovalRequiredForUpdate"`
	IsRequestorJustificationRequired bool        `json:"isRequestorJustificationRequired"`
	Stages                           []jsonStage `json:"stages,omitempty"`
}

type jsonExpiration struct {
	Type        string `json:"type,omitempty"`
	Duration    string `json:"duration,omitempty"`
	EndDateTime string `json:"endDateTime,omitempty"`
}

type jsonPolicySettings struct {
	SpecificAllowedTargets []jsonSubject  `json:"specificAllowedTargets,omitempty"`
	RequestorSettings      jsonRequestor  `json:"requestorSettings"`
	Approval               jsonApproval   `json:"approval"`
	Expiration             jsonExpiration `json:"expiration"`
}

func subjectsToJSON(in []entitled.SubjectSet) []jsonSubject {
	if len(in) == 0 {
		return nil
	}
	out := make([]jsonSubject, len(in))
	for i, s := range in {
		out[i] = jsonSubject{Type: s.Type, UserID: s.UserID, GroupID: s.GroupID, ManagerLevel: s.ManagerLevel, Description: s.Description}
	}
	return out
}

func subjectsFromJSON(in []jsonSubject) []entitled.SubjectSet {
	if len(in) == 0 {
		return nil
	}
	out := make([]entitled.SubjectSet, len(in))
	for i, s := range in {
		out[i] = entitled.SubjectSet{Type: s.Type, UserID: s.UserID, GroupID: s.GroupID, ManagerLevel: s.ManagerLevel, Description: s.Description}
	}
	return out
}

func isoOrEmpty(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return entitled.FormatISODuration(d)
}

func parseISOOrZero(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return entitled.ParseISODuration(s)
}

// encodePolicySettings writes the JSON settings document of a policy.
func encodePolicySettings(p *entitled.AssignmentPolicy) string {
	rs := p.RequestorSettings
	ap := p.RequestApprovalSettings
	doc := jsonPolicySettings{
		SpecificAllowedTargets: subjectsToJSON(p.SpecificAllowedTargets),
		RequestorSettings: jsonRequestor{
			EnableTargetsToSelfAddAccess:           rs.EnableTargetsToSelfAddAccess,
			EnableTargetsToSelfUpdateAccess:        rs.EnableTargetsToSelfUpdateAccess,
			EnableTargetsToSelfRemoveAccess:        rs.EnableTargetsToSelfRemoveAccess,
			AllowCustomAssignmentSchedule:          rs.AllowCustomAssignmentSchedule,
			EnableOnBehalfRequestorsToAddAccess:    rs.EnableOnBehalfRequestorsToAddAccess,
			EnableOnBehalfRequestorsToUpdateAccess: rs.EnableOnBehalfRequestorsToUpdateAccess,
			EnableOnBehalfRequestorsToRemoveAccess: rs.EnableOnBehalfRequestorsToRemoveAccess,
			OnBehalfRequestors:                     subjectsToJSON(rs.OnBehalfRequestors),
		},
		Approval: jsonApproval{
			IsApprovalRequiredForAdd:         ap.IsApprovalRequiredForAdd,
			IsApprovalRequiredForUpdate:      ap.IsApprovalRequiredForUpdate,
			IsRequestorJustificationRequired: ap.IsRequestorJustificationRequired,
		},
		Expiration: jsonExpiration{Type: p.Expiration.Type, Duration: isoOrEmpty(p.Expiration.Duration)},
	}
	if p.Expiration.EndDateTime != nil {
		doc.Expiration.EndDateTime = fmtTime(*p.Expiration.EndDateTime)
	}
	for _, st := range ap.Stages {
		doc.Approval.Stages = append(doc.Approval.Stages, jsonStage{
			DurationBeforeAutomaticDenial:   isoOrEmpty(st.DurationBeforeAutomaticDenial),
			IsApproverJustificationRequired: st.IsApproverJustificationRequired,
			IsEscalationEnabled:             st.IsEscalationEnabled,
			DurationBeforeEscalation:        isoOrEmpty(st.DurationBeforeEscalation),
			PrimaryApprovers:                subjectsToJSON(st.PrimaryApprovers),
			FallbackPrimaryApprovers:        subjectsToJSON(st.FallbackPrimaryApprovers),
			EscalationApprovers:             subjectsToJSON(st.EscalationApprovers),
			FallbackEscalationApprovers:     subjectsToJSON(st.FallbackEscalationApprovers),
		})
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// decodePolicySettings fills the settings of p from its JSON document.
func decodePolicySettings(s string, p *entitled.AssignmentPolicy) error {
	var doc jsonPolicySettings
	if s != "" {
		if err := json.Unmarshal([]byte(s), &doc); err != nil {
			return err
		}
	}
	p.SpecificAllowedTargets = subjectsFromJSON(doc.SpecificAllowedTargets)
	r := doc.RequestorSettings
	p.RequestorSettings = entitled.RequestorSettings{
		EnableTargetsToSelfAddAccess:           r.EnableTargetsToSelfAddAccess,
		EnableTargetsToSelfUpdateAccess:        r.EnableTargetsToSelfUpdateAccess,
		EnableTargetsToSelfRemoveAccess:        r.EnableTargetsToSelfRemoveAccess,
		AllowCustomAssignmentSchedule:          r.AllowCustomAssignmentSchedule,
		EnableOnBehalfRequestorsToAddAccess:    r.EnableOnBehalfRequestorsToAddAccess,
		EnableOnBehalfRequestorsToUpdateAccess: r.EnableOnBehalfRequestorsToUpdateAccess,
		EnableOnBehalfRequestorsToRemoveAccess: r.EnableOnBehalfRequestorsToRemoveAccess,
		OnBehalfRequestors:                     subjectsFromJSON(r.OnBehalfRequestors),
	}
	a := doc.Approval
	p.RequestApprovalSettings = entitled.ApprovalSettings{
		IsApprovalRequiredForAdd:         a.IsApprovalRequiredForAdd,
		IsApprovalRequiredForUpdate:      a.IsApprovalRequiredForUpdate,
		IsRequestorJustificationRequired: a.IsRequestorJustificationRequired,
	}
	for i, st := range a.Stages {
		deny, err := parseISOOrZero(st.DurationBeforeAutomaticDenial)
		if err != nil {
			return fmt.Errorf("stage %d: %w", i, err)
		}
		esc, err := parseISOOrZero(st.DurationBeforeEscalation)
		if err != nil {
			return fmt.Errorf("stage %d: %w", i, err)
		}
		p.RequestApprovalSettings.Stages = append(p.RequestApprovalSettings.Stages, entitled.ApprovalStage{
			DurationBeforeAutomaticDenial:   deny,
			IsApproverJustificationRequired: st.IsApproverJustificationRequired,
			IsEscalationEnabled:             st.IsEscalationEnabled,
			DurationBeforeEscalation:        esc,
			PrimaryApprovers:                subjectsFromJSON(st.PrimaryApprovers),
			FallbackPrimaryApprovers:        subjectsFromJSON(st.FallbackPrimaryApprovers),
			EscalationApprovers:             subjectsFromJSON(st.EscalationApprovers),
			FallbackEscalationApprovers:     subjectsFromJSON(st.FallbackEscalationApprovers),
		})
	}
	d, err := parseISOOrZero(doc.Expiration.Duration)
	if err != nil {
		return fmt.Errorf("expiration: %w", err)
	}
	p.Expiration = entitled.Expiration{Type: doc.Expiration.Type, Duration: d}
	if doc.Expiration.EndDateTime != "" {
		t := parseTime(doc.Expiration.EndDateTime)
		p.Expiration.EndDateTime = &t
	}
	return nil
}
