package sqlstore

import (
	"log/slog"
	"time"

	"github.com/entitled-dev/entitled"
)

// Store is temporary: it embeds every service while the callers move to
// Services.
type Store struct {
	*TokenService
	*SessionService
	*UserService
	*GroupService
	*RoleAssignmentService
	*CatalogService
	*AccessPackageService
	*PolicyService
	*RequestService
	*AssignmentService
	*ApprovalService
	*SystemService
	*AuditService
	*DeliveryService
	*AdminService
	*Membership

	db         *DB
	queue      Queue
	connectors entitled.Connectors
	Logger     *slog.Logger
}

// New is temporary.
func New(db *DB, queue Queue, connectors entitled.Connectors) *Store {
	s := &Store{db: db, queue: queue, connectors: connectors}
	s.rebuild()
	return s
}

func (s *Store) rebuild() {
	q := s.queue
	if q == nil {
		q = nilQueue{}
	}
	c := s.connectors
	if c == nil {
		c = nilConnectors{}
	}
	svc, err := NewServices(s.db, Config{Queue: q, Connectors: c, Logger: s.Logger})
	if err != nil {
		panic(err)
	}
	s.TokenService, s.SessionService, s.UserService, s.GroupService = svc.Tokens, svc.Sessions, svc.Users, svc.Groups
	s.RoleAssignmentService, s.CatalogService, s.AccessPackageService = svc.Roles, svc.Catalogs, svc.AccessPackages
	s.PolicyService, s.RequestService, s.AssignmentService, s.ApprovalService = svc.Policies, svc.Requests, svc.Assignments, svc.Approvals
	s.SystemService, s.AuditService, s.DeliveryService, s.AdminService, s.Membership = svc.Systems, svc.Audit, svc.Deliveries, svc.Admin, svc.Membership
}

// SetQueue is temporary.
func (s *Store) SetQueue(q Queue) { s.queue = q; s.rebuild() }

// SetConnectors is temporary.
func (s *Store) SetConnectors(c entitled.Connectors) { s.connectors = c; s.rebuild() }

// SetReprocessWindow is temporary.
func (s *Store) SetReprocessWindow(d time.Duration) {
	if d <= 0 {
		d = entitled.DefaultReprocessWindow
	}
	s.RequestService.reprocessWindow = d
}

// Connectors is temporary.
func (s *Store) Connectors() entitled.Connectors { return s.connectors }

// DB is temporary.
func (s *Store) DB() *DB { return s.db }

// Services is temporary.
func (s *Store) Services() entitled.Services {
	return entitled.Services{Tokens: s, Users: s, Groups: s, Roles: s, Catalogs: s, AccessPackages: s,
		Policies: s, Requests: s, Assignments: s, Approvals: s, Systems: s, Audit: s}
}
