package entitled

import (
	"context"
	"time"
)

// ConnectedSystem is a target system with its connection settings and retry
// policy. Config values named by the kind's SecretFields are write-only.
type ConnectedSystem struct {
	ID      string
	Name    string
	Kind    string
	Config  map[string]any
	Retry   RetryPolicy
	BuiltIn bool
	// DelegatedCatalogIDs lists the catalogs whose owners may add this
	// system's resources (see MayAddResource). Only tenant administrators
	// set it; the built-in directory has none (its groups have owners).
	DelegatedCatalogIDs []string
	// HealthPolicy says when entitled suspends the system (zero: the default).
	HealthPolicy HealthPolicy
	// Health is the system's current health (filled in by reads).
	Health           *SystemHealth
	CreatedDateTime  time.Time
	ModifiedDateTime time.Time
}

// RetryPolicy says how transient delivery errors are retried.
type RetryPolicy struct {
	MaxAttempts    int
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
}

// DefaultRetryPolicy is used when a system does not set one.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 5, InitialBackoff: 2 * time.Second, MaxBackoff: 5 * time.Minute}

// Backoff returns the wait before attempt n+1 after n failed attempts (n ≥ 1):
// InitialBackoff doubled per attempt, capped at MaxBackoff.
func (p RetryPolicy) Backoff(n int) time.Duration {
	d := p.InitialBackoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	if p.MaxBackoff > 0 && d > p.MaxBackoff {
		d = p.MaxBackoff
	}
	return d
}

// Validate checks the policy and returns a 400 *Error.
func (p RetryPolicy) Validate() error {
	if p.MaxAttempts < 1 || p.MaxAttempts > 100 {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "retry.maxAttempts", Message: "retry.maxAttempts must be between 1 and 100"}).WithKey("err.system.badMaxAttempts")
	}
	if p.InitialBackoff < 0 || p.MaxBackoff < p.InitialBackoff {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "retry",
			Message: "retry.initialBackoff must be ≥ 0 and retry.maxBackoff ≥ initialBackoff"}).WithKey("err.system.badBackoff")
	}
	return nil
}

// SystemUpdate holds the fields of a PATCH to a connected system; nil means
// unchanged. Config is merged key by key: secrets not sent are kept.
type SystemUpdate struct {
	Name   *string
	Config map[string]any
	Retry  *RetryPolicy
	// DelegatedCatalogIDs, when set, replaces the list of catalogs the
	// system is delegated to.
	DelegatedCatalogIDs *[]string
	// HealthPolicy, when set, replaces the system's health policy.
	HealthPolicy *HealthPolicy
	// Kind is the kind the caller names ("" when none): a system keeps
	// its kind, so another one is refused, never ignored.
	Kind string
}

// Grant is what a connector needs to grant or revoke one resource role for one subject.
type Grant struct {
	Subject        Subject
	Resource       ResourceRef
	Role           ResourceRoleRef
	RequestID      string
	DeliveryID     string
	IdempotencyKey string
}

// ResourceInfo describes a resource as its connector sees it.
type ResourceInfo struct {
	OriginID    string
	DisplayName string
	Description string
	Roles       []ResourceRoleRef
}

// Connector grants and revokes resource roles in one connected system.
// Grant and Revoke are idempotent ("already a member" and "not a member" are
// success) and return errors made with TransientErrorf or PermanentErrorf.
type Connector interface {
	// Describe looks up a resource by its origin id and lists its roles.
	Describe(ctx context.Context, originID string) (ResourceInfo, error)
	Grant(ctx context.Context, g Grant) error
	Revoke(ctx context.Context, g Grant) error
}

// ConnectorKind is one kind of connected system (directory, webhook, …).
type ConnectorKind interface {
	// Name is the kind's name as written in the API ("webhook").
	Name() string
	// SecretFields lists config keys that are write-only.
	SecretFields() []string
	// Validate checks a system's config and returns a 400 *Error.
	Validate(config map[string]any) error
	// New returns a connector for the system.
	New(sys *ConnectedSystem) (Connector, error)
}

// Connectors finds the connector kind by name and builds connectors.
type Connectors interface {
	Kind(name string) (ConnectorKind, bool)
	// For returns the connector of a system (possibly cached).
	For(sys *ConnectedSystem) (Connector, error)
}

// RedactedConfig returns a copy of the config without the kind's secrets;
// each secret present is replaced by a note that it is set, and the URLs a
// URLConfig kind names have their credentials and query values masked
// (RedactURL). It is what the API, the audit snapshots and the UI show.
func RedactedConfig(kind ConnectorKind, config map[string]any) map[string]any {
	out := make(map[string]any, len(config))
	for k, v := range config {
		out[k] = v
	}
	if kind == nil {
		return out
	}
	for _, s := range kind.SecretFields() {
		if _, ok := out[s]; ok {
			delete(out, s)
			out[s+"Set"] = true
		}
	}
	for _, f := range urlFields(kind) {
		if v, ok := out[f].(string); ok {
			out[f] = RedactURL(v)
		}
	}
	return out
}

// Change is one grant or revoke for a batch.
type Change struct {
	Action DeliveryAction
	Grant  Grant
}

// BatchConnector is a Connector that applies several changes in one round
// trip where its protocol allows (one transaction, one LDAP modify, …).
// The engine uses it for the deliveries of one request to one system. The
// result has one error (or nil) per change, in order.
type BatchConnector interface {
	Connector
	ApplyBatch(ctx context.Context, changes []Change) []error
}

// ResourcePage is one page of resources discovered in a connected system.
type ResourcePage struct {
	Resources []ResourceInfo
	// Next is an opaque token for the next page; empty on the last page.
	Next string
}

// ResourceLister is a Connector that can list the resources of its system
// (LDAP groups, SCIM groups, PostgreSQL roles), for administrators browsing
// what to add to a catalog. search filters by name; limit bounds the page.
type ResourceLister interface {
	ListResources(ctx context.Context, search, pageToken string, limit int) (ResourcePage, error)
}

// Checker is a Connector that can test its connection and credentials.
type Checker interface {
	Check(ctx context.Context) error
}
