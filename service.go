package entitled

import (
	"context"
	"time"
)

// Every service method takes the caller from the context (ActorFrom) and
// enforces the delegated-role model (Actor.Can) itself: adapters never decide who may do what.
// Methods return *Error values for every failure a caller can cause.

// TokenService issues and checks bearer tokens.
type TokenService interface {
	// IssueToken creates a token for the user (id or userPrincipalName) and
	// returns its secret, shown only once. ttl 0 means no expiry.
	IssueToken(ctx context.Context, user string, ttl time.Duration) (secret string, tok *Token, err error)
	// CreateToken is IssueToken with a description. A token minted in a
	// context carrying the caller's token (WithToken) records it as its
	// parent and expires no later than it (ChildExpiry).
	CreateToken(ctx context.Context, req TokenRequest) (secret string, tok *Token, err error)
	// RevokeToken revokes a token and, transitively, every token minted
	// with it.
	RevokeToken(ctx context.Context, id string) error
	// Tokens lists the tokens of the caller, or of q.UserID for tenant
	// administrators; never their secrets.
	Tokens(ctx context.Context, q TokenQuery) (Page[Token], error)
	// Authenticate returns the actor holding a valid token, with its roles;
	// a 401 *Error for unknown, expired or revoked tokens and disabled users.
	Authenticate(ctx context.Context, secret string) (*Actor, error)
	// AuthenticateToken is Authenticate that also returns the token.
	AuthenticateToken(ctx context.Context, secret string) (*Actor, *Token, error)
	// ActorFor loads the actor (with roles) of a user id; used by sessions.
	ActorFor(ctx context.Context, userID string) (*Actor, error)
}

// UserService manages users of the built-in directory.
type UserService interface {
	CreateUser(ctx context.Context, u *User) error
	// User finds a user by id or userPrincipalName.
	User(ctx context.Context, id string) (*User, error)
	Users(ctx context.Context, opt ListOptions) (Page[User], error)
	UpdateUser(ctx context.Context, id string, upd UserUpdate) (*User, error)
	// SetMyPreferredLanguage sets the caller's own preferredLanguage
	// (CheckPreferredLanguage; "" clears it); every signed-in user may.
	SetMyPreferredLanguage(ctx context.Context, lang string) (*User, error)
	DeleteUser(ctx context.Context, id string) error
	SetManager(ctx context.Context, userID, managerID string) error
	RemoveManager(ctx context.Context, userID string) error
	// Manager returns the user's manager, 404 when none is set.
	Manager(ctx context.Context, userID string) (*User, error)
}

// GroupService manages groups of the built-in directory and their members.
type GroupService interface {
	CreateGroup(ctx context.Context, g *Group) error
	Group(ctx context.Context, id string) (*Group, error)
	Groups(ctx context.Context, opt ListOptions) (Page[Group], error)
	UpdateGroup(ctx context.Context, id string, upd GroupUpdate) (*Group, error)
	DeleteGroup(ctx context.Context, id string) error
	AddGroupMember(ctx context.Context, groupID, userID string) error
	RemoveGroupMember(ctx context.Context, groupID, userID string) error
	GroupMembers(ctx context.Context, groupID string, opt ListOptions) (Page[User], error)
	// AddGroupOwner makes a user an owner of a group: an owner may add the
	// group to the catalogs they own (MayAddResource).
	AddGroupOwner(ctx context.Context, groupID, userID string) error
	// RemoveGroupOwner removes an owner of a group.
	RemoveGroupOwner(ctx context.Context, groupID, userID string) error
	// GroupOwners lists the owners of a group.
	GroupOwners(ctx context.Context, groupID string, opt ListOptions) (Page[User], error)
}

// RoleAssignmentService manages directory roles (directory == true,
// /roleManagement/directory) and catalog roles (directory == false,
// /roleManagement/entitlementManagement).
type RoleAssignmentService interface {
	CreateRoleAssignment(ctx context.Context, directory bool, ra *RoleAssignment) error
	RoleAssignment(ctx context.Context, directory bool, id string) (*RoleAssignment, error)
	RoleAssignments(ctx context.Context, directory bool, opt ListOptions) (Page[RoleAssignment], error)
	DeleteRoleAssignment(ctx context.Context, directory bool, id string) error
}

// CatalogService manages catalogs and their resources.
type CatalogService interface {
	// CreateCatalog creates a catalog; its creator becomes its owner.
	CreateCatalog(ctx context.Context, c *Catalog) error
	Catalog(ctx context.Context, id string) (*Catalog, error)
	Catalogs(ctx context.Context, opt ListOptions) (Page[Catalog], error)
	UpdateCatalog(ctx context.Context, id string, upd CatalogUpdate) (*Catalog, error)
	DeleteCatalog(ctx context.Context, id string) error
	// CatalogResources lists a catalog's resources with their roles.
	CatalogResources(ctx context.Context, catalogID string, opt ListOptions) (Page[Resource], error)
	CatalogResource(ctx context.Context, catalogID, resourceID string) (*Resource, error)
	// CreateResourceRequest adds (adminAdd) or removes (adminRemove) a
	// resource of a connected system named by Resource.OriginSystem and
	// Resource.OriginID; it fills in the request and the resource.
	CreateResourceRequest(ctx context.Context, rr *ResourceRequest) error
	ResourceRequests(ctx context.Context, opt ListOptions) (Page[ResourceRequest], error)
}

// AccessPackageService manages access packages and their resource role scopes.
type AccessPackageService interface {
	CreateAccessPackage(ctx context.Context, p *AccessPackage) error
	AccessPackage(ctx context.Context, id string) (*AccessPackage, error)
	AccessPackages(ctx context.Context, opt ListOptions) (Page[AccessPackage], error)
	UpdateAccessPackage(ctx context.Context, id string, upd AccessPackageUpdate) (*AccessPackage, error)
	DeleteAccessPackage(ctx context.Context, id string) error
	AddResourceRoleScope(ctx context.Context, packageID string, in ResourceRoleScopeInput) (*ResourceRoleScope, error)
	ResourceRoleScopes(ctx context.Context, packageID string) ([]ResourceRoleScope, error)
	RemoveResourceRoleScope(ctx context.Context, packageID, scopeID string) error
	// RequestableAccessPackages lists the packages the caller may request
	// (filterByCurrentUser(on='allowedRequestor')).
	RequestableAccessPackages(ctx context.Context, opt ListOptions) (Page[AccessPackage], error)
	IncompatibilityService
}

// PolicyService manages assignment policies.
type PolicyService interface {
	CreatePolicy(ctx context.Context, p *AssignmentPolicy) error
	Policy(ctx context.Context, id string) (*AssignmentPolicy, error)
	Policies(ctx context.Context, opt ListOptions) (Page[AssignmentPolicy], error)
	// ReplacePolicy is the full PUT update of a policy.
	ReplacePolicy(ctx context.Context, p *AssignmentPolicy) error
	DeletePolicy(ctx context.Context, id string) error
	// RequestablePolicies lists the policies of a package under which the
	// caller may request it for themself.
	RequestablePolicies(ctx context.Context, packageID string) ([]AssignmentPolicy, error)
}

// Values of RequestQuery.FilterByCurrentUser and AssignmentQuery.FilterByCurrentUser.
const (
	OnTarget    = "target"
	OnCreatedBy = "createdBy"
	OnApprover  = "approver"
)

// RequestQuery lists assignment requests.
type RequestQuery struct {
	ListOptions
	// FilterByCurrentUser limits the list to the caller's requests: as
	// target, as creator, or as approver of a pending stage; "" for all the
	// caller may view.
	FilterByCurrentUser string
	// CountOnly asks for the count alone (Page.Count), without reading a
	// page: a count of a few rows among many is then an index lookup, where
	// a page ordered by id may walk the whole table to find its first row.
	CountOnly bool
}

// RequestService runs the request lifecycle (docs/design.md).
type RequestService interface {
	// SubmitRequest creates an add or remove request. For add requests the
	// caller sets RequestType, TargetID (defaults to the caller for userAdd),
	// AssignmentPolicyID, AccessPackageID, Justification, Schedule and
	// Answers; for remove requests AssignmentID. It fills in the rest.
	SubmitRequest(ctx context.Context, r *AssignmentRequest) error
	Request(ctx context.Context, id string) (*AssignmentRequest, error)
	Requests(ctx context.Context, q RequestQuery) (Page[AssignmentRequest], error)
	CancelRequest(ctx context.Context, id string) error
	// DeleteRequest deletes a finished request that delivered nothing
	// (MayDelete, AssignmentRequest.CheckDelete).
	DeleteRequest(ctx context.Context, id string) error
	ReprocessRequest(ctx context.Context, id string) error
	// Deliveries lists the deliveries of a request, oldest first.
	Deliveries(ctx context.Context, requestID string) ([]Delivery, error)
	// FailedDeliveries lists the failed deliveries of the requests with the
	// ids (at most MaxPageSize) the caller may see, in one query.
	FailedDeliveries(ctx context.Context, requestIDs []string) ([]Delivery, error)
	// ReprocessWindow is how long after completion a failed request may be
	// reprocessed (AssignmentRequest.CheckReprocess).
	ReprocessWindow() time.Duration
}

// AssignmentQuery lists assignments.
type AssignmentQuery struct {
	ListOptions
	// FilterByCurrentUser is "", OnTarget or OnCreatedBy (assignments
	// whose add request the caller created).
	FilterByCurrentUser string
	// AccessPackageID and IncompatibleAccessPackageID, both set, keep the
	// live assignments of AccessPackageID whose target also holds a live
	// assignment of IncompatibleAccessPackageID (Graph's additionalAccess).
	AccessPackageID, IncompatibleAccessPackageID string
}

// AssignmentService reads assignments and re-asserts them.
type AssignmentService interface {
	Assignment(ctx context.Context, id string) (*Assignment, error)
	Assignments(ctx context.Context, q AssignmentQuery) (Page[Assignment], error)
	// ReprocessAssignment re-asserts every resource role of a delivered
	// assignment.
	ReprocessAssignment(ctx context.Context, id string) error
}

// ApprovalService reads and decides approval stages.
type ApprovalService interface {
	ApprovalStages(ctx context.Context, requestID string) ([]ApprovalStageRecord, error)
	ApprovalStage(ctx context.Context, requestID, stageID string) (*ApprovalStageRecord, error)
	// DecideApprovalStage records Approve or Deny; 409 when already decided,
	// 403 for non-approvers and for the request's own target or requestor.
	DecideApprovalStage(ctx context.Context, requestID, stageID, reviewResult, justification string) error
}

// SystemService manages connected systems.
type SystemService interface {
	CreateSystem(ctx context.Context, s *ConnectedSystem) error
	// System finds a system by id or name; secrets are redacted.
	System(ctx context.Context, id string) (*ConnectedSystem, error)
	Systems(ctx context.Context, opt ListOptions) (Page[ConnectedSystem], error)
	UpdateSystem(ctx context.Context, id string, upd SystemUpdate) (*ConnectedSystem, error)
	DeleteSystem(ctx context.Context, id string) error
	// SystemResources lists resources of the system that can be added to
	// a catalog (LDAP groups, SCIM groups, roles …), filtered by search;
	// opt.Top and opt.SkipToken page through them.
	SystemResources(ctx context.Context, id, search string, opt ListOptions) (Page[ResourceInfo], error)
	// CheckSystem tests the system's connection and credentials: nil when
	// they work, else the connector's classified error.
	CheckSystem(ctx context.Context, id string) error
	// DelegatedSystems lists the systems delegated to a catalog, for those
	// who may edit it: their id, name and kind, no config.
	DelegatedSystems(ctx context.Context, catalogID string) ([]ConnectedSystem, error)
	// PauseSystem pauses a system's deliveries (OpManageSystems): they wait
	// until ResumeSystem.
	PauseSystem(ctx context.Context, id string) (*ConnectedSystem, error)
	// ResumeSystem resumes a paused or suspended system (OpManageSystems).
	ResumeSystem(ctx context.Context, id string) (*ConnectedSystem, error)
}

// AuditService reads the audit log (filterable by activityDateTime and
// targetResources/any(t: t/id eq '…'), written as property "targetId").
type AuditService interface {
	AuditEvents(ctx context.Context, opt ListOptions) (Page[AuditEvent], error)
}

// Services bundles every service an adapter (HTTP API, UI) may call.
type Services struct {
	Tokens         TokenService
	Users          UserService
	Groups         GroupService
	Roles          RoleAssignmentService
	Catalogs       CatalogService
	AccessPackages AccessPackageService
	Policies       PolicyService
	Requests       RequestService
	Assignments    AssignmentService
	Approvals      ApprovalService
	Systems        SystemService
	Audit          AuditService
	// ServicePrincipals registers applications that call the API with
	// their own access tokens; nil when the store has none.
	ServicePrincipals ServicePrincipalService
	Notifications     NotificationService
	// Operations starts and reads long-running operations (bulk
	// reprocess); nil when the store has none.
	Operations OperationService
	// Subscriptions manages event subscriptions; nil when the store has
	// none.
	Subscriptions SubscriptionService
	// Drift reconciles connected systems and reads their drift; nil when
	// the store has none.
	Drift DriftService
}

// JobKind names a background job.
type JobKind string

// The background jobs. Each is inserted in the transaction of the state
// change that causes it.
const (
	JobDeliver         JobKind = "deliver"          // run one delivery
	JobExpire          JobKind = "expire"           // end an assignment when its schedule ends
	JobStart           JobKind = "start"            // start a scheduled request
	JobApprovalTimeout JobKind = "approval_timeout" // deny a stage nobody decided in time
	JobWakeSystem      JobKind = "wake_system"      // run the waiting deliveries of a resumed system now
	JobNotify          JobKind = "notify"           // tell people about a NoticeEvent
	JobOperation       JobKind = "operation"        // work a long-running operation (OperationEngine)
	JobLeaver          JobKind = "leaver"           // remove a disabled user's access once their grace period ends
)

// Job is a unit of background work for the queue.
type Job struct {
	Kind         JobKind
	DeliveryID   string
	Run          int
	RequestID    string
	AssignmentID string
	StageID      string
	// OperationID is the operation a JobOperation job works.
	OperationID string
	// SystemID is the connected system of a delivery (JobDeliver only). The
	// queue may run deliveries of one request to one system as one job.
	SystemID string
	// Group, when set, lets the queue run deliveries of several requests
	// (all with this Group) to one system as one job: the requests a batch
	// of submissions started together (JobDeliver only).
	Group string
	// Notice is what a JobNotify job tells (its RequestID, StageID and
	// AssignmentID are the notice's).
	Notice *Notice
	// UserID is the user whose access a JobLeaver job removes.
	UserID string
	// RunAt is when the job becomes due (zero: now).
	RunAt time.Time
	// Retry is the connected system's policy (JobDeliver only).
	Retry RetryPolicy
}

// DeliveryRun names one run of one delivery: what a deliver job attempts.
type DeliveryRun struct {
	ID  string `json:"id"`
	Run int    `json:"run"`
}

// DeliveryWork is everything needed to attempt one delivery.
type DeliveryWork struct {
	Delivery Delivery
	System   ConnectedSystem
	Grant    Grant
}

// Engine is the store side used by the delivery engine and the scheduler;
// it acts as the system and needs no actor.
type Engine interface {
	// DeliveryWorks loads deliveries to attempt in one go, in the order
	// given; an entry is nil where the delivery is final, on another run
	// than the one named, or gone. The error is for a failure of the store
	// itself.
	DeliveryWorks(ctx context.Context, runs []DeliveryRun) ([]*DeliveryWork, error)
	// RecordDeliveryOutcomes records several outcomes in one transaction,
	// rolling each request up once.
	RecordDeliveryOutcomes(ctx context.Context, os []DeliveryOutcome) error
	// ExpireAssignment removes an assignment whose schedule has ended.
	ExpireAssignment(ctx context.Context, assignmentID string) error
	// StartScheduledRequest starts delivery of a scheduled request when due.
	StartScheduledRequest(ctx context.Context, requestID string) error
	// TimeOutApprovalStage denies a stage still undecided at its due time.
	TimeOutApprovalStage(ctx context.Context, requestID, stageID string) error
	// RemoveLeaverAccess removes the access of a user disabled longer ago
	// than the leaver grace period (PlanLeaver, LeaverDue); it does nothing
	// for a user enabled again, gone, or still within the period.
	RemoveLeaverAccess(ctx context.Context, userID string) error
}

// CodeStale marks work that no longer applies (a delivery that is final
// or on another run, an outcome of an outdated run).
const CodeStale = "Stale"
