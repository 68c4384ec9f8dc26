// Temporary stubs so the package compiles while engineers A and B fill in the
// services. Engineer B: delete the entries of the B section as you implement
// them (and the file when empty). Engineer A removes the A section.
package sqlstore

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
)

var _ = time.Second

func notImplemented() error {
	return entitled.Errorf(entitled.KindInternal, "NotImplemented", "not implemented yet")
}

// ---- A section (engineer A removes these) ----

// TokenService
func (s *Store) IssueToken(ctx context.Context, user string, ttl time.Duration) (secret string, tok *entitled.Token, err error) {
	return "", nil, notImplemented()
}
func (s *Store) RevokeToken(ctx context.Context, id string) error { return notImplemented() }
func (s *Store) Authenticate(ctx context.Context, secret string) (*entitled.Actor, error) {
	return nil, notImplemented()
}
func (s *Store) ActorFor(ctx context.Context, userID string) (*entitled.Actor, error) {
	return nil, notImplemented()
}

// UserService
func (s *Store) CreateUser(ctx context.Context, u *entitled.User) error { return notImplemented() }
func (s *Store) User(ctx context.Context, id string) (*entitled.User, error) {
	return nil, notImplemented()
}
func (s *Store) Users(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
	return entitled.Page[entitled.User]{}, notImplemented()
}
func (s *Store) UpdateUser(ctx context.Context, id string, upd entitled.UserUpdate) (*entitled.User, error) {
	return nil, notImplemented()
}
func (s *Store) DeleteUser(ctx context.Context, id string) error { return notImplemented() }
func (s *Store) SetManager(ctx context.Context, userID, managerID string) error {
	return notImplemented()
}
func (s *Store) RemoveManager(ctx context.Context, userID string) error { return notImplemented() }
func (s *Store) Manager(ctx context.Context, userID string) (*entitled.User, error) {
	return nil, notImplemented()
}

// GroupService
func (s *Store) CreateGroup(ctx context.Context, g *entitled.Group) error { return notImplemented() }
func (s *Store) Group(ctx context.Context, id string) (*entitled.Group, error) {
	return nil, notImplemented()
}
func (s *Store) Groups(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.Group], error) {
	return entitled.Page[entitled.Group]{}, notImplemented()
}
func (s *Store) UpdateGroup(ctx context.Context, id string, upd entitled.GroupUpdate) (*entitled.Group, error) {
	return nil, notImplemented()
}
func (s *Store) DeleteGroup(ctx context.Context, id string) error { return notImplemented() }
func (s *Store) AddGroupMember(ctx context.Context, groupID, userID string) error {
	return notImplemented()
}
func (s *Store) RemoveGroupMember(ctx context.Context, groupID, userID string) error {
	return notImplemented()
}
func (s *Store) GroupMembers(ctx context.Context, groupID string, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
	return entitled.Page[entitled.User]{}, notImplemented()
}

// RoleAssignmentService
func (s *Store) CreateRoleAssignment(ctx context.Context, directory bool, ra *entitled.RoleAssignment) error {
	return notImplemented()
}
func (s *Store) RoleAssignment(ctx context.Context, directory bool, id string) (*entitled.RoleAssignment, error) {
	return nil, notImplemented()
}
func (s *Store) RoleAssignments(ctx context.Context, directory bool, opt entitled.ListOptions) (entitled.Page[entitled.RoleAssignment], error) {
	return entitled.Page[entitled.RoleAssignment]{}, notImplemented()
}
func (s *Store) DeleteRoleAssignment(ctx context.Context, directory bool, id string) error {
	return notImplemented()
}

// CatalogService
func (s *Store) CreateCatalog(ctx context.Context, c *entitled.Catalog) error {
	return notImplemented()
}
func (s *Store) Catalog(ctx context.Context, id string) (*entitled.Catalog, error) {
	return nil, notImplemented()
}
func (s *Store) Catalogs(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.Catalog], error) {
	return entitled.Page[entitled.Catalog]{}, notImplemented()
}
func (s *Store) UpdateCatalog(ctx context.Context, id string, upd entitled.CatalogUpdate) (*entitled.Catalog, error) {
	return nil, notImplemented()
}
func (s *Store) DeleteCatalog(ctx context.Context, id string) error { return notImplemented() }
func (s *Store) CatalogResources(ctx context.Context, catalogID string, opt entitled.ListOptions) (entitled.Page[entitled.Resource], error) {
	return entitled.Page[entitled.Resource]{}, notImplemented()
}
func (s *Store) CatalogResource(ctx context.Context, catalogID, resourceID string) (*entitled.Resource, error) {
	return nil, notImplemented()
}
func (s *Store) CreateResourceRequest(ctx context.Context, rr *entitled.ResourceRequest) error {
	return notImplemented()
}
func (s *Store) ResourceRequests(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.ResourceRequest], error) {
	return entitled.Page[entitled.ResourceRequest]{}, notImplemented()
}

// AccessPackageService
func (s *Store) CreateAccessPackage(ctx context.Context, p *entitled.AccessPackage) error {
	return notImplemented()
}
func (s *Store) AccessPackage(ctx context.Context, id string) (*entitled.AccessPackage, error) {
	return nil, notImplemented()
}
func (s *Store) AccessPackages(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AccessPackage], error) {
	return entitled.Page[entitled.AccessPackage]{}, notImplemented()
}
func (s *Store) UpdateAccessPackage(ctx context.Context, id string, upd entitled.AccessPackageUpdate) (*entitled.AccessPackage, error) {
	return nil, notImplemented()
}
func (s *Store) DeleteAccessPackage(ctx context.Context, id string) error { return notImplemented() }
func (s *Store) AddResourceRoleScope(ctx context.Context, packageID string, in entitled.ResourceRoleScopeInput) (*entitled.ResourceRoleScope, error) {
	return nil, notImplemented()
}
func (s *Store) ResourceRoleScopes(ctx context.Context, packageID string) ([]entitled.ResourceRoleScope, error) {
	return nil, notImplemented()
}
func (s *Store) RemoveResourceRoleScope(ctx context.Context, packageID, scopeID string) error {
	return notImplemented()
}
func (s *Store) RequestableAccessPackages(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AccessPackage], error) {
	return entitled.Page[entitled.AccessPackage]{}, notImplemented()
}

// PolicyService
func (s *Store) CreatePolicy(ctx context.Context, p *entitled.AssignmentPolicy) error {
	return notImplemented()
}
func (s *Store) Policy(ctx context.Context, id string) (*entitled.AssignmentPolicy, error) {
	return nil, notImplemented()
}
func (s *Store) Policies(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AssignmentPolicy], error) {
	return entitled.Page[entitled.AssignmentPolicy]{}, notImplemented()
}
func (s *Store) ReplacePolicy(ctx context.Context, p *entitled.AssignmentPolicy) error {
	return notImplemented()
}
func (s *Store) DeletePolicy(ctx context.Context, id string) error { return notImplemented() }

// SystemService
func (s *Store) CreateSystem(ctx context.Context, sys *entitled.ConnectedSystem) error {
	return notImplemented()
}
func (s *Store) System(ctx context.Context, id string) (*entitled.ConnectedSystem, error) {
	return nil, notImplemented()
}
func (s *Store) Systems(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.ConnectedSystem], error) {
	return entitled.Page[entitled.ConnectedSystem]{}, notImplemented()
}
func (s *Store) UpdateSystem(ctx context.Context, id string, upd entitled.SystemUpdate) (*entitled.ConnectedSystem, error) {
	return nil, notImplemented()
}
func (s *Store) DeleteSystem(ctx context.Context, id string) error { return notImplemented() }

// AuditService
func (s *Store) AuditEvents(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AuditEvent], error) {
	return entitled.Page[entitled.AuditEvent]{}, notImplemented()
}
