// Package directory is the connector kind of entitled's built-in directory:
// its resources are the directory's groups and granting a role adds the
// subject to the group.
package directory

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// KindName is the name of the built-in directory's kind (and of its system).
const KindName = "directory"

// RoleMember is the one role of a directory group.
const RoleMember = "Member"

// RoleOriginID is the origin id of a group's Member role, after Graph's
// AadGroup convention ("Member_{groupId}").
func RoleOriginID(groupID string) string { return RoleMember + "_" + groupID }

// Membership is the store side the directory connector works on.
type Membership interface {
	// DirectoryGroup loads a group; a 404 *entitled.Error when unknown.
	DirectoryGroup(ctx context.Context, id string) (*entitled.Group, error)
	// GrantMembership adds a user to a group (idempotent); a 404
	// *entitled.Error when the group or the user is unknown.
	GrantMembership(ctx context.Context, groupID, userID string) error
	// RevokeMembership removes a user from a group (idempotent).
	RevokeMembership(ctx context.Context, groupID, userID string) error
	// ApplyMemberships applies several changes in one transaction and
	// returns one error per change (404 *entitled.Error for an unknown group
	// or user; any other error fails every change).
	ApplyMemberships(ctx context.Context, changes []entitled.MembershipChange) []error
	// DirectoryGroups lists groups whose display name contains search
	// (case-insensitive), ordered by id, after the id given, at most limit.
	DirectoryGroups(ctx context.Context, search, after string, limit int) ([]entitled.Group, error)
	// DirectoryGroupMembers lists the ids of a group's members, ordered,
	// after the id given, at most limit; a 404 *entitled.Error when the
	// group is unknown.
	DirectoryGroupMembers(ctx context.Context, groupID, after string, limit int) ([]string, error)
}

type kind struct{ m Membership }

// NewKind returns the directory kind over the store's membership.
func NewKind(m Membership) entitled.ConnectorKind { return &kind{m: m} }

func (k *kind) Name() string { return KindName }

func (k *kind) SecretFields() []string { return nil }

// Validate accepts only an empty config (but for config.reconcile, which
// the store checks): the directory needs no settings.
func (k *kind) Validate(config map[string]any) error {
	keys := make([]string, 0, len(config))
	for key := range config {
		if key != entitled.ReconcileConfigKey {
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "config." + keys[0],
		Message: fmt.Sprintf("the directory takes no config, but config.%s was given; send an empty config {}", keys[0])}).WithKey("err.config.directoryNoConfig", "Key", keys[0])
}

func (k *kind) New(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	return New(k.m), nil
}

// New returns a connector over the store's membership.
func New(m Membership) *Connector { return &Connector{m: m} }

// Connector grants and revokes membership of directory groups.
type Connector struct{ m Membership }

// Describe returns a group's display name and its Member role; the group
// must exist.
func (c *Connector) Describe(ctx context.Context, originID string) (entitled.ResourceInfo, error) {
	if strings.TrimSpace(originID) == "" {
		return entitled.ResourceInfo{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "originId", Message: "originId must be the id of a group of the directory"}).WithKey("err.connector.directoryOriginId")
	}
	g, err := c.m.DirectoryGroup(ctx, originID)
	if err != nil {
		return entitled.ResourceInfo{}, err
	}
	return entitled.ResourceInfo{OriginID: g.ID, DisplayName: g.DisplayName, Description: g.Description,
		Roles: []entitled.ResourceRoleRef{{OriginID: RoleOriginID(g.ID), DisplayName: RoleMember}}}, nil
}

// Grant adds the subject to the group; already a member is success.
func (c *Connector) Grant(ctx context.Context, g entitled.Grant) error {
	groupID, userID, err := target(g)
	if err != nil {
		return err
	}
	return classify(c.m.GrantMembership(ctx, groupID, userID), groupID, userID)
}

// Revoke removes the subject from the group; not a member is success.
func (c *Connector) Revoke(ctx context.Context, g entitled.Grant) error {
	groupID, userID, err := target(g)
	if err != nil {
		return err
	}
	return classify(c.m.RevokeMembership(ctx, groupID, userID), groupID, userID)
}

// ListResources pages through the directory's groups, by id. The page token
// holds the last id of the page; a token this connector did not return is a
// 400.
func (c *Connector) ListResources(ctx context.Context, search, pageToken string, limit int) (entitled.ResourcePage, error) {
	after, ok := connectors.DecodePageToken(tokenPrefix, pageToken)
	if !ok {
		return entitled.ResourcePage{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "$skipToken", Message: "the page token is not one the directory returned; start again without it"}).WithKey("err.connector.directoryPageToken")
	}
	gs, err := c.m.DirectoryGroups(ctx, search, after, limit+1)
	if err != nil {
		return entitled.ResourcePage{}, err
	}
	var page entitled.ResourcePage
	for i, g := range gs {
		if i == limit {
			page.Next = connectors.EncodePageToken(tokenPrefix, gs[limit-1].ID)
			break
		}
		page.Resources = append(page.Resources, entitled.ResourceInfo{OriginID: g.ID, DisplayName: g.DisplayName,
			Description: g.Description, Roles: []entitled.ResourceRoleRef{{OriginID: RoleOriginID(g.ID), DisplayName: RoleMember}}})
	}
	return page, nil
}

// tokenPrefix marks the page tokens of the directory.
const tokenPrefix = "directory1:"

// Check always succeeds: the directory is entitled's own database.
func (c *Connector) Check(ctx context.Context) error { return nil }

// ApplyBatch applies several grants and revokes in one transaction.
func (c *Connector) ApplyBatch(ctx context.Context, changes []entitled.Change) []error {
	errs := make([]error, len(changes))
	valid := make([]entitled.MembershipChange, 0, len(changes))
	index := make([]int, 0, len(changes))
	for i, ch := range changes {
		groupID, userID, err := target(ch.Grant)
		if err != nil {
			errs[i] = err
			continue
		}
		valid = append(valid, entitled.MembershipChange{GroupID: groupID, UserID: userID, Add: ch.Action == entitled.ActionGrant})
		index = append(index, i)
	}
	if len(valid) == 0 {
		return errs
	}
	res := c.m.ApplyMemberships(ctx, valid)
	for j, i := range index {
		var err error
		if j < len(res) {
			err = res[j]
		}
		errs[i] = classify(err, valid[j].GroupID, valid[j].UserID)
	}
	return errs
}

func target(g entitled.Grant) (groupID, userID string, err error) {
	groupID = g.Resource.OriginID
	userID = g.Subject.ObjectID
	if userID == "" {
		userID = g.Subject.ID
	}
	if groupID == "" {
		return "", "", entitled.PermanentErrorf("the resource has no group id")
	}
	if userID == "" {
		return "", "", entitled.PermanentErrorf("the subject has no user id")
	}
	if r := g.Role.OriginID; r != "" && r != RoleMember && r != RoleOriginID(groupID) {
		return "", "", entitled.PermanentErrorf("role %q is not a role of directory group %s; the only role is %s",
			r, groupID, RoleOriginID(groupID))
	}
	return groupID, userID, nil
}

// classify turns store errors into delivery errors: unknown group or user is
// permanent, anything else (busy database, canceled context) transient.
func classify(err error, groupID, userID string) error {
	if err == nil {
		return nil
	}
	var e *entitled.Error
	if errors.As(err, &e) && e.Kind == entitled.KindNotFound {
		if e.Target == "user" {
			return entitled.PermanentErrorf("user %s does not exist in the directory", userID)
		}
		return entitled.PermanentErrorf("group %s does not exist in the directory", groupID)
	}
	return entitled.TransientErrorf("directory: %v", err)
}
