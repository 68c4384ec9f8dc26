package entitled

import (
	"context"
	"time"
)

// NoticeFacts is what a notice says, loaded when it is worked: the request
// as it is now, its package, people and failures, and who receives it.
type NoticeFacts struct {
	Notice      Notice
	Request     AssignmentRequest // zero for NoticeExpiring
	PackageName string
	CatalogName string
	Target      User
	Requestor   User
	// Stage is the approval stage of approver notices; StageDue when it is
	// denied automatically.
	Stage *ApprovalStageRecord
	// Decision is the approver's reason of a denial ("" when none or timed out).
	Decision string
	// Failed lists the deliveries of the request's last run that failed.
	Failed []Delivery
	// ReprocessDeadline is when a failed request can no longer be
	// reprocessed (failure events).
	ReprocessDeadline time.Time
	// AssignmentEnd is when the assignment ends (NoticeExpiring).
	AssignmentEnd *time.Time
	// Recipients are the users told, without duplicates; those without a
	// mail address are kept (their message is recorded as not sent).
	Recipients []User
}

// Notification statuses.
const (
	// NotificationQueued: recorded, not yet sent.
	NotificationQueued = "queued"
	// NotificationSent: the SMTP server accepted it.
	NotificationSent = "sent"
	// NotificationRecorded: no SMTP server is configured; kept for the
	// outbox page only.
	NotificationRecorded = "recorded"
	// NotificationFailed: the SMTP server refused it for good, or the
	// recipient has no address.
	NotificationFailed = "failed"
)

// Notification is one message to one recipient about one notice.
type Notification struct {
	// ID is the row's id (ids grow with time). A message is unique per
	// notice and recipient: the same message worked twice is one row.
	ID               string
	NoticeID         string
	Event            NoticeEvent
	RequestID        string
	RecipientID      string
	RecipientAddress string
	Language         string
	Subject          string
	Status           string
	Error            string
	Attempts         int
	CreatedDateTime  time.Time
	ModifiedDateTime time.Time
}

// NotificationService is the store side of notifications: it loads what a
// notice says and keeps the outbox.
type NotificationService interface {
	// NoticeFacts loads a notice's facts as of now; a CodeStale *Error when
	// the notice no longer applies (NoticeStillApplies) or its request or
	// assignment is gone. It acts as the system.
	NoticeFacts(ctx context.Context, n Notice) (*NoticeFacts, error)
	// NoticesFacts loads the facts of several notices at once: facts[i]
	// or errs[i] answers ns[i] as NoticeFacts would; err is a failure of
	// the whole read.
	NoticesFacts(ctx context.Context, ns []Notice) (facts []*NoticeFacts, errs []error, err error)
	// RecordNotifications stores messages in one write (before they are
	// sent, or with their outcome when that is known without sending) and
	// reports which are new. Where the message of a notice and recipient
	// exists, that one is returned instead (a retry, or a resend after a
	// crash). The answers are in the order of ms.
	RecordNotifications(ctx context.Context, ms []*Notification) (recs []*Notification, created []bool, err error)
	// MarkNotification records the outcome of one send attempt.
	MarkNotification(ctx context.Context, id, status, errText string) error
	// Notifications lists recent messages, newest first, for tenant
	// administrators (the outbox).
	Notifications(ctx context.Context, opt ListOptions) (Page[Notification], error)
}
