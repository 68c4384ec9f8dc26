package oidc

import (
	"sync"
	"time"
)

// userinfoCache keeps userinfo answers per access token until the token
// expires, at most max of them.
type userinfoCache struct {
	mu  sync.Mutex
	max int
	m   map[string]cached
	now func() time.Time
}

type cached struct {
	claims map[string]any
	until  time.Time
}

func newUserinfoCache(max int) *userinfoCache {
	return &userinfoCache{max: max, m: map[string]cached{}, now: time.Now}
}

func (c *userinfoCache) get(key string) (map[string]any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !c.now().Before(e.until) {
		delete(c.m, key)
		return nil, false
	}
	return e.claims, true
}

func (c *userinfoCache) put(key string, claims map[string]any, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		now := c.now()
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[key] = cached{claims: claims, until: until}
}
