package delivery

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
)

// OperationArgs are the River args of a JobOperation job: the long-running
// operation (a bulk reprocess) to work.
type OperationArgs struct {
	OperationID string `json:"operationId"`
}

// Kind is the River job kind.
func (OperationArgs) Kind() string { return string(entitled.JobOperation) }

// operationWorker works operations through Config.Operations; the store
// side resumes an operation where a crash left it.
type operationWorker struct {
	river.WorkerDefaults[OperationArgs]
	e *Engine
}

// errNoOperations is the error of an operation job on an engine built
// without Config.Operations: the job is retried by an engine that has it.
var errNoOperations = errors.New("delivery: no operation engine configured (Config.Operations)")

// Work runs the operation to its end.
func (w *operationWorker) Work(ctx context.Context, j *river.Job[OperationArgs]) error {
	ops := w.e.cfg.Operations
	if ops == nil {
		return errNoOperations
	}
	return w.e.other(ctx, j.JobRow.Kind, j.Args.OperationID, func() error { return ops.RunOperation(ctx, j.Args.OperationID) })
}
