package main

import (
	"net"
	"testing"
)

func TestParseBaseURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://entitled.example.com", "https://entitled.example.com"},
		{"https://entitled.example.com/", "https://entitled.example.com"},
		{"http://10.0.0.5:8080", "http://10.0.0.5:8080"},
		{" https://[::1]:8443 ", "https://[::1]:8443"},
		{"", ""},
		{"entitled.example.com", ""},
		{"ftp://entitled.example.com", ""},
		{"https://", ""},
		{"https:entitled.example.com", ""},
		{"https://entitled.example.com/prefix", ""},
		{"https://entitled.example.com?x=1", ""},
		{"https://entitled.example.com/?", ""},
		{"https://entitled.example.com#top", ""},
		{"https://user:pw@entitled.example.com", ""},
		{"//entitled.example.com", ""},
	} {
		got, err := parseBaseURL("--base-url", c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("%q accepted as %q", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestListenBaseURL(t *testing.T) {
	for _, c := range []struct {
		addr  string
		want  string
		local bool
	}{
		{"127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"0.0.0.0:8080", "http://127.0.0.1:8080", false},
		{"[::]:8080", "http://[::1]:8080", false},
		{"[::1]:9000", "http://[::1]:9000", true},
		{"10.1.2.3:80", "http://10.1.2.3:80", false},
	} {
		a, err := net.ResolveTCPAddr("tcp", c.addr)
		if err != nil {
			t.Fatal(err)
		}
		got, local := listenBaseURL(a)
		if got != c.want || local != c.local {
			t.Errorf("%s: %q, %v; want %q, %v", c.addr, got, local, c.want, c.local)
		}
	}
}
