package sqlstore

import (
	"context"
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
	Questions              []jsonQuestion `json:"questions,omitempty"`
	// NoAssignmentMail is notificationSettings.isAssignmentNotificationDisabled.
	NoAssignmentMail bool `json:"noAssignmentMail,omitempty"`
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
		Questions:  questionsToJSON(p.Questions),

		NoAssignmentMail: p.IsAssignmentNotificationDisabled,
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
	p.Questions = questionsFromJSON(doc.Questions)
	p.IsAssignmentNotificationDisabled = doc.NoAssignmentMail
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

// policyFields are the filterable properties of assignment policies.
var policyFields = columnFields("id, display_name, access_package_id, catalog_id, description, created_at, modified_at", fields{
	"accesspackage/id": {expr: "access_package_id"},
	"catalog/id":       {expr: "catalog_id"},
})

// checkSubjects verifies that every user and group a policy names exists.
func (s *PolicyService) checkSubjects(ctx context.Context, t *tx, p *entitled.AssignmentPolicy) error {
	type named struct {
		target string
		sets   []entitled.SubjectSet
	}
	all := []named{{"specificAllowedTargets", p.SpecificAllowedTargets},
		{"requestorSettings.onBehalfRequestors", p.RequestorSettings.OnBehalfRequestors}}
	for i, st := range p.RequestApprovalSettings.Stages {
		pre := fmt.Sprintf("requestApprovalSettings.stages[%d].", i)
		all = append(all, named{pre + "primaryApprovers", st.PrimaryApprovers}, named{pre + "fallbackPrimaryApprovers", st.FallbackPrimaryApprovers},
			named{pre + "escalationApprovers", st.EscalationApprovers}, named{pre + "fallbackEscalationApprovers", st.FallbackEscalationApprovers})
	}
	for _, n := range all {
		for _, set := range n.sets {
			var err error
			switch set.Type {
			case entitled.SubjectSingleUser:
				_, err = t.loadUser(ctx, set.UserID)
			case entitled.SubjectGroupMembers:
				_, err = t.loadGroup(ctx, set.GroupID)
			}
			if err != nil {
				return asInvalid(err, n.target)
			}
		}
	}
	return nil
}

func policyRow(r scanner) (entitled.AssignmentPolicy, error) {
	p, err := scanPolicy(r)
	if err != nil {
		return entitled.AssignmentPolicy{}, err
	}
	return *p, nil
}

// CreatePolicy creates an assignment policy for a package (OpManagePackages
// in the package's catalog).
func (s *PolicyService) CreatePolicy(ctx context.Context, p *entitled.AssignmentPolicy) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if p.AccessPackageID == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "accessPackage",
			Message: "accessPackage id is required"}).WithKey("err.policy.packageRequired")
	}
	return s.db.change(ctx, func(t *tx) error {
		pkg, err := t.loadPackage(ctx, p.AccessPackageID)
		if err != nil {
			return err
		}
		if err := a.Authorize(entitled.OpManagePackages, pkg.CatalogID); err != nil {
			return err
		}
		if err := s.checkSubjects(ctx, t, p); err != nil {
			return err
		}
		p.ID = newID()
		nameQuestions(p)
		p.CatalogID = pkg.CatalogID
		p.CreatedDateTime = t.now()
		p.ModifiedDateTime = p.CreatedDateTime
		if p.Expiration.Type == "" {
			p.Expiration.Type = entitled.ExpirationNone
		}
		if _, err := t.exec(ctx, `INSERT INTO policies (id, access_package_id, catalog_id, display_name, description, allowed_target_scope,
			settings, created_at, modified_at) VALUES (?,?,?,?,?,?,?,?,?)`, p.ID, p.AccessPackageID, p.CatalogID, p.DisplayName, p.Description,
			p.AllowedTargetScope, encodePolicySettings(p), fmtTime(p.CreatedDateTime), fmtTime(p.ModifiedDateTime)); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Create assignment policy", Operation: "Add", TargetID: p.ID,
			TargetType: "AccessPackageAssignmentPolicy", TargetName: p.DisplayName, CatalogID: p.CatalogID, After: p})
	})
}

// Policy reads a policy: readers of its catalog, or anyone who may request
// under it.
func (s *PolicyService) Policy(ctx context.Context, id string) (*entitled.AssignmentPolicy, error) {
	var p *entitled.AssignmentPolicy
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) (err error) {
		if p, err = t.loadPolicy(ctx, id); err != nil {
			return err
		}
		if a.Can(entitled.OpReadCatalog, p.CatalogID) {
			return nil
		}
		ok, err := t.mayRequest(ctx, a, p)
		if err != nil || ok {
			return err
		}
		return a.Authorize(entitled.OpReadCatalog, p.CatalogID)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Policies lists the policies of catalogs the caller may read, filterable on
// id, displayName, accessPackage/id and catalog/id.
func (s *PolicyService) Policies(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AssignmentPolicy], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.AssignmentPolicy]{}, err
	}
	base, args := readableCatalogs(a, entitled.OpReadCatalog, "catalog_id")
	return listRows(ctx, s.db, opt, policyFields, "policies", "id", policyCols, base, args, policyRow,
		func(p entitled.AssignmentPolicy) string { return p.ID })
}

// ReplacePolicy replaces every setting of a policy (PUT); its package cannot change.
func (s *PolicyService) ReplacePolicy(ctx context.Context, p *entitled.AssignmentPolicy) error {
	if _, err := actor(ctx); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return s.managePolicy(ctx, p.ID, func(t *tx, a *entitled.Actor, old *entitled.AssignmentPolicy) error {
		if p.AccessPackageID != "" && p.AccessPackageID != old.AccessPackageID {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "accessPackage",
				Message: "a policy cannot move to another access package; create a new policy there instead"}).WithKey("err.policy.packageFixed")
		}
		if err := s.checkSubjects(ctx, t, p); err != nil {
			return err
		}
		p.AccessPackageID, p.CatalogID, p.CreatedDateTime = old.AccessPackageID, old.CatalogID, old.CreatedDateTime
		p.ModifiedDateTime = t.now()
		nameQuestions(p)
		if p.Expiration.Type == "" {
			p.Expiration.Type = entitled.ExpirationNone
		}
		if _, err := t.exec(ctx, `UPDATE policies SET display_name = ?, description = ?, allowed_target_scope = ?, settings = ?, modified_at = ?
			WHERE id = ?`, p.DisplayName, p.Description, p.AllowedTargetScope, encodePolicySettings(p), fmtTime(p.ModifiedDateTime), p.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Update assignment policy", Operation: "Update", TargetID: p.ID,
			TargetType: "AccessPackageAssignmentPolicy", TargetName: p.DisplayName, CatalogID: p.CatalogID, Before: old, After: p})
	})
}

// DeletePolicy deletes a policy (OpManagePackages); 409 while open requests use it.
func (s *PolicyService) DeletePolicy(ctx context.Context, id string) error {
	return s.managePolicy(ctx, id, func(t *tx, a *entitled.Actor, p *entitled.AssignmentPolicy) error {
		if err := conflictIfAny(ctx, t, `SELECT id FROM assignment_requests WHERE policy_id = ? AND state IN `+openStatesSQL+` ORDER BY id LIMIT 5`, []any{id}, func(open string) error {
			return entitled.Conflictf("assignment policy %s is used by open requests (%s); wait for them or cancel them first",
				p.DisplayName, open).WithKey("err.policy.hasOpenRequests", "Policy", p.DisplayName, "Requests", open)
		}); err != nil {
			return err
		}
		return t.deleteRow(ctx, a, "policies", id, auditEntry{Activity: "Delete assignment policy", Operation: "Delete", TargetID: p.ID,
			TargetType: "AccessPackageAssignmentPolicy", TargetName: p.DisplayName, CatalogID: p.CatalogID, Before: p})
	})
}
