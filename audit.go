package entitled

import "time"

// AuditCategory is the directoryAudit category of every event entitled writes.
const AuditCategory = "EntitlementManagement"

// AuditEvent is one change, written in the same transaction as the change
// itself and never updated afterwards. It is served as Graph's directoryAudit.
type AuditEvent struct {
	ID                  string
	ActivityDateTime    time.Time
	ActivityDisplayName string // "Reprocess access package assignment request"
	OperationType       string // Add | Update | Delete
	Result              string // success | failure
	ResultReason        string
	CorrelationID       string // the HTTP request id, when there is one
	InitiatedBy         AuditActor
	TargetID            string
	TargetType          string // AccessPackageAssignmentRequest, AccessPackage, …
	TargetDisplayName   string
	// Before and After hold JSON snapshots of the target (empty when none).
	Before string
	After  string
}

// AuditActor is who made a change.
type AuditActor struct {
	UserID            string
	UserPrincipalName string
	DisplayName       string
}

// AuditActorOf returns the audit actor of an actor.
func AuditActorOf(a *Actor) AuditActor {
	if a == nil {
		return AuditActor{}
	}
	return AuditActor{UserID: a.User.ID, UserPrincipalName: a.User.UserPrincipalName, DisplayName: a.User.DisplayName}
}
