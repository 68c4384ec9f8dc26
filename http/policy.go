package http

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// expirationWire is Graph's expirationPattern.
type expirationWire struct {
	Type        string  `json:"type"`
	Duration    *string `json:"duration"`
	EndDateTime *string `json:"endDateTime"`
}

func toExpiration(e entitled.Expiration) expirationWire {
	t := e.Type
	if t == "" {
		t = entitled.ExpirationNotSpecified
	}
	return expirationWire{Type: t, Duration: fmtDuration(e.Duration), EndDateTime: fmtTimePtr(e.EndDateTime)}
}

func fromExpiration(w *expirationWire, prop string) (entitled.Expiration, error) {
	var e entitled.Expiration
	if w == nil {
		return e, nil
	}
	if w.Type != "" {
		t, err := enum(prop+".type", w.Type, entitled.ExpirationNotSpecified, entitled.ExpirationNone,
			entitled.ExpirationAfterDate, entitled.ExpirationAfterPeriod)
		if err != nil {
			return e, err
		}
		e.Type = t
	}
	d, err := parseDuration(w.Duration, prop+".duration", false)
	if err != nil {
		return e, err
	}
	e.Duration = d
	if e.EndDateTime, err = parseTime(w.EndDateTime, prop+".endDateTime"); err != nil {
		return e, err
	}
	if e.Type == "" {
		switch {
		case e.Duration > 0:
			e.Type = entitled.ExpirationAfterPeriod
		case e.EndDateTime != nil:
			e.Type = entitled.ExpirationAfterDate
		}
	}
	return e, nil
}

type requestorSettingsWire struct {
	EnableTargetsToSelfAddAccess           bool             `json:"enableTargetsToSelfAddAccess"`
	EnableTargetsToSelfUpdateAccess        bool             `json:"enableTargetsToSelfUpdateAccess"`
	EnableTargetsToSelfRemoveAccess        bool             `json:"enableTargetsToSelfRemoveAccess"`
	AllowCustomAssignmentSchedule          bool             `json:"allowCustomAssignmentSchedule"`
	EnableOnBehalfRequestorsToAddAccess    bool             `json:"enableOnBehalfRequestorsToAddAccess"`
	EnableOnBehalfRequestorsToUpdateAccess bool             `json:"enableOnBehalfRequestorsToUpdateAccess"`
	EnableOnBehalfRequestorsToRemoveAccess bool             `json:"enableOnBehalfRequestorsToRemoveAccess"`
	OnBehalfRequestors                     []subjectSetWire `json:"onBehalfRequestors"`
}

type approvalStageWire struct {
	DurationBeforeAutomaticDenial   *string          `json:"durationBeforeAutomaticDenial"`
	IsApproverJustificationRequired bool             `json:"isApproverJustificationRequired"`
	IsEscalationEnabled             bool             `json:"isEscalationEnabled"`
	DurationBeforeEscalation        *string          `json:"durationBeforeEscalation"`
	PrimaryApprovers                []subjectSetWire `json:"primaryApprovers"`
	FallbackPrimaryApprovers        []subjectSetWire `json:"fallbackPrimaryApprovers"`
	EscalationApprovers             []subjectSetWire `json:"escalationApprovers"`
	FallbackEscalationApprovers     []subjectSetWire `json:"fallbackEscalationApprovers"`
}

type approvalSettingsWire struct {
	IsApprovalRequiredForAdd         bool                `json:"isApprovalRequiredForAdd"`
	IsApprovalRequiredForUpdate      bool                `json:"isApprovalRequiredForUpdate"`
	IsRequestorJustificationRequired bool                `json:"isRequestorJustificationRequired"`
	Stages                           []approvalStageWire `json:"stages"`
}

// policyNotificationWire is Graph's accessPackageNotificationSettings.
type policyNotificationWire struct {
	IsAssignmentNotificationDisabled bool `json:"isAssignmentNotificationDisabled"`
}

// policyWire is Graph's accessPackageAssignmentPolicy, both ways.
type policyWire struct {
	ID                      string                  `json:"id"`
	DisplayName             string                  `json:"displayName"`
	Description             string                  `json:"description"`
	AllowedTargetScope      string                  `json:"allowedTargetScope"`
	SpecificAllowedTargets  []subjectSetWire        `json:"specificAllowedTargets"`
	Expiration              *expirationWire         `json:"expiration"`
	RequestorSettings       *requestorSettingsWire  `json:"requestorSettings"`
	RequestApprovalSettings *approvalSettingsWire   `json:"requestApprovalSettings"`
	Questions               []questionWire          `json:"questions"`
	NotificationSettings    *policyNotificationWire `json:"notificationSettings"`
	CreatedDateTime         *string                 `json:"createdDateTime"`
	ModifiedDateTime        *string                 `json:"modifiedDateTime"`
	AccessPackage           *idRef                  `json:"accessPackage,omitempty"`
	AccessPackageID         string                  `json:"accessPackageId,omitempty"`
	Catalog                 *catalogWire            `json:"catalog,omitempty"`
	// AutomaticRequestSettings, ReviewSettings and
	// CustomExtensionStageSettings are read only to refuse what entitled
	// does not build (refuseUnbuilt).
	AutomaticRequestSettings     *automaticRequestWire `json:"automaticRequestSettings,omitempty" csdl:"-"`
	ReviewSettings               *reviewWire           `json:"reviewSettings,omitempty" csdl:"-"`
	CustomExtensionStageSettings []json.RawMessage     `json:"customExtensionStageSettings,omitempty" csdl:"-"`
}

func durationOrZero(d *string) *string {
	if d == nil {
		z := "PT0S"
		return &z
	}
	return d
}

func toPolicy(p entitled.AssignmentPolicy) policyWire {
	rs := p.RequestorSettings
	as := p.RequestApprovalSettings
	stages := make([]approvalStageWire, 0, len(as.Stages))
	for _, st := range as.Stages {
		stages = append(stages, approvalStageWire{
			DurationBeforeAutomaticDenial:   durationOrZero(fmtDuration(st.DurationBeforeAutomaticDenial)),
			IsApproverJustificationRequired: st.IsApproverJustificationRequired,
			IsEscalationEnabled:             st.IsEscalationEnabled,
			DurationBeforeEscalation:        durationOrZero(fmtDuration(st.DurationBeforeEscalation)),
			PrimaryApprovers:                toSubjectSets(st.PrimaryApprovers),
			FallbackPrimaryApprovers:        toSubjectSets(st.FallbackPrimaryApprovers),
			EscalationApprovers:             toSubjectSets(st.EscalationApprovers),
			FallbackEscalationApprovers:     toSubjectSets(st.FallbackEscalationApprovers),
		})
	}
	exp := toExpiration(p.Expiration)
	scope := p.AllowedTargetScope
	if scope == "" {
		scope = entitled.ScopeNotSpecified
	}
	return policyWire{
		ID: p.ID, DisplayName: p.DisplayName, Description: p.Description, AllowedTargetScope: scope,
		SpecificAllowedTargets: toSubjectSets(p.SpecificAllowedTargets), Expiration: &exp,
		RequestorSettings: &requestorSettingsWire{
			EnableTargetsToSelfAddAccess:           rs.EnableTargetsToSelfAddAccess,
			EnableTargetsToSelfUpdateAccess:        rs.EnableTargetsToSelfUpdateAccess,
			EnableTargetsToSelfRemoveAccess:        rs.EnableTargetsToSelfRemoveAccess,
			AllowCustomAssignmentSchedule:          rs.AllowCustomAssignmentSchedule,
			EnableOnBehalfRequestorsToAddAccess:    rs.EnableOnBehalfRequestorsToAddAccess,
			EnableOnBehalfRequestorsToUpdateAccess: rs.EnableOnBehalfRequestorsToUpdateAccess,
			EnableOnBehalfRequestorsToRemoveAccess: rs.EnableOnBehalfRequestorsToRemoveAccess,
			OnBehalfRequestors:                     toSubjectSets(rs.OnBehalfRequestors),
		},
		RequestApprovalSettings: &approvalSettingsWire{
			IsApprovalRequiredForAdd:         as.IsApprovalRequiredForAdd,
			IsApprovalRequiredForUpdate:      as.IsApprovalRequiredForUpdate,
			IsRequestorJustificationRequired: as.IsRequestorJustificationRequired,
			Stages:                           stages,
		},
		Questions:            toQuestions(p.Questions),
		NotificationSettings: &policyNotificationWire{IsAssignmentNotificationDisabled: p.IsAssignmentNotificationDisabled},
		CreatedDateTime:      fmtTime(p.CreatedDateTime),
		ModifiedDateTime:     fmtTime(p.ModifiedDateTime),
	}
}

// fromPolicy converts a POST or PUT body to the domain policy.
func fromPolicy(in policyWire) (*entitled.AssignmentPolicy, error) {
	if err := refuseUnbuilt(in); err != nil {
		return nil, err
	}
	p := &entitled.AssignmentPolicy{DisplayName: in.DisplayName, Description: in.Description, AccessPackageID: in.AccessPackageID}
	if in.AccessPackage != nil && in.AccessPackage.ID != "" {
		p.AccessPackageID = in.AccessPackage.ID
	}
	p.AllowedTargetScope = entitled.ScopeNotSpecified
	if in.AllowedTargetScope != "" {
		v, err := enum("allowedTargetScope", in.AllowedTargetScope, entitled.ScopeNotSpecified,
			entitled.ScopeSpecificDirectoryUsers, entitled.ScopeAllMemberUsers, entitled.ScopeAllDirectoryUsers)
		if err != nil {
			return nil, err
		}
		p.AllowedTargetScope = v
	}
	p.Questions = fromQuestions(in.Questions)
	p.IsAssignmentNotificationDisabled = in.NotificationSettings != nil && in.NotificationSettings.IsAssignmentNotificationDisabled
	var err error
	if p.SpecificAllowedTargets, err = fromSubjectSets(in.SpecificAllowedTargets, "specificAllowedTargets"); err != nil {
		return nil, err
	}
	if p.Expiration, err = fromExpiration(in.Expiration, "expiration"); err != nil {
		return nil, err
	}
	if rs := in.RequestorSettings; rs != nil {
		p.RequestorSettings = entitled.RequestorSettings{
			EnableTargetsToSelfAddAccess:           rs.EnableTargetsToSelfAddAccess,
			EnableTargetsToSelfUpdateAccess:        rs.EnableTargetsToSelfUpdateAccess,
			EnableTargetsToSelfRemoveAccess:        rs.EnableTargetsToSelfRemoveAccess,
			AllowCustomAssignmentSchedule:          rs.AllowCustomAssignmentSchedule,
			EnableOnBehalfRequestorsToAddAccess:    rs.EnableOnBehalfRequestorsToAddAccess,
			EnableOnBehalfRequestorsToUpdateAccess: rs.EnableOnBehalfRequestorsToUpdateAccess,
			EnableOnBehalfRequestorsToRemoveAccess: rs.EnableOnBehalfRequestorsToRemoveAccess,
		}
		if p.RequestorSettings.OnBehalfRequestors, err = fromSubjectSets(rs.OnBehalfRequestors, "requestorSettings.onBehalfRequestors"); err != nil {
			return nil, err
		}
	}
	if as := in.RequestApprovalSettings; as != nil {
		p.RequestApprovalSettings = entitled.ApprovalSettings{
			IsApprovalRequiredForAdd:         as.IsApprovalRequiredForAdd,
			IsApprovalRequiredForUpdate:      as.IsApprovalRequiredForUpdate,
			IsRequestorJustificationRequired: as.IsRequestorJustificationRequired,
		}
		for i, st := range as.Stages {
			prop := "requestApprovalSettings.stages"
			var out entitled.ApprovalStage
			if out.DurationBeforeAutomaticDenial, err = parseDuration(st.DurationBeforeAutomaticDenial, prop+".durationBeforeAutomaticDenial", false); err != nil {
				return nil, err
			}
			if out.DurationBeforeEscalation, err = parseDuration(st.DurationBeforeEscalation, prop+".durationBeforeEscalation", false); err != nil {
				return nil, err
			}
			out.IsApproverJustificationRequired = st.IsApproverJustificationRequired
			out.IsEscalationEnabled = st.IsEscalationEnabled
			for _, x := range []struct {
				in   []subjectSetWire
				out  *[]entitled.SubjectSet
				name string
			}{{st.PrimaryApprovers, &out.PrimaryApprovers, "primaryApprovers"},
				{st.FallbackPrimaryApprovers, &out.FallbackPrimaryApprovers, "fallbackPrimaryApprovers"},
				{st.EscalationApprovers, &out.EscalationApprovers, "escalationApprovers"},
				{st.FallbackEscalationApprovers, &out.FallbackEscalationApprovers, "fallbackEscalationApprovers"}} {
				if *x.out, err = fromSubjectSets(x.in, prop+"."+x.name); err != nil {
					return nil, err
				}
			}
			_ = i
			p.RequestApprovalSettings.Stages = append(p.RequestApprovalSettings.Stages, out)
		}
	}
	return p, nil
}

func (s *Server) policyOut(r *http.Request, p entitled.AssignmentPolicy, q odata.Query) (policyWire, error) {
	w := toPolicy(p)
	if q.Expanded("accessPackage") {
		w.AccessPackage = &idRef{ID: p.AccessPackageID}
	}
	var err error
	if w.Catalog, err = s.expandCatalog(r, p.CatalogID, q); err != nil {
		return w, err
	}
	return w, nil
}

func (s *Server) registerPolicies() {
	rt := s.routes
	set := emSet + "assignmentPolicies"
	base := emBase + "/assignmentPolicies"
	rt.handle("POST", base, func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in policyWire
		if err := s.decode(r, &in); err != nil {
			return err
		}
		p, err := fromPolicy(in)
		if err != nil {
			return err
		}
		if strings.TrimSpace(p.AccessPackageID) == "" {
			return badProp("accessPackage", "accessPackage is required: send \"accessPackage\": {\"id\": \"<access package id>\"}").WithKey("err.policy.packageMissing")
		}
		if err := s.svc.Policies.CreatePolicy(r.Context(), p); err != nil {
			return err
		}
		out, _ := s.policyOut(r, *p, odata.Query{Expand: []odata.Expand{{Name: "accessPackage"}}})
		return s.created(w, r, set, p.ID, out)
	})
	rt.handle("GET", base, getTypedPage(s, set, "policy", s.svc.Policies.Policies, s.policyOut))
	rt.handle("GET", base+"/{id}", getOne(s, set, "policy", s.svc.Policies.Policy, s.policyOut))
	rt.handle("PUT", base+"/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		var in policyWire
		if err := s.decode(r, &in); err != nil {
			return err
		}
		pol, err := fromPolicy(in)
		if err != nil {
			return err
		}
		pol.ID = p["id"]
		if err := s.svc.Policies.ReplacePolicy(r.Context(), pol); err != nil {
			return err
		}
		out, _ := s.policyOut(r, *pol, odata.Query{Expand: []odata.Expand{{Name: "accessPackage"}}})
		return s.entity(w, r, 200, set, out, nil)
	})
	rt.handle("DELETE", base+"/{id}", onID(s.svc.Policies.DeletePolicy))
}
