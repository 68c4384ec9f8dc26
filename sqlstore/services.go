package sqlstore

import (
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/coalesce"
)

// Config is what the services need beside the database.
type Config struct {
	// Queue receives the jobs that state changes start, in their
	// transaction (delivery.NewQueue). Required.
	Queue Queue
	// Connectors describe resources of connected systems and know their
	// kinds. Required.
	Connectors entitled.Connectors
	// ReprocessWindow is how long after completion a failed request may be
	// reprocessed; 0 means entitled.DefaultReprocessWindow.
	ReprocessWindow time.Duration
	// Notices tunes the notices state changes queue for the notifier
	// (entitled.NoticesOf); the zero value is notices on with the default
	// warnings.
	Notices entitled.NoticeSettings
	// LeaverGrace is how long after a user's account is disabled their
	// access is removed (entitled.LeaverDue); 0 removes it at once, in the
	// change that disables them.
	LeaverGrace time.Duration
	// Logger logs what the services ignore on purpose (outdated delivery
	// outcomes, retries a resume skips); nil means slog.Default().
	Logger *slog.Logger
}

// Services are entitled's domain services over one database, one per
// entity; NewServices builds them all, complete.
type Services struct {
	Tokens         *TokenService          // bearer tokens
	Sessions       *SessionService        // the web UI's sign-in links and sessions
	Users          *UserService           // the directory's users
	Groups         *GroupService          // the directory's groups, members and owners
	Roles          *RoleAssignmentService // directory and catalog roles
	Catalogs       *CatalogService        // catalogs and their resources
	AccessPackages *AccessPackageService  // access packages and their role scopes
	Policies       *PolicyService         // assignment policies
	Requests       *RequestService        // the request lifecycle
	Assignments    *AssignmentService     // assignments
	Approvals      *ApprovalService       // approval stages
	Systems        *SystemService         // connected systems, their pause and resume
	Audit          *AuditService          // the audit log
	// ServicePrincipals registers the applications that call the API with
	// their own access tokens.
	ServicePrincipals *ServicePrincipalService
	// Notifications is the notifier's side: what a notice says and to
	// whom, and the outbox.
	Notifications *NotificationService
	// Health is the store side of system health for the delivery engine
	// (entitled.HealthEngine): health of every system, probes.
	Health *SystemHealthService
	// Deliveries is the store side of the delivery engine (entitled.Engine).
	Deliveries *DeliveryService
	// Admin bootstraps administrators and imports exports.
	Admin *AdminService
	// Membership is the built-in directory's side of its connector.
	Membership *Membership
	// Operations starts, reads and works bulk operations (reprocess by
	// filter).
	Operations *OperationService
	// Subscriptions manages event subscriptions and is the outbox their
	// sender works (subscriptions.go, events.go).
	Subscriptions *SubscriptionService
	// Drift reconciles connected systems and keeps their drift findings
	// (drift.go, driftrun.go, driftschedule.go).
	Drift *DriftService

	db         *DB
	connectors entitled.Connectors
}

// NewServices builds every service over db with cfg; an error names what
// cfg lacks.
func NewServices(db *DB, cfg Config) (*Services, error) {
	var missing []string
	if db == nil {
		missing = append(missing, "a database")
	}
	if cfg.Queue == nil {
		missing = append(missing, "Config.Queue (the job queue, delivery.NewQueue)")
	}
	if cfg.Connectors == nil {
		missing = append(missing, "Config.Connectors (the connector registry)")
	}
	if len(missing) > 0 {
		return nil, errors.New("sqlstore: NewServices needs " + strings.Join(missing, " and "))
	}
	if cfg.ReprocessWindow <= 0 {
		cfg.ReprocessWindow = entitled.DefaultReprocessWindow
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	lc := &lifecycle{queue: cfg.Queue, notices: cfg.Notices,
		reprocessWindow: cfg.ReprocessWindow, logger: cfg.Logger, leaverGrace: cfg.LeaverGrace}
	requests := &RequestService{db: db, lc: lc, reprocessWindow: cfg.ReprocessWindow}
	deliveries := &DeliveryService{db: db, lc: lc, logger: cfg.Logger}
	drift := &DriftService{db: db, lc: lc, connectors: cfg.Connectors, requests: requests}
	requests.submits = &coalesce.Batcher[*submission, submitted]{Apply: requests.submitAdds, Max: maxSubmitBatch,
		Timeout: submitBatchTimeout, Missing: func() submitted { return submitted{err: errLostSubmission} }}
	return &Services{
		Tokens:            &TokenService{db: db},
		Sessions:          &SessionService{db: db},
		Users:             &UserService{db: db, lc: lc},
		Groups:            &GroupService{db: db},
		Roles:             &RoleAssignmentService{db: db},
		Catalogs:          &CatalogService{db: db, connectors: cfg.Connectors},
		AccessPackages:    &AccessPackageService{db: db},
		Policies:          &PolicyService{db: db},
		Requests:          requests,
		Assignments:       &AssignmentService{db: db, lc: lc},
		Approvals:         &ApprovalService{db: db, lc: lc},
		Systems:           &SystemService{db: db, lc: lc, connectors: cfg.Connectors},
		Audit:             &AuditService{db: db},
		ServicePrincipals: &ServicePrincipalService{db: db},
		Notifications:     &NotificationService{db: db, reprocessWindow: cfg.ReprocessWindow},
		Health:            &SystemHealthService{db: db, lc: lc, connectors: cfg.Connectors, deliveries: deliveries},
		Deliveries:        deliveries,
		Admin:             &AdminService{db: db, lc: lc},
		Membership:        NewMembership(db),
		Operations:        &OperationService{db: db, lc: lc, requests: requests, drift: drift},
		Subscriptions:     &SubscriptionService{db: db},
		Drift:             drift,
		db:                db,
		connectors:        cfg.Connectors,
	}, nil
}

// Domain returns the bundle of domain services the HTTP API and the UI call.
func (s *Services) Domain() entitled.Services {
	return entitled.Services{Tokens: s.Tokens, Users: s.Users, Groups: s.Groups, Roles: s.Roles,
		Catalogs: s.Catalogs, AccessPackages: s.AccessPackages, Policies: s.Policies, Requests: s.Requests,
		Assignments: s.Assignments, Approvals: s.Approvals, Systems: s.Systems, Audit: s.Audit,
		ServicePrincipals: s.ServicePrincipals, Notifications: s.Notifications, Operations: s.Operations,
		Subscriptions: s.Subscriptions, Drift: s.Drift}
}

// DB returns the services' database.
func (s *Services) DB() *DB { return s.db }

// Connectors returns the connector registry the services were built with.
func (s *Services) Connectors() entitled.Connectors { return s.connectors }

// The services check that they implement their interfaces.
var (
	_ entitled.TokenService            = (*TokenService)(nil)
	_ entitled.UserService             = (*UserService)(nil)
	_ entitled.GroupService            = (*GroupService)(nil)
	_ entitled.RoleAssignmentService   = (*RoleAssignmentService)(nil)
	_ entitled.CatalogService          = (*CatalogService)(nil)
	_ entitled.AccessPackageService    = (*AccessPackageService)(nil)
	_ entitled.PolicyService           = (*PolicyService)(nil)
	_ entitled.RequestService          = (*RequestService)(nil)
	_ entitled.AssignmentService       = (*AssignmentService)(nil)
	_ entitled.ApprovalService         = (*ApprovalService)(nil)
	_ entitled.SystemService           = (*SystemService)(nil)
	_ entitled.AuditService            = (*AuditService)(nil)
	_ entitled.ServicePrincipalService = (*ServicePrincipalService)(nil)
	_ entitled.NotificationService     = (*NotificationService)(nil)
	_ entitled.HealthEngine            = (*SystemHealthService)(nil)
	_ entitled.Engine                  = (*DeliveryService)(nil)
	_ entitled.OperationService        = (*OperationService)(nil)
	_ entitled.OperationEngine         = (*OperationService)(nil)
	_ entitled.DriftService            = (*DriftService)(nil)
	_ entitled.DriftEngine             = (*DriftService)(nil)
)

// TokenService issues, lists, revokes and checks bearer tokens
// (entitled.TokenService; tokens.go, actors.go) and maps an identity
// provider's verified access tokens to actors (oidc.Directory;
// accesstokens.go).
type TokenService struct{ db *DB }

// SessionService keeps the web UI's sign-in links and browser sessions
// (sessions.go), and signs in the people an OpenID provider vouches for
// (ui.OIDCUsers; oidcsignin.go, sessionstart.go).
type SessionService struct{ db *DB }

// UserService manages the users of the built-in directory
// (entitled.UserService; users.go); disabling a user's account removes
// their access (leavers.go).
type UserService struct {
	db *DB
	lc *lifecycle
}

// GroupService manages the groups of the built-in directory, their members
// and owners (entitled.GroupService; groups.go, groupowners.go).
type GroupService struct{ db *DB }

// RoleAssignmentService manages directory and catalog role assignments
// (entitled.RoleAssignmentService; roleassignments.go).
type RoleAssignmentService struct{ db *DB }

// CatalogService manages catalogs and their resources, which the
// connectors describe (entitled.CatalogService; catalogs.go, resources.go).
type CatalogService struct {
	db         *DB
	connectors entitled.Connectors
}

// AccessPackageService manages access packages and their resource role
// scopes (entitled.AccessPackageService; packages.go).
type AccessPackageService struct{ db *DB }

// PolicyService manages assignment policies and finds those a caller may
// request under (entitled.PolicyService; policies.go, requestable.go).
type PolicyService struct{ db *DB }

// RequestService runs the request lifecycle: submissions (batched,
// submitbatch.go), cancellations, reprocessing and reads
// (entitled.RequestService; requests.go).
type RequestService struct {
	db *DB
	lc *lifecycle
	// reprocessWindow is how long after completion a failed request may be
	// reprocessed (entitled.AssignmentRequest.CheckReprocess).
	reprocessWindow time.Duration
	// submits batches concurrent add requests (submitbatch.go).
	submits *coalesce.Batcher[*submission, submitted]
}

// AssignmentService reads assignments and re-asserts them
// (entitled.AssignmentService; assignments.go).
type AssignmentService struct {
	db *DB
	lc *lifecycle
}

// ApprovalService reads and decides approval stages
// (entitled.ApprovalService; approvals.go).
type ApprovalService struct {
	db *DB
	lc *lifecycle
}

// SystemService manages connected systems, browses them through their
// connectors, and pauses and resumes them (entitled.SystemService;
// systems.go, systemprobe.go, systemcatalogs.go, healthadmin.go).
type SystemService struct {
	db         *DB
	lc         *lifecycle
	connectors entitled.Connectors
}

// SystemHealthService is the store side of system health for the delivery
// engine (entitled.HealthEngine): the health of every system, and the
// probes of suspended ones, claimed once across replicas (healthadmin.go,
// healthprobe.go). A probe's delivery is loaded as the engine loads any
// (DeliveryService.DeliveryWorks).
type SystemHealthService struct {
	db         *DB
	lc         *lifecycle
	connectors entitled.Connectors
	deliveries *DeliveryService
}

// ServicePrincipalService registers the applications that call the API
// with their own access tokens (entitled.ServicePrincipalService;
// serviceprincipals.go).
type ServicePrincipalService struct{ db *DB }

// NotificationService is the notifier's side of notifications
// (entitled.NotificationService; notices.go): what a notice says and who
// receives it as of now, and the outbox of messages.
type NotificationService struct {
	db *DB
	// reprocessWindow dates the reprocess deadline a notice of a failed
	// request tells.
	reprocessWindow time.Duration
}

// AuditService reads the audit log (entitled.AuditService; auditlog.go).
type AuditService struct{ db *DB }

// DeliveryService is the store side of the delivery engine and the
// scheduler (entitled.Engine): it loads deliveries to attempt, records their
// outcomes (counting them towards their systems' health), and runs
// expiries, scheduled starts and approval time-outs (deliverywork.go,
// outcomes.go, healthoutcomes.go, engine.go).
type DeliveryService struct {
	db     *DB
	lc     *lifecycle
	logger *slog.Logger
}

// AdminService holds the administrative operations of the command line:
// bootstrapping an administrator and importing an export (bootstrap.go,
// export.go).
type AdminService struct {
	db *DB
	lc *lifecycle
}

// Membership is the built-in directory's side of the directory connector
// (connectors/directory.Membership): it reads the directory's groups and
// adds and removes members (membership.go). It needs only the database, so
// it is built before the connector registry the services need.
type Membership struct{ db *DB }

// NewMembership returns the directory's membership over db.
func NewMembership(db *DB) *Membership { return &Membership{db: db} }

// ReprocessWindow is how long after completion a failed request may be
// reprocessed.
func (s *RequestService) ReprocessWindow() time.Duration { return s.reprocessWindow }
