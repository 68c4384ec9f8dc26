package scimtest

import (
	"fmt"
	"slices"
	"strings"
)

// User is a SCIM User as the server stores it.
type User struct {
	ID          string
	UserName    string
	DisplayName string
	Emails      []string
	ExternalID  string
	Active      bool
}

// Group is a SCIM Group as the server stores it; Members holds user ids in
// the order they were added.
type Group struct {
	ID          string
	DisplayName string
	Members     []string
}

// attrs is the user's SCIM representation without id, externalId and meta
// (the library adds those).
func (u *User) attrs() map[string]any {
	m := map[string]any{"userName": u.UserName, "active": u.Active}
	if u.DisplayName != "" {
		m["displayName"] = u.DisplayName
	}
	if len(u.Emails) > 0 {
		var list []any
		for i, e := range u.Emails {
			list = append(list, map[string]any{"value": e, "primary": i == 0})
		}
		m["emails"] = list
	}
	return m
}

// filterValues returns the values of a user attribute named in a filter.
func (u *User) filterValues(attr string) ([]string, bool) {
	switch strings.ToLower(attr) {
	case "id":
		return []string{u.ID}, true
	case "username":
		return []string{u.UserName}, true
	case "displayname":
		return []string{u.DisplayName}, true
	case "externalid":
		return []string{u.ExternalID}, true
	case "emails", "emails.value":
		return u.Emails, true
	}
	return nil, false
}

func (g *Group) attrs(userName func(id string) string) map[string]any {
	m := map[string]any{"displayName": g.DisplayName}
	members := make([]any, 0, len(g.Members))
	for _, id := range g.Members {
		members = append(members, map[string]any{"value": id, "display": userName(id), "type": "User"})
	}
	m["members"] = members
	return m
}

func (g *Group) filterValues(attr string) ([]string, bool) {
	switch strings.ToLower(attr) {
	case "id":
		return []string{g.ID}, true
	case "displayname":
		return []string{g.DisplayName}, true
	case "members", "members.value":
		return g.Members, true
	}
	return nil, false
}

// store is the server's data; the Server's mutex guards it.
type store struct {
	seq       int
	users     map[string]*User
	userOrder []string
	groups    map[string]*Group
	grpOrder  []string
}

func newStore() *store {
	return &store{users: map[string]*User{}, groups: map[string]*Group{}}
}

func (s *store) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s-%06d", prefix, s.seq)
}

// addUser stores a new user (its ID set), last in list order.
func (s *store) addUser(u *User) {
	s.users[u.ID] = u
	s.userOrder = append(s.userOrder, u.ID)
}

// addGroup stores a new group (its ID set), last in list order.
func (s *store) addGroup(g *Group) {
	s.groups[g.ID] = g
	s.grpOrder = append(s.grpOrder, g.ID)
}

func (s *store) userByName(name string) *User {
	for _, id := range s.userOrder {
		if u := s.users[id]; strings.EqualFold(u.UserName, name) {
			return u
		}
	}
	return nil
}

func (s *store) deleteUser(id string) bool {
	if _, ok := s.users[id]; !ok {
		return false
	}
	delete(s.users, id)
	s.userOrder = slices.DeleteFunc(s.userOrder, func(x string) bool { return x == id })
	for _, g := range s.groups {
		g.Members = slices.DeleteFunc(g.Members, func(x string) bool { return x == id })
	}
	return true
}

func (s *store) userName(id string) string {
	if u, ok := s.users[id]; ok {
		return u.UserName
	}
	return ""
}
