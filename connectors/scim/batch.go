package scim

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// maxPatchOps bounds the operations of one PATCH; larger batches to one
// group are split.
const maxPatchOps = 100

// patchOpSchema is the schema URI of a PATCH body (RFC 7644 §3.5.2).
const patchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// item is one change on its way into a PATCH.
type item struct {
	idx     int
	grant   bool
	g       entitled.Grant
	userID  string
	cached  bool
	userKey string
}

func (it *item) what() string {
	if it.grant {
		return fmt.Sprintf("add user %s (SCIM id %s) to SCIM group %q", subjectName(it.g.Subject), it.userID, it.g.Resource.OriginID)
	}
	return fmt.Sprintf("remove user %s (SCIM id %s) from SCIM group %q", subjectName(it.g.Subject), it.userID, it.g.Resource.OriginID)
}

func (it *item) op() map[string]any {
	if it.grant {
		return map[string]any{"op": "add", "path": "members", "value": []map[string]string{{"value": it.userID}}}
	}
	return map[string]any{"op": "remove", "path": "members[value eq " + filterString(it.userID) + "]"}
}

// ApplyBatch applies the changes with one PATCH /Groups/{id} per group
// (several operations each), after resolving each distinct user once. The
// result has one error (or nil) per change, in order. When a PATCH of
// several operations is refused (RFC 7644 makes a PATCH all or nothing),
// its operations are sent one by one so that each change gets its own
// outcome: adding a member twice and removing a non-member (scimType
// noTarget) are success.
func (c *Connector) ApplyBatch(ctx context.Context, changes []entitled.Change) []error {
	errs := make([]error, len(changes))
	var items []*item
	for i, ch := range changes {
		g := ch.Grant
		switch {
		case ch.Action != entitled.ActionGrant && ch.Action != entitled.ActionRevoke:
			errs[i] = entitled.PermanentErrorf("unknown delivery action %q", ch.Action)
		case g.Resource.OriginID == "":
			errs[i] = entitled.PermanentErrorf("the resource has no SCIM group id (originId)")
		case checkGroupID(g.Resource.OriginID) != nil:
			errs[i] = checkGroupID(g.Resource.OriginID)
		case !roleOK(g.Role):
			errs[i] = entitled.PermanentErrorf("role %q is not a role of SCIM group %q; the only role is %s",
				g.Role.OriginID, g.Resource.OriginID, RoleMember)
		default:
			items = append(items, &item{idx: i, grant: ch.Action == entitled.ActionGrant, g: g})
		}
	}
	items = c.resolveAll(ctx, items, errs)

	// One PATCH per group, groups in parallel (bounded by maxConnections).
	var order []string
	byGroup := map[string][]*item{}
	for _, it := range items {
		gid := it.g.Resource.OriginID
		if _, ok := byGroup[gid]; !ok {
			order = append(order, gid)
		}
		byGroup[gid] = append(byGroup[gid], it)
	}
	var wg sync.WaitGroup
	for _, gid := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			list := byGroup[gid]
			for len(list) > 0 {
				n := min(len(list), maxPatchOps)
				c.patchGroup(ctx, gid, list[:n], errs, true)
				list = list[n:]
			}
		}()
	}
	wg.Wait()
	return errs
}

// resolveAll finds the SCIM user of each item, each distinct user once and
// in parallel; items whose user cannot be resolved get their error and are
// left out of the result.
func (c *Connector) resolveAll(ctx context.Context, items []*item, errs []error) []*item {
	type result struct {
		id     string
		cached bool
		err    error
	}
	type want struct {
		s      entitled.Subject
		create bool
	}
	wants := map[string]*want{}
	var keys []string
	for _, it := range items {
		value, attr, _ := c.matchValue(it.g.Subject)
		it.userKey = attr + "\x00" + value
		w, ok := wants[it.userKey]
		if !ok {
			w = &want{s: it.g.Subject}
			wants[it.userKey] = w
			keys = append(keys, it.userKey)
		}
		w.create = w.create || it.grant
	}
	results := make(map[string]*result, len(keys))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, cached, err := c.resolveUser(ctx, wants[k].s, wants[k].create)
			mu.Lock()
			results[k] = &result{id, cached, err}
			mu.Unlock()
		}()
	}
	wg.Wait()
	var ok []*item
	for _, it := range items {
		r := results[it.userKey]
		if r.err != nil {
			errs[it.idx] = r.err
			continue
		}
		it.userID, it.cached = r.id, r.cached
		ok = append(ok, it)
	}
	return ok
}

// idempotencyKey identifies one PATCH: it lets net/http resend it on a
// connection the server had closed, and lets servers that honour the
// header recognise a repeat.
func idempotencyKey(items []*item) string {
	h := sha256.New()
	keyed := false
	for _, it := range items {
		k := it.g.IdempotencyKey
		if k == "" {
			k = it.g.DeliveryID
		}
		if k != "" {
			keyed = true
		}
		fmt.Fprintf(h, "%s\x00%v\x00%s\x00", k, it.grant, it.userID)
	}
	if !keyed {
		var b [16]byte
		_, _ = rand.Read(b[:])
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// patchGroup sends the items' operations in one PATCH and records each
// item's outcome in errs.
func (c *Connector) patchGroup(ctx context.Context, gid string, items []*item, errs []error, mayRetry bool) {
	ops := make([]map[string]any, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		// The same change twice needs one operation; a second remove of
		// the same member would fail the PATCH with noTarget.
		k := fmt.Sprintf("%v\x00%s", it.grant, it.userID)
		if !seen[k] || conflicting(items, it) {
			ops = append(ops, it.op())
		}
		seen[k] = true
	}
	err := c.do(ctx, request{Method: http.MethodPatch, Path: groupPath(gid),
		Body:           map[string]any{"schemas": []string{patchOpSchema}, "Operations": ops},
		IdempotencyKey: idempotencyKey(items)}, nil)
	if err == nil {
		for _, it := range items {
			errs[it.idx] = nil
		}
		return
	}
	var se *statusError
	if !errors.As(err, &se) || connectors.TransientStatus(se.Status) ||
		se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden {
		for _, it := range items {
			errs[it.idx] = c.delivery(err, it.what())
		}
		return
	}
	if se.Status == http.StatusNotFound {
		for _, it := range items {
			errs[it.idx] = entitled.PermanentErrorf("%s: the SCIM server %s has no group with id %q (%s)",
				it.what(), c.where(), gid, se.summary())
		}
		return
	}
	if len(ops) > 1 {
		// All or nothing: find out which change was refused.
		for _, it := range items {
			c.patchGroup(ctx, gid, []*item{it}, errs, mayRetry)
		}
		return
	}
	it := items[0]
	if !it.grant && se.ScimType == "noTarget" {
		errs[it.idx] = nil // not a member: nothing to remove
		return
	}
	if it.cached && mayRetry {
		// The cached user id may be stale (the user was deleted or
		// recreated): resolve the user again and retry once.
		c.users.drop(it.userKey)
		id, _, rerr := c.resolveUser(ctx, it.g.Subject, it.grant)
		if rerr != nil {
			errs[it.idx] = rerr
			return
		}
		it.userID, it.cached = id, false
		c.patchGroup(ctx, gid, []*item{it}, errs, false)
		return
	}
	errs[it.idx] = c.delivery(err, it.what())
}

// conflicting reports whether items hold the opposite change of it for the
// same user, in which case repeats are kept to preserve the order.
func conflicting(items []*item, it *item) bool {
	for _, o := range items {
		if o.userID == it.userID && o.grant != it.grant {
			return true
		}
	}
	return false
}
