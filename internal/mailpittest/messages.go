package mailpittest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Address is a sender or recipient as Mailpit reports it.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Message is one received message, read through Mailpit's API.
type Message struct {
	ID        string    `json:"ID"` // Mailpit's own id
	MessageID string    `json:"MessageID"`
	From      Address   `json:"From"`
	To        []Address `json:"To"`
	Subject   string    `json:"Subject"`
	Text      string    `json:"Text"`
	HTML      string    `json:"HTML"`
	// Headers holds every header, read separately (Message.Headers).
	Headers map[string][]string `json:"-"`
}

// Messages returns every message received so far, newest first, with
// their bodies and headers.
func (s *Server) Messages(tb testing.TB) []Message {
	tb.Helper()
	var list struct {
		Messages []struct {
			ID string `json:"ID"`
		} `json:"messages"`
	}
	s.get(tb, "/api/v1/messages?limit=1000", &list)
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full Message
		s.get(tb, "/api/v1/message/"+url.PathEscape(m.ID), &full)
		s.get(tb, "/api/v1/message/"+url.PathEscape(m.ID)+"/headers", &full.Headers)
		out = append(out, full)
	}
	return out
}

// WaitFor polls until at least n messages have arrived (or fails the test
// after timeout) and returns them all.
func (s *Server) WaitFor(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ms := s.Messages(tb)
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpittest: %d message(s) after %s, want %d", len(ms), timeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// DeleteAll removes every received message.
func (s *Server) DeleteAll(tb testing.TB) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodDelete, s.API+"/api/v1/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("mailpittest: delete messages: %v", err)
	}
	resp.Body.Close()
}

func (s *Server) get(tb testing.TB, path string, into any) {
	tb.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		tb.Fatalf("mailpittest: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("mailpittest: GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		tb.Fatalf("mailpittest: GET %s: %v", path, fmt.Sprint(err))
	}
}
