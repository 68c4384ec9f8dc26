package http

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// A page's expansions repeat themselves: fifty assignments of one package
// expand the same package fifty times, and their fifty targets are users
// one query reads. expansions remembers, for one API request, the packages
// and users the out functions load by id, and prefetchUsers reads a page's
// users in one list call instead of one read each.
type expansions struct {
	mu       sync.Mutex
	users    map[string]*entitled.User
	packages map[string]*accessPackageWire // by id and nested query
}

type expansionsKey struct{}

// withExpansions gives r an empty memo of expansions.
func withExpansions(ctx context.Context) context.Context {
	return context.WithValue(ctx, expansionsKey{}, &expansions{})
}

// expansionsOf returns r's memo, nil outside an API request.
func expansionsOf(r *http.Request) *expansions {
	e, _ := r.Context().Value(expansionsKey{}).(*expansions)
	return e
}

// memoUser loads a user by id through the memo.
func (s *Server) memoUser(r *http.Request, id string) (*entitled.User, error) {
	e := expansionsOf(r)
	if e != nil {
		e.mu.Lock()
		u, ok := e.users[id]
		e.mu.Unlock()
		if ok {
			return u, nil
		}
	}
	u, err := s.svc.Users.User(r.Context(), id)
	if err == nil && e != nil {
		e.mu.Lock()
		if e.users == nil {
			e.users = map[string]*entitled.User{}
		}
		e.users[id] = u
		e.mu.Unlock()
	}
	return u, err
}

// prefetchUsers reads the users of ids in one list call into r's memo.
// It is only a shortcut: if the caller may not list users, or the list
// fails, each expansion loads its user on its own as before.
func (s *Server) prefetchUsers(r *http.Request, ids []string) {
	e := expansionsOf(r)
	if e == nil || len(ids) < 2 {
		return
	}
	seen := map[string]bool{}
	var values []any
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			values = append(values, id)
		}
	}
	if len(values) < 2 || len(values) > entitled.MaxPageSize {
		return
	}
	pg, err := s.svc.Users.Users(r.Context(), entitled.ListOptions{Top: len(values), Filter: entitled.In{Property: "id", Values: values}})
	if err != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.users == nil {
		e.users = map[string]*entitled.User{}
	}
	for i := range pg.Items {
		e.users[pg.Items[i].ID] = &pg.Items[i]
	}
}

// memoPackage returns the expanded package of id for the nested query q,
// building it once per API request.
func (s *Server) memoPackage(r *http.Request, id string, q odata.Query, build func() (*accessPackageWire, error)) (*accessPackageWire, error) {
	e := expansionsOf(r)
	if e == nil {
		return build()
	}
	key := id + "\x00" + fmt.Sprintf("%+v", q)
	e.mu.Lock()
	w, ok := e.packages[key]
	e.mu.Unlock()
	if ok {
		return w, nil
	}
	w, err := build()
	if err == nil {
		e.mu.Lock()
		if e.packages == nil {
			e.packages = map[string]*accessPackageWire{}
		}
		e.packages[key] = w
		e.mu.Unlock()
	}
	return w, err
}

// idsOf lists the id each item names.
func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}
