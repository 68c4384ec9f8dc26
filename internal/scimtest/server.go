package scimtest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// MaxResults is the largest page the server returns, whatever count asks.
const MaxResults = 50

// Server is a running in-memory SCIM service provider.
type Server struct {
	// URL is the SCIM base URL, such as "http://127.0.0.1:41234/scim/v2".
	URL string
	// Token is the bearer token the server accepts.
	Token string

	handler http.Handler
	addr    string

	mu       sync.Mutex // guards everything below and the store
	st       *store
	srv      *httptest.Server
	fail     int
	failBody string
	requests map[string]int
	inFlight int
	maxIn    int
	delay    time.Duration
}

// New starts a server on 127.0.0.1 that accepts token; it stops when the
// test ends.
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	s := &Server{Token: token, st: newStore(), requests: map[string]int{}}
	sp, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			DocumentationURI: optional.NewString("https://example.invalid/scimtest"),
			MaxResults:       MaxResults, SupportFiltering: true, SupportPatch: true,
			AuthenticationSchemes: []scim.AuthenticationScheme{{Type: scim.AuthenticationTypeOauthBearerToken,
				Name: "OAuth Bearer Token", Description: "Authentication with a bearer token", Primary: true}},
		},
		ResourceTypes: []scim.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Description: optional.NewString("User Account"),
				Schema: schema.CoreUserSchema(), Handler: users{s}},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Description: optional.NewString("Group"),
				Schema: schema.CoreGroupSchema(), Handler: groups{s}},
		},
	})
	if err != nil {
		tb.Fatalf("scimtest: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim", sp))
	s.handler = s.guard(mux)
	s.srv = httptest.NewServer(s.handler)
	s.addr = s.srv.Listener.Addr().String()
	s.URL = s.srv.URL + "/scim/v2"
	tb.Cleanup(s.Down)
	return s
}

// writeError answers with a SCIM error body (RFC 7644 §3.12).
func writeError(w http.ResponseWriter, status int, scimType, detail string) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	body := map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
		"status": strconv.Itoa(status), "detail": detail}
	if scimType != "" {
		body["scimType"] = scimType
	}
	_ = json.NewEncoder(w).Encode(body)
}

// guard counts requests, applies the failure switch and checks the token.
// A wrong token is echoed in the 401 detail, as careless servers do, so that
// tests can prove clients keep it out of their errors.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[r.Method]++
		s.inFlight++
		s.maxIn = max(s.maxIn, s.inFlight)
		fail, failBody, delay := s.fail, s.failBody, s.delay
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inFlight--
			s.mu.Unlock()
		}()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		if fail != 0 {
			if fail == http.StatusTooManyRequests || fail == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "1")
			}
			writeError(w, fail, "", failBody)
			return
		}
		auth := r.Header.Get("Authorization")
		got, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || got != s.Token {
			writeError(w, http.StatusUnauthorized, "", fmt.Sprintf("the bearer token %q is not valid", got))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// FailWith makes every request answer status with a SCIM error whose detail
// is detail (503 and 429 add Retry-After: 1); status 0 ends the failure.
func (s *Server) FailWith(status int, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.failBody = status, detail
}

// Down stops the server: connections are refused until Up.
func (s *Server) Down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.CloseClientConnections()
		srv.Close()
	}
}

// Up starts a stopped server again on the same address, with its data.
func (s *Server) Up(tb testing.TB) {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		tb.Fatalf("scimtest: listen again on %s: %v", s.addr, err)
	}
	srv := httptest.NewUnstartedServer(s.handler)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	s.srv = srv
}

// Requests returns how many requests with the method (GET, PATCH, …) the
// server received, counting refused ones.
func (s *Server) Requests(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[method]
}

// SetDelay makes the server wait d before answering each request (0: no
// wait), so that concurrent requests overlap.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// MaxInFlight returns the most requests the server handled at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

// AddUser creates a user and returns its id; emails may be empty.
func (s *Server) AddUser(userName, externalID string, emails ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &User{ID: s.st.nextID("u"), UserName: userName, DisplayName: userName, ExternalID: externalID,
		Emails: emails, Active: true}
	s.st.addUser(u)
	return u.ID
}

// DeleteUser removes a user and its memberships, as an administrator of the
// target system would; it reports whether the user existed.
func (s *Server) DeleteUser(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.deleteUser(id)
}

// UserByName returns a copy of the user with the userName.
func (s *Server) UserByName(userName string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.st.userByName(userName); u != nil {
		c := *u
		c.Emails = slices.Clone(u.Emails)
		return c, true
	}
	return User{}, false
}

// AddGroup creates a group with the members (user ids) and returns its id.
func (s *Server) AddGroup(displayName string, members ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &Group{ID: s.st.nextID("g"), DisplayName: displayName, Members: slices.Clone(members)}
	s.st.addGroup(g)
	return g.ID
}

// Members returns the user ids of a group's members.
func (s *Server) Members(groupID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.st.groups[groupID]; ok {
		return slices.Clone(g.Members)
	}
	return nil
}

// IsMember reports whether the user is a member of the group.
func (s *Server) IsMember(groupID, userID string) bool {
	return slices.Contains(s.Members(groupID), userID)
}
