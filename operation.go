package entitled

import (
	"context"
	"time"
)

// OperationStatus is where a long-running operation is.
type OperationStatus string

// The statuses of an operation.
const (
	OperationRunning   OperationStatus = "running"
	OperationSucceeded OperationStatus = "succeeded"
	OperationFailed    OperationStatus = "failed"
)

// Operation is a long-running operation a caller started, worked by a
// background job: a bulk reprocess of the requests an OData filter matches.
type Operation struct {
	ID     string
	Kind   string // "reprocess"
	Status OperationStatus
	// Filter and SystemID are what the caller asked for.
	Filter   string
	SystemID string
	// CreatedBy is the id of the caller the operation acts for.
	CreatedBy string
	// Total is how many requests matched when the operation was created;
	// Reprocessed and Refused account for those worked so far.
	Total       int
	Reprocessed int
	Refused     []OperationRefusal
	// Error says why a failed operation stopped.
	Error             string
	CreatedDateTime   time.Time
	CompletedDateTime *time.Time
}

// Done is how many of the operation's requests have been worked.
func (o *Operation) Done() int { return o.Reprocessed + len(o.Refused) }

// OperationRefusal is a request an operation did not reprocess, and why
// (the code and message a single reprocess of it would have answered).
type OperationRefusal struct {
	ID      string
	Code    string
	Message string
}

// BulkReprocess asks to reprocess every request an OData $filter over
// assignment requests matches; with SystemID, only those with a failed
// delivery to that connected system (its id or name).
type BulkReprocess struct {
	Filter   string
	SystemID string
}

// OperationService starts and reads long-running operations.
type OperationService interface {
	// ReprocessRequests starts reprocessing every request the caller may
	// see that b matches, each under the rule of a single reprocess
	// (MayReprocess); the others it may see are listed as refused as they
	// are worked. It answers the running operation.
	ReprocessRequests(ctx context.Context, b BulkReprocess) (*Operation, error)
	// Operation reads an operation: its creator and tenant administrators
	// may; others get a 404.
	Operation(ctx context.Context, id string) (*Operation, error)
	// CountReprocessable counts the requests ReprocessRequests with b would
	// match, for a confirmation.
	CountReprocessable(ctx context.Context, b BulkReprocess) (int, error)
}

// OperationEngine is the job side of operations.
type OperationEngine interface {
	// RunOperation works a running operation to its end, batch by batch;
	// it may run again after a crash and resumes where it stopped.
	RunOperation(ctx context.Context, id string) error
}

// MayReprocess is the reprocess rule for one request: the actor may
// reprocess in the request's catalog (else a 403), the request is not
// being delivered right now (else a 409), and its state and the reprocess
// window allow it (CheckReprocess).
func MayReprocess(a *Actor, r *AssignmentRequest, now time.Time, window time.Duration) error {
	if err := a.Authorize(OpReprocess, r.CatalogID); err != nil {
		if a == nil {
			return err
		}
		return Forbiddenf("only administrators of its access package can reprocess request %s", r.ID).WithKey("err.request.reprocessAdminsOnly", "ID", r.ID)
	}
	if r.State == StateDelivering {
		return Conflictf("request %s is being delivered right now (perhaps reprocessed by someone else); wait until it completes", r.ID).WithKey("err.request.beingDelivered", "ID", r.ID)
	}
	return r.CheckReprocess(now, window)
}
