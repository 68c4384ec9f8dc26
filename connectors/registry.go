// Package connectors keeps the connector kinds a server knows and builds (and
// caches) one connector per connected system.
package connectors

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/entitled-dev/entitled"
)

// Registry implements entitled.Connectors over a fixed set of kinds. A
// connector is built once per system and rebuilt when the system's
// ModifiedDateTime changes (its config was edited).
type Registry struct {
	kinds map[string]entitled.ConnectorKind

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	modified time.Time
	kind     string
	conn     entitled.Connector
}

var _ entitled.Connectors = (*Registry)(nil)

// NewRegistry returns a registry of the given kinds; a later kind with the
// same (case-insensitive) name replaces an earlier one.
func NewRegistry(kinds ...entitled.ConnectorKind) *Registry {
	r := &Registry{kinds: make(map[string]entitled.ConnectorKind, len(kinds)), cache: map[string]cached{}}
	for _, k := range kinds {
		if k != nil {
			r.kinds[strings.ToLower(k.Name())] = k
		}
	}
	return r
}

// Kind finds a kind by name, case-insensitively.
func (r *Registry) Kind(name string) (entitled.ConnectorKind, bool) {
	k, ok := r.kinds[strings.ToLower(name)]
	return k, ok
}

// Kinds returns the names of the registered kinds, sorted.
func (r *Registry) Kinds() []string {
	out := make([]string, 0, len(r.kinds))
	for _, k := range r.kinds {
		out = append(out, k.Name())
	}
	sort.Strings(out)
	return out
}

// For returns the connector of a system, building it with its kind on first
// use and again whenever the system was modified since.
func (r *Registry) For(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	if sys == nil {
		return nil, fmt.Errorf("connectors: no system given")
	}
	kind, ok := r.Kind(sys.Kind)
	if !ok {
		return nil, entitled.PermanentErrorf("connected system %q has kind %q, which this server does not support (known kinds: %s)",
			sys.Name, sys.Kind, strings.Join(r.Kinds(), ", "))
	}
	r.mu.Lock()
	c, hit := r.cache[sys.ID]
	r.mu.Unlock()
	if hit && c.modified.Equal(sys.ModifiedDateTime) && c.kind == strings.ToLower(sys.Kind) {
		return c.conn, nil
	}
	conn, err := kind.New(sys)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	old, replaced := r.cache[sys.ID]
	r.cache[sys.ID] = cached{modified: sys.ModifiedDateTime, kind: strings.ToLower(sys.Kind), conn: conn}
	r.mu.Unlock()
	if replaced && old.conn != conn {
		// The system's settings changed. Deliveries may still be using the
		// old connector: close its pool only once they are done.
		if c, ok := old.conn.(io.Closer); ok {
			time.AfterFunc(RetireAfter, func() { _ = c.Close() })
		}
	}
	return conn, nil
}

// RetireAfter is how long a connector replaced by new settings stays open
// for the deliveries still using it.
var RetireAfter = 5 * time.Minute

// Close closes every cached connector that holds resources (connection
// pools); the registry builds new ones if used again.
func (r *Registry) Close() error {
	r.mu.Lock()
	cache := r.cache
	r.cache = map[string]cached{}
	r.mu.Unlock()
	var first error
	for _, c := range cache {
		if cl, ok := c.conn.(io.Closer); ok {
			if err := cl.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}
