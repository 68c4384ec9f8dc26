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

// UserService

// GroupService

// RoleAssignmentService

// CatalogService

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
