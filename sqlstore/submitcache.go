package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// submitCache holds what a batch of submissions reads: each policy,
// package and set of role scopes once, and, for every target of the batch,
// whether the user exists and whether they already have an open add
// request or a live assignment for the package they ask for
// (entitled.CheckOneLive). A
// nil cache reads straight from the database, as a submission on its own
// does.
type submitCache struct {
	policies map[string]*entitled.AssignmentPolicy
	packages map[string]*entitled.AccessPackage
	catalogs map[string]*entitled.Catalog
	scopes   map[string][]entitled.ResourceRoleScope
	// incompatible holds each package's incompatibilities.
	incompatible map[string]entitled.Incompatibilities
	users        map[string]bool
	// live maps each (target, package) pair of the batch to whether it
	// already has an open add request or a live assignment.
	live map[[2]string]bool
}

// liveQuery answers, for (target, package) pairs, those that have an open
// add request or a live assignment. The lookups are correlated subqueries,
// which both databases run as index lookups per pair whatever their
// statistics say.
var liveQuery = `WITH v(t, p) AS (%s) SELECT v.t, v.p FROM v
	WHERE (SELECT 1 FROM assignment_requests r WHERE r.target_id = v.t AND r.access_package_id = v.p
	        AND r.request_type IN ` + addTypesSQL + `
	        AND r.state IN ` + openStatesSQL + ` LIMIT 1) IS NOT NULL
	   OR (SELECT 1 FROM assignments a WHERE a.target_id = v.t AND a.access_package_id = v.p AND a.state <> 'expired' LIMIT 1) IS NOT NULL`

// newSubmitCache reads the policies of subs, whether their targets exist
// and which (target, package) pairs are live: a query per policy and two
// per maxBulkRows submissions.
func (s *RequestService) newSubmitCache(ctx context.Context, t *tx, subs []*submission) (*submitCache, error) {
	c := &submitCache{policies: map[string]*entitled.AssignmentPolicy{}, packages: map[string]*entitled.AccessPackage{},
		catalogs: map[string]*entitled.Catalog{},
		scopes:   map[string][]entitled.ResourceRoleScope{}, users: map[string]bool{}, live: map[[2]string]bool{},
		incompatible: map[string]entitled.Incompatibilities{}}
	var targets, pairs []any
	for _, sub := range subs {
		target := sub.r.TargetID
		if sub.r.RequestType == entitled.RequestUserAdd || target == "" {
			target = sub.a.User.ID
		}
		if _, seen := c.users[target]; !seen {
			c.users[target] = false
			targets = append(targets, target)
		}
		p, err := c.policy(ctx, t, sub.r.AssignmentPolicyID)
		if entitled.ErrorKind(err) == entitled.KindNotFound {
			continue // planAdd says so
		}
		if err != nil {
			return nil, err
		}
		pair := [2]string{target, p.AccessPackageID}
		if _, seen := c.live[pair]; !seen {
			c.live[pair] = false
			pairs = append(pairs, pair[0], pair[1])
		}
	}
	err := chunks(len(targets), func(lo, hi int) error {
		cond, args, err := t.db.idIn("id", targets[lo:hi])
		if err != nil {
			return err
		}
		rows, err := t.bulkQuery(ctx, `SELECT id FROM users WHERE `+cond, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			c.users[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	err = chunks(len(pairs)/2, func(lo, hi int) error {
		src, args, err := t.db.rowsSource(textColumns("t", "p"), pairs[2*lo:2*hi])
		if err != nil {
			return err
		}
		rows, err := t.bulkQuery(ctx, fmt.Sprintf(liveQuery, src), args...)
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
func (c *submitCache) policy(ctx context.Context, t *tx, id string) (*entitled.AssignmentPolicy, error) {
	var m map[string]*entitled.AssignmentPolicy
	if c != nil {
		m = c.policies
	}
	return memo(m, id, func() (*entitled.AssignmentPolicy, error) { return t.loadPolicy(ctx, id) })
}

// accessPackage returns a package by id (404 when missing).
func (c *submitCache) accessPackage(ctx context.Context, t *tx, id string) (*entitled.AccessPackage, error) {
	var m map[string]*entitled.AccessPackage
	if c != nil {
		m = c.packages
	}
	return memo(m, id, func() (*entitled.AccessPackage, error) { return t.loadPackage(ctx, id) })
}

// catalog returns a catalog by id (404 when missing).
func (c *submitCache) catalog(ctx context.Context, t *tx, id string) (*entitled.Catalog, error) {
	var m map[string]*entitled.Catalog
	if c != nil {
		m = c.catalogs
	}
	return memo(m, id, func() (*entitled.Catalog, error) { return t.loadCatalog(ctx, id) })
}

// roleScopes returns the resource role scopes of a package.
func (c *submitCache) roleScopes(ctx context.Context, t *tx, packageID string) ([]entitled.ResourceRoleScope, error) {
	var m map[string][]entitled.ResourceRoleScope
	if c != nil {
		m = c.scopes
	}
	return memo(m, packageID, func() ([]entitled.ResourceRoleScope, error) { return t.loadRoleScopes(ctx, packageID) })
}

// checkCompatible applies entitled.CheckCompatible to the target and the
// package, reading the package's incompatibilities once per batch.
func (c *submitCache) checkCompatible(ctx context.Context, t *tx, targetID, packageID string) error {
	var m map[string]entitled.Incompatibilities
	if c != nil {
		m = c.incompatible
	}
	in, err := memo(m, packageID, func() (entitled.Incompatibilities, error) { return t.incompatibilitiesOf(ctx, packageID) })
	if err != nil {
		return err
	}
	return t.checkCompatibleWith(ctx, targetID, packageID, in)
}

// memo returns m[key], loading and remembering it on a miss; a nil m
// remembers nothing. Failed loads are not remembered.
func memo[V any](m map[string]V, key string, load func() (V, error)) (V, error) {
	if v, ok := m[key]; ok {
		return v, nil
	}
	v, err := load()
	if err == nil && m != nil {
		m[key] = v
	}
	return v, err
}

// userExists reports whether a user exists.
func (c *submitCache) userExists(ctx context.Context, t *tx, id string) (bool, error) {
	if c != nil {
		if ok, known := c.users[id]; known {
			return ok, nil
		}
	}
	_, err := t.loadUser(ctx, id)
	if entitled.ErrorKind(err) == entitled.KindNotFound {
		return false, nil
	}
	return err == nil, err
}

// mayBeLive reports whether the target may already have an open add
// request or a live assignment for the package: the caller then makes the
// exact check, which names it. Without a cache, or for a pair the cache
// did not look up, it is true.
func (c *submitCache) mayBeLive(ctx context.Context, t *tx, targetID, packageID string) (bool, error) {
	if c == nil {
		return true, nil
	}
	live, checked := c.live[[2]string{targetID, packageID}]
	return live || !checked, nil
}
