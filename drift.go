package entitled

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Drift: what a connected system holds versus what entitled granted
// (docs/operations.md "Drift"). A reconciliation reads the members of every
// resource role of the system that an access package uses, compares them
// with the memberships entitled delivered (CompareMembers) and acts on each
// difference as the system's reconcile config says (DriftActionFor).

// DriftKind is the kind of a difference between entitled and a target.
type DriftKind string

// The kinds of drift.
const (
	// DriftMissing: entitled granted it, the target does not hold it.
	DriftMissing DriftKind = "missing"
	// DriftUnmanaged: the target holds it, no assignment grants it.
	DriftUnmanaged DriftKind = "unmanaged"
)

// DriftAction is what a reconciliation did about a finding.
type DriftAction string

// The drift actions.
const (
	DriftRepaired DriftAction = "repaired" // re-delivered through the delivery path
	DriftReported DriftAction = "reported" // left as it is, listed
	DriftRemoved  DriftAction = "removed"  // revoked in the target
)

// The policies a reconcile config may name.
const (
	ReconcileRepair = "repair" // missing: re-deliver
	ReconcileReport = "report" // missing or unmanaged: only list it
	ReconcileRemove = "remove" // unmanaged: revoke it in the target
)

// DefaultReconcileInterval is how often a system is reconciled when its
// config does not say.
const DefaultReconcileInterval = 6 * time.Hour

// MinReconcileInterval is the shortest interval a config may set.
const MinReconcileInterval = time.Minute

// ReconcileConfig is a system's config.reconcile: how often it is
// reconciled (0: never on its own; "reconcile now" still works) and what
// is done about each kind of drift.
type ReconcileConfig struct {
	Interval  time.Duration
	Missing   string // repair | report
	Unmanaged string // report | remove
}

// DefaultReconcileConfig is the config of a system that sets none.
var DefaultReconcileConfig = ReconcileConfig{Interval: DefaultReconcileInterval, Missing: ReconcileRepair, Unmanaged: ReconcileReport}

// ReconcileConfigKey is the config key of a system's reconcile settings.
const ReconcileConfigKey = "reconcile"

// ParseReconcileConfig reads config.reconcile (nil: the defaults):
// {"interval": ISO 8601 duration or "off", "missing": "repair"|"report",
// "unmanaged": "report"|"remove"}; a bad value is a 400 naming it.
func ParseReconcileConfig(v any) (ReconcileConfig, error) {
	c := DefaultReconcileConfig
	if v == nil {
		return c, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return c, reconcileError("config.reconcile", "config.reconcile must be an object such as {\"interval\": \"PT6H\", \"missing\": \"repair\", \"unmanaged\": \"report\"}").WithKey("err.reconcile.notObject")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		target := "config.reconcile." + k
		s, isString := m[k].(string)
		switch k {
		case "interval":
			if !isString {
				return c, reconcileError(target, target+" must be an ISO 8601 duration such as \"PT6H\", or \"off\"").WithKey("err.reconcile.badInterval", "Property", target)
			}
			if s == "off" {
				c.Interval = 0
				continue
			}
			d, err := ParseISODuration(s)
			if err != nil || d < MinReconcileInterval {
				return c, reconcileError(target, fmt.Sprintf("%s must be an ISO 8601 duration of at least PT1M such as \"PT6H\", or \"off\"; %q is not", target, s)).WithKey("err.reconcile.intervalTooShort", "Property", target, "Value", s)
			}
			c.Interval = d
		case "missing":
			if !isString || (s != ReconcileRepair && s != ReconcileReport) {
				return c, reconcileError(target, target+" must be \"repair\" or \"report\"").WithKey("err.reconcile.badMissing", "Property", target)
			}
			c.Missing = s
		case "unmanaged":
			if !isString || (s != ReconcileReport && s != ReconcileRemove) {
				return c, reconcileError(target, target+" must be \"report\" or \"remove\"").WithKey("err.reconcile.badUnmanaged", "Property", target)
			}
			c.Unmanaged = s
		default:
			return c, reconcileError(target, fmt.Sprintf("unknown key %q in config.reconcile; the keys are interval, missing and unmanaged", k)).WithKey("err.reconcile.unknownKey", "Key", k)
		}
	}
	return c, nil
}

// reconcileError is the 400 for a bad config.reconcile; callers add the
// message key.
//
//i18n:keyed-by-caller
func reconcileError(target, msg string) *Error {
	return &Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: msg}
}

// DriftActionFor is the decision rule: what a reconciliation does about a
// finding of kind k under config c — a missing membership is repaired
// unless the config says report; an unmanaged one is reported unless the
// config says remove.
func DriftActionFor(c ReconcileConfig, k DriftKind) DriftAction {
	switch {
	case k == DriftMissing && c.Missing == ReconcileRepair:
		return DriftRepaired
	case k == DriftUnmanaged && c.Unmanaged == ReconcileRemove:
		return DriftRemoved
	}
	return DriftReported
}

// ManagedMember is a membership entitled delivered to one resource role:
// the subject's key in the target (MemberLister.MemberKeys) and what grants
// it.
type ManagedMember struct {
	Key          string
	UserID       string
	AssignmentID string
}

// CompareMembers is the comparison rule for one resource role: the managed
// members whose key the target does not list are missing; the target's
// members no managed member has the key of are unmanaged. Keys are compared
// as the connector normalised them. Both results are in input order, each
// key once.
func CompareMembers(managed []ManagedMember, target []string) (missing []ManagedMember, unmanaged []string) {
	inTarget := make(map[string]bool, len(target))
	for _, k := range target {
		inTarget[k] = true
	}
	isManaged := make(map[string]bool, len(managed))
	for _, m := range managed {
		if !inTarget[m.Key] && !isManaged[m.Key] {
			missing = append(missing, m)
		}
		isManaged[m.Key] = true
	}
	seen := map[string]bool{}
	for _, k := range target {
		if !isManaged[k] && !seen[k] {
			unmanaged = append(unmanaged, k)
			seen[k] = true
		}
	}
	return missing, unmanaged
}

// MemberPage is one page of the members of a resource role in a target.
type MemberPage struct {
	// Members are the target's identifiers of the members, normalised as
	// MemberKeys returns them.
	Members []string
	// Next is an opaque token for the next page; empty on the last page.
	Next string
}

// MemberLister is a Connector that can read who holds a resource role in
// its system, for reconciliation (directory, ldap, scim, postgres).
type MemberLister interface {
	// Members reads one page of the members of the role of the resource.
	Members(ctx context.Context, resource ResourceRef, role ResourceRoleRef, pageToken string) (MemberPage, error)
	// MemberKeys returns the identifier under which the target lists each
	// subject as a holder of role, in order; "" for a subject the target
	// does not know.
	MemberKeys(ctx context.Context, role ResourceRoleRef, subjects []Subject) ([]string, error)
	// RemoveMember revokes the role from the member the target lists as
	// key (as Members returned it): for unmanaged members, which may have
	// no entitled user. Not holding it is success.
	RemoveMember(ctx context.Context, resource ResourceRef, role ResourceRoleRef, key string) error
}

// DriftUser is the user of a finding: the entitled user whose key matches,
// or only the target's identifier (TargetID) when no user matches.
type DriftUser struct {
	ID            string
	PrincipalName string
	TargetID      string
}

// DriftFinding is one difference found by the latest reconciliation of a
// system.
type DriftFinding struct {
	ID       string
	SystemID string
	Resource ResourceRef
	Role     ResourceRoleRef
	User     DriftUser
	Kind     DriftKind
	Action   DriftAction
	// AssignmentID is the assignment that grants a missing membership.
	AssignmentID string
	// Error says why the action failed ("" when it did not).
	Error            string
	DetectedDateTime time.Time
}

// ReconcileSummary counts what one reconciliation found and did.
type ReconcileSummary struct {
	SystemID  string
	Resources int
	Managed   int
	Missing   int
	Unmanaged int
	Repaired  int
	Removed   int
}

// DriftService reconciles connected systems and reads their drift.
type DriftService interface {
	// Reconcile starts a reconciliation of the system now
	// (OpManageSystems): a running operation of kind "reconcile". A
	// system whose kind cannot list members is a 400.
	Reconcile(ctx context.Context, systemID string) (*Operation, error)
	// Drift lists the findings of the system's latest reconciliation.
	Drift(ctx context.Context, systemID string) ([]DriftFinding, error)
	// AdoptFinding turns an unmanaged finding whose user entitled knows
	// into a direct assignment (an adminAdd request) of the access
	// package that grants its role (AdoptionPackage).
	AdoptFinding(ctx context.Context, systemID, findingID string) (*AssignmentRequest, error)
	// RevokeFinding revokes an unmanaged finding in the target.
	RevokeFinding(ctx context.Context, systemID, findingID string) error
}

// DriftEngine is the job side of reconciliation; it acts as the system.
type DriftEngine interface {
	// ReconcileDue reconciles the systems whose reconciliation is due,
	// each claimed so that one replica at a time reconciles it.
	ReconcileDue(ctx context.Context) error
	// DriftCounts returns the number of findings per system name and kind,
	// for the entitled_drift metric.
	DriftCounts(ctx context.Context) (map[[2]string]int, error)
}

// AdoptionCandidate is an access package that grants a resource role, with
// a policy an administrator can assign it directly under.
type AdoptionCandidate struct {
	AccessPackageID string
	PolicyID        string
	// Roles is how many resource roles the package grants in all.
	Roles int
}

// AdoptionPackage is the adoption rule: an unmanaged membership becomes an
// assignment of the package that grants its role and the fewest other
// roles (least access beyond what the user already holds), the lowest
// package id among equals. No candidate is a 400.
func AdoptionPackage(cs []AdoptionCandidate) (AdoptionCandidate, error) {
	if len(cs) == 0 {
		return AdoptionCandidate{}, Invalidf("no access package with a policy for direct assignment grants this resource role; add one, then adopt").WithKey("err.drift.noDirectPolicy")
	}
	best := cs[0]
	for _, c := range cs[1:] {
		if c.Roles < best.Roles || (c.Roles == best.Roles && c.AccessPackageID < best.AccessPackageID) {
			best = c
		}
	}
	return best, nil
}
