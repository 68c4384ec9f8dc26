package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// submitCache holds what a batch of submissions reads: each policy,
// package and set of role scopes once, and, for every target of the batch,
// whether the user exists and which packages they already have an open
// add request or a live assignment for (rule 7). A nil cache reads
// straight from the database, as a submission on its own does.
type submitCache struct {
	policies map[string]*entitled.AssignmentPolicy
	packages map[string]*entitled.AccessPackage
	scopes   map[string][]entitled.ResourceRoleScope
	users    map[string]bool
	live     map[[2]string]bool
}

// newSubmitCache reads the targets of subs and their live pairs, two
// queries per maxBulkRows targets.
func (s *Store) newSubmitCache(ctx context.Context, t *tx, subs []*submission) (*submitCache, error) {
	c := &submitCache{policies: map[string]*entitled.AssignmentPolicy{}, packages: map[string]*entitled.AccessPackage{},
		scopes: map[string][]entitled.ResourceRoleScope{}, users: map[string]bool{}, live: map[[2]string]bool{}}
	var targets []any
	for _, sub := range subs {
		target := sub.r.TargetID
		if sub.r.RequestType == entitled.RequestUserAdd || target == "" {
			target = sub.a.User.ID
		}
		if _, seen := c.users[target]; !seen {
			c.users[target] = false
			targets = append(targets, target)
		}
	}
	err := chunks(len(targets), func(lo, hi int) error {
		ids := targets[lo:hi]
		in := inList(len(ids))
		rows, err := t.bulkQuery(ctx, `SELECT id FROM users WHERE id IN (`+in+`)`, ids...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			c.users[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = t.bulkQuery(ctx, `SELECT target_id, access_package_id FROM assignment_requests WHERE target_id IN (`+in+`)
			  AND request_type IN ('userAdd','adminAdd','systemAdd') AND state IN ('submitted','pendingApproval','scheduled','delivering')
			UNION ALL
			SELECT target_id, access_package_id FROM assignments WHERE target_id IN (`+in+`) AND state <> 'expired'`,
			append(append([]any{}, ids...), ids...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pair [2]string
			if err := rows.Scan(&pair[0], &pair[1]); err != nil {
				return err
			}
			c.live[pair] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// policy returns a policy by id (404 when missing).
func (c *submitCache) policy(ctx context.Context, s *Store, t *tx, id string) (*entitled.AssignmentPolicy, error) {
	if c == nil {
		return s.loadPolicy(ctx, t, id)
	}
	if p, ok := c.policies[id]; ok {
		return p, nil
	}
	p, err := s.loadPolicy(ctx, t, id)
	if err == nil {
		c.policies[id] = p
	}
	return p, err
}

// accessPackage returns a package by id (404 when missing).
func (c *submitCache) accessPackage(ctx context.Context, s *Store, t *tx, id string) (*entitled.AccessPackage, error) {
	if c == nil {
		return s.loadPackage(ctx, t, id)
	}
	if p, ok := c.packages[id]; ok {
		return p, nil
	}
	p, err := s.loadPackage(ctx, t, id)
	if err == nil {
		c.packages[id] = p
	}
	return p, err
}

// roleScopes returns the resource role scopes of a package.
func (c *submitCache) roleScopes(ctx context.Context, s *Store, t *tx, packageID string) ([]entitled.ResourceRoleScope, error) {
	if c == nil {
		return s.loadRoleScopes(ctx, t, packageID)
	}
	if sc, ok := c.scopes[packageID]; ok {
		return sc, nil
	}
	sc, err := s.loadRoleScopes(ctx, t, packageID)
	if err == nil {
		c.scopes[packageID] = sc
	}
	return sc, err
}

// userExists reports whether a user exists.
func (c *submitCache) userExists(ctx context.Context, s *Store, t *tx, id string) (bool, error) {
	if c != nil {
		if ok, known := c.users[id]; known {
			return ok, nil
		}
	}
	_, err := s.loadUser(ctx, t, id)
	if entitled.ErrorKind(err) == entitled.KindNotFound {
		return false, nil
	}
	return err == nil, err
}

// mayBeLive reports whether the target may already have an open add
// request or a live assignment for the package: the caller then makes the
// exact check, which names it. Without a cache it is always true.
func (c *submitCache) mayBeLive(ctx context.Context, s *Store, t *tx, targetID, packageID string) (bool, error) {
	if c == nil {
		return true, nil
	}
	if _, known := c.users[targetID]; !known {
		return true, nil
	}
	return c.live[[2]string{targetID, packageID}], nil
}
