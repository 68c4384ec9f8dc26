package http

import (
	"strings"
)

// Graph policy features entitled does not build yet. A policy naming one
// is refused with a 400 that says which, never stored half-understood;
// docs/api.md lists them.

// unsupportedSubjects describes Graph's subjectSet types entitled refuses
// in specificAllowedTargets, approvers and on-behalf requestors.
var unsupportedSubjects = map[string]string{
	"connectedorganizationmembers": "members of a connected organization (external users)",
	"externalsponsors":             "external sponsors of a connected organization",
	"internalsponsors":             "internal sponsors of a connected organization",
	"attributerulemembers":         "users matching an attribute rule",
	"targetusersponsors":           "the target user's sponsors",
	"targetapplicationowners":      "owners of the target application",
	"singleserviceprincipal":       "a single service principal",
	"groupbasedsubjectset":         "a group-based subject set",
	"rulebasedsubjectset":          "a rule-based subject set",
}

// unsupportedSubject is the 400 for a subjectSet type entitled does not
// support, or nil when the type is not one of Graph's known unsupported ones.
func unsupportedSubject(prop, odataType string) error {
	t := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(odataType, "#"), "microsoft.graph."))
	what, ok := unsupportedSubjects[t]
	if !ok {
		return nil
	}
	return badProp(prop, "%s: %s (%s) is not supported by entitled; use #microsoft.graph.singleUser, #microsoft.graph.groupMembers or #microsoft.graph.requestorManager",
		prop, odataType, what).WithKey("err.policy.unsupportedSubject", "Property", prop, "Type", odataType, "What", what)
}

// automaticRequestWire is Graph's accessPackageAutomaticRequestSettings,
// read only to refuse it.
type automaticRequestWire struct {
	RequestAccessForAllowedTargets             bool    `json:"requestAccessForAllowedTargets"`
	RemoveAccessWhenTargetLeavesAllowedTargets *bool   `json:"removeAccessWhenTargetLeavesAllowedTargets"`
	GracePeriodBeforeAccessRemoval             *string `json:"gracePeriodBeforeAccessRemoval"`
}

// reviewWire is the part of Graph's accessPackageAssignmentReviewSettings
// entitled reads: whether access reviews are on.
type reviewWire struct {
	IsEnabled bool `json:"isEnabled"`
}

// refuseUnbuilt refuses a policy that turns on a Graph feature entitled
// does not build: automatic assignment, access reviews of assignments or
// custom extensions. Accepting one silently would let an administrator
// believe a control runs that never does; sending it off (null, false or
// empty, as Graph's SDKs do) is accepted.
func refuseUnbuilt(in policyWire) error {
	switch {
	case in.AutomaticRequestSettings != nil && in.AutomaticRequestSettings.RequestAccessForAllowedTargets:
		return badProp("automaticRequestSettings", "automaticRequestSettings: automatic assignment (requestAccessForAllowedTargets true) is not supported by entitled; assign directly with an adminAdd request").
			WithKey("err.policy.noAutomaticAssignment")
	case in.ReviewSettings != nil && in.ReviewSettings.IsEnabled:
		return badProp("reviewSettings", "reviewSettings: access reviews of assignments (isEnabled true) are not supported by entitled; give the policy an expiration so that access ends unless it is requested again").
			WithKey("err.policy.noAccessReviews")
	case len(in.CustomExtensionStageSettings) > 0:
		return badProp("customExtensionStageSettings", "customExtensionStageSettings: custom extensions are not supported by entitled; subscribe a webhook to the request events instead (POST /api/v1/subscriptions)").
			WithKey("err.policy.noCustomExtensions")
	}
	return nil
}
