package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/entitled-dev/entitled"
)

// userCacheTTL is how long a resolved user id is trusted; a PATCH refused
// for a cached id drops it and resolves the user again.
const userCacheTTL = 5 * time.Minute

// userCacheMax bounds the cache; it is emptied when full.
const userCacheMax = 10000

// userCache maps match values to SCIM user ids.
type userCache struct {
	mu sync.Mutex
	m  map[string]cachedUser
}

type cachedUser struct {
	id      string
	expires time.Time
}

func newUserCache() *userCache { return &userCache{m: map[string]cachedUser{}} }

func (uc *userCache) get(key string) (string, bool) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	e, ok := uc.m[key]
	if !ok || time.Now().After(e.expires) {
		return "", false
	}
	return e.id, true
}

func (uc *userCache) put(key, id string) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	if len(uc.m) >= userCacheMax {
		clear(uc.m)
	}
	uc.m[key] = cachedUser{id: id, expires: time.Now().Add(userCacheTTL)}
}

func (uc *userCache) drop(key string) {
	uc.mu.Lock()
	defer uc.mu.Unlock()
	delete(uc.m, key)
}

// matchValue is the subject's value of the configured match attribute,
// the SCIM filter attribute it is compared with, and the subject's
// attribute name for messages.
func (c *Connector) matchValue(s entitled.Subject) (value, filterAttr, subjectAttr string) {
	switch c.cfg.UserMatch {
	case MatchEmails:
		return s.Email, "emails.value", "email"
	case MatchExternalID:
		v := s.ObjectID
		if v == "" {
			v = s.ID
		}
		return v, "externalId", "object id"
	}
	return s.PrincipalName, "userName", "principal name"
}

// filterString quotes v as a SCIM filter string (JSON string syntax).
func filterString(v string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String())
}

// subjectName names a subject in messages.
func subjectName(s entitled.Subject) string {
	for _, v := range []string{s.PrincipalName, s.Email, s.DisplayName, s.ObjectID, s.ID} {
		if v != "" {
			return v
		}
	}
	return "(unnamed subject)"
}

type listResponse[T any] struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
	Resources    []T `json:"Resources"`
}

type userJSON struct {
	ID string `json:"id"`
}

// resolveUser returns the SCIM id of the subject's user, from the cache
// when fresh; cached says it came from the cache. A grant may create the
// user (config.createUsers); errors are classified delivery errors.
func (c *Connector) resolveUser(ctx context.Context, s entitled.Subject, create bool) (id string, cached bool, err error) {
	value, attr, subjectAttr := c.matchValue(s)
	if strings.TrimSpace(value) == "" {
		return "", false, entitled.PermanentErrorf("user %s has no %s, which config.userMatch %q needs to find the SCIM user",
			subjectName(s), subjectAttr, c.cfg.UserMatch)
	}
	key := attr + "\x00" + value
	if id, ok := c.users.get(key); ok {
		return id, true, nil
	}
	id, err = c.findUser(ctx, attr, value)
	if err == nil && id == "" && create && c.cfg.CreateUsers {
		id, err = c.createUser(ctx, s, attr, value)
	}
	if err != nil {
		return "", false, err
	}
	if id == "" {
		hint := "create the user there"
		if !c.cfg.CreateUsers {
			hint += " or set config.createUsers to true"
		}
		return "", false, entitled.PermanentErrorf("the SCIM server %s has no user with %s %s (user %s); %s",
			c.where(), attr, filterString(value), subjectName(s), hint)
	}
	c.users.put(key, id)
	return id, false, nil
}

// findUser looks a user up by filter; "" when there is none.
func (c *Connector) findUser(ctx context.Context, attr, value string) (string, error) {
	var lr listResponse[userJSON]
	q := url.Values{"filter": {attr + " eq " + filterString(value)}, "count": {"2"}, "attributes": {"id"}}
	if err := c.do(ctx, request{Method: http.MethodGet, Path: "/Users", Query: q}, &lr); err != nil {
		return "", c.delivery(err, fmt.Sprintf("find the SCIM user with %s %s", attr, filterString(value)))
	}
	switch {
	case len(lr.Resources) == 0:
		return "", nil
	case len(lr.Resources) > 1 || lr.TotalResults > 1:
		return "", entitled.PermanentErrorf("the SCIM server %s has %d users with %s %s; config.userMatch must name a unique attribute",
			c.where(), max(lr.TotalResults, len(lr.Resources)), attr, filterString(value))
	case lr.Resources[0].ID == "":
		return "", entitled.PermanentErrorf("the SCIM server %s returned a user without an id for %s %s", c.where(), attr, filterString(value))
	}
	return lr.Resources[0].ID, nil
}

// createUser creates the subject's user (POST /Users). A 409 means another
// worker created it first: the user is looked up again.
func (c *Connector) createUser(ctx context.Context, s entitled.Subject, attr, value string) (string, error) {
	user := map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"active":  true,
	}
	userName := s.PrincipalName
	if userName == "" {
		userName = s.Email
	}
	if userName == "" {
		userName = value
	}
	user["userName"] = userName
	if s.DisplayName != "" {
		user["displayName"] = s.DisplayName
	}
	if s.Email != "" {
		user["emails"] = []map[string]any{{"value": s.Email, "primary": true, "type": "work"}}
	}
	if oid := s.ObjectID; oid != "" {
		user["externalId"] = oid
	} else if s.ID != "" {
		user["externalId"] = s.ID
	}
	var created userJSON
	err := c.do(ctx, request{Method: http.MethodPost, Path: "/Users", Body: user}, &created)
	var se *statusError
	if errors.As(err, &se) && se.Status == http.StatusConflict {
		return c.findUser(ctx, attr, value)
	}
	if err != nil {
		return "", c.delivery(err, fmt.Sprintf("create the SCIM user %s", filterString(userName)))
	}
	if created.ID == "" {
		return "", entitled.PermanentErrorf("the SCIM server %s created user %s but returned no id", c.where(), filterString(userName))
	}
	return created.ID, nil
}
