package entitled

import (
	"strings"
	"time"
)

// Allowed target scopes (Graph's allowedTargetScope) that entitled supports.
const (
	ScopeNotSpecified           = "notSpecified"
	ScopeSpecificDirectoryUsers = "specificDirectoryUsers"
	ScopeAllMemberUsers         = "allMemberUsers"
	ScopeAllDirectoryUsers      = "allDirectoryUsers"
)

// Subject set kinds (the @odata.type of a subjectSet without its prefix).
const (
	SubjectSingleUser       = "singleUser"
	SubjectGroupMembers     = "groupMembers"
	SubjectRequestorManager = "requestorManager"
	// SubjectTargetManager names the target's manager as an on-behalf
	// requestor (Graph's targetManager).
	SubjectTargetManager = "targetManager"
)

// SubjectSet names who may request or approve: one user, the members of a
// group, or the requestor's manager.
type SubjectSet struct {
	Type         string // singleUser | groupMembers | requestorManager
	UserID       string
	GroupID      string
	ManagerLevel int
	Description  string
}

// RequestorSettings says who may request and how.
type RequestorSettings struct {
	EnableTargetsToSelfAddAccess           bool
	EnableTargetsToSelfUpdateAccess        bool
	EnableTargetsToSelfRemoveAccess        bool
	AllowCustomAssignmentSchedule          bool
	EnableOnBehalfRequestorsToAddAccess    bool
	EnableOnBehalfRequestorsToUpdateAccess bool
	EnableOnBehalfRequestorsToRemoveAccess bool
	OnBehalfRequestors                     []SubjectSet
}

// ApprovalStage configures one stage of approval (at most MaxApprovalStages).
type ApprovalStage struct {
	DurationBeforeAutomaticDenial   time.Duration
	IsApproverJustificationRequired bool
	IsEscalationEnabled             bool
	DurationBeforeEscalation        time.Duration
	PrimaryApprovers                []SubjectSet
	FallbackPrimaryApprovers        []SubjectSet
	EscalationApprovers             []SubjectSet
	FallbackEscalationApprovers     []SubjectSet
}

// MaxApprovalStages is the most approval stages a policy may have.
const MaxApprovalStages = 3

// ApprovalSettings configures approval of requests under a policy.
type ApprovalSettings struct {
	IsApprovalRequiredForAdd         bool
	IsApprovalRequiredForUpdate      bool
	IsRequestorJustificationRequired bool
	Stages                           []ApprovalStage
}

// Expiration types (Graph's expirationPatternType).
const (
	ExpirationNotSpecified = "notSpecified"
	ExpirationNone         = "noExpiration"
	ExpirationAfterDate    = "afterDateTime"
	ExpirationAfterPeriod  = "afterDuration"
)

// Expiration says when an assignment ends.
type Expiration struct {
	Type        string
	Duration    time.Duration // afterDuration
	EndDateTime *time.Time    // afterDateTime
}

// EndFrom returns when access granted at start ends, or nil for no expiry.
func (e Expiration) EndFrom(start time.Time) *time.Time {
	switch e.Type {
	case ExpirationAfterPeriod:
		if e.Duration > 0 {
			t := start.Add(e.Duration)
			return &t
		}
	case ExpirationAfterDate:
		if e.EndDateTime != nil {
			t := *e.EndDateTime
			return &t
		}
	}
	return nil
}

// AssignmentPolicy says who may request an access package, how requests are
// approved and when assignments expire.
type AssignmentPolicy struct {
	ID                      string
	AccessPackageID         string
	CatalogID               string
	DisplayName             string
	Description             string
	AllowedTargetScope      string
	SpecificAllowedTargets  []SubjectSet
	RequestorSettings       RequestorSettings
	RequestApprovalSettings ApprovalSettings
	Expiration              Expiration
	Questions               []Question // asked of requestors, in sequence order
	// IsAssignmentNotificationDisabled is Graph's
	// notificationSettings.isAssignmentNotificationDisabled: requesters
	// are sent no email about their requests and assignments under this
	// policy (NoticeWanted).
	IsAssignmentNotificationDisabled bool
	CreatedDateTime                  time.Time
	ModifiedDateTime                 time.Time
}

// Validate checks a policy's own fields (not references) and returns a 400
// *Error describing the first problem.
func (p *AssignmentPolicy) Validate() error {
	if strings.TrimSpace(p.DisplayName) == "" {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Message: "displayName is required", Target: "displayName"}).WithKey("err.policy.nameRequired")
	}
	switch p.AllowedTargetScope {
	case ScopeNotSpecified, ScopeSpecificDirectoryUsers, ScopeAllMemberUsers, ScopeAllDirectoryUsers:
	default:
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "allowedTargetScope",
			Message: "allowedTargetScope must be one of notSpecified, specificDirectoryUsers, allMemberUsers, allDirectoryUsers"}).WithKey("err.policy.badTargetScope")
	}
	if p.AllowedTargetScope == ScopeSpecificDirectoryUsers && len(p.SpecificAllowedTargets) == 0 {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "specificAllowedTargets",
			Message: "specificAllowedTargets must name at least one user or group when allowedTargetScope is specificDirectoryUsers"}).WithKey("err.policy.noSpecificTargets")
	}
	for _, s := range p.SpecificAllowedTargets {
		if err := s.validate("specificAllowedTargets", false); err != nil {
			return err
		}
	}
	for _, s := range p.RequestorSettings.OnBehalfRequestors {
		if err := s.validate(onBehalfTarget, false); err != nil {
			return err
		}
	}
	stages := p.RequestApprovalSettings.Stages
	if len(stages) > MaxApprovalStages {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "requestApprovalSettings.stages",
			Message: "a policy has at most 3 approval stages"}).WithKey("err.policy.tooManyStages")
	}
	if p.RequestApprovalSettings.IsApprovalRequiredForAdd && len(stages) == 0 {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "requestApprovalSettings.stages",
			Message: "isApprovalRequiredForAdd needs at least one approval stage"}).WithKey("err.policy.addNeedsStage")
	}
	if p.RequestApprovalSettings.IsApprovalRequiredForUpdate && len(stages) == 0 {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "requestApprovalSettings.stages",
			Message: "isApprovalRequiredForUpdate needs at least one approval stage"}).WithKey("err.policy.updateNeedsStage")
	}
	for _, st := range stages {
		if len(st.PrimaryApprovers) == 0 {
			return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "requestApprovalSettings.stages.primaryApprovers",
				Message: "every approval stage needs at least one primary approver"}).WithKey("err.policy.noPrimaryApprover")
		}
		for _, s := range append(append([]SubjectSet{}, st.PrimaryApprovers...), st.FallbackPrimaryApprovers...) {
			if err := s.validate("primaryApprovers", true); err != nil {
				return err
			}
		}
	}
	if err := validateQuestions(p.Questions); err != nil {
		return err
	}
	switch p.Expiration.Type {
	case "", ExpirationNotSpecified, ExpirationNone:
	case ExpirationAfterPeriod:
		if p.Expiration.Duration <= 0 {
			return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "expiration.duration",
				Message: "expiration of type afterDuration needs a positive ISO 8601 duration such as P30D"}).WithKey("err.policy.badDuration")
		}
	case ExpirationAfterDate:
		if p.Expiration.EndDateTime == nil {
			return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "expiration.endDateTime",
				Message: "expiration of type afterDateTime needs endDateTime"}).WithKey("err.policy.noEndDateTime")
		}
	default:
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "expiration.type",
			Message: "expiration.type must be noExpiration, afterDuration or afterDateTime"}).WithKey("err.policy.badExpirationType")
	}
	return nil
}

func (s SubjectSet) validate(target string, approver bool) error {
	switch s.Type {
	case SubjectSingleUser:
		if s.UserID == "" {
			return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: "a singleUser subject set needs userId"}).WithKey("err.policy.singleUserNeedsId")
		}
	case SubjectGroupMembers:
		if s.GroupID == "" {
			return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: "a groupMembers subject set needs groupId"}).WithKey("err.policy.groupNeedsId")
		}
	case SubjectRequestorManager:
		if !approver {
			return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: "requestorManager can only name approvers"}).WithKey("err.policy.requestorManagerApproverOnly")
		}
	case SubjectTargetManager:
		if target != onBehalfTarget {
			return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: "targetManager can only name on-behalf requestors"}).WithKey("err.policy.targetManagerOnBehalfOnly")
		}
	default:
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target,
			Message: "unsupported subject set type " + quote(s.Type) + "; use singleUser, groupMembers or requestorManager"}).WithKey("err.policy.badSubjectSet", "Type", s.Type)
	}
	return nil
}

// onBehalfTarget is the property of a policy's on-behalf requestors.
const onBehalfTarget = "requestorSettings.onBehalfRequestors"

func quote(s string) string { return "'" + s + "'" }

// RequiresApproval reports whether an add request under the policy needs approval.
func (p *AssignmentPolicy) RequiresApproval() bool {
	return p.RequestApprovalSettings.IsApprovalRequiredForAdd && len(p.RequestApprovalSettings.Stages) > 0
}
