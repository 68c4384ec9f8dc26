package http

import (
	"strings"

	"github.com/entitled-dev/entitled"
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

// refuseAutomatic refuses automatic assignment policies.
func refuseAutomatic(in *automaticRequestWire) error {
	if in == nil || !in.RequestAccessForAllowedTargets {
		return nil
	}
	return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "automaticRequestSettings",
		Message: "automaticRequestSettings: automatic assignment (requestAccessForAllowedTargets true) is not supported by entitled; assign directly with an adminAdd request"}).WithKey("err.policy.noAutomaticAssignment")
}
