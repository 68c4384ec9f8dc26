package mail

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Config
		wantErr string
	}{
		{in: "smtp://mail.example.org", want: Config{Host: "mail.example.org", Port: 587, TLS: TLSStartTLS}},
		{in: "smtp://mail.example.org?tls=tls", want: Config{Host: "mail.example.org", Port: 465, TLS: TLSImplicit}},
		{in: "smtp://relay:2525?tls=none", want: Config{Host: "relay", Port: 2525, TLS: TLSNone}},
		{in: "smtp://relay?tls=none", want: Config{Host: "relay", Port: 25, TLS: TLSNone}},
		{in: "smtp://bob:s%40cret@mail.example.org:587?tls=starttls",
			want: Config{Host: "mail.example.org", Port: 587, TLS: TLSStartTLS, Username: "bob", Password: "s@cret"}},
		{in: "smtp://[::1]:25?tls=none", want: Config{Host: "::1", Port: 25, TLS: TLSNone}},
		{in: "smtps://mail.example.org", wantErr: "scheme must be smtp://"},
		{in: "mail.example.org:25", wantErr: "scheme"},
		{in: "smtp://", wantErr: "a host is required"},
		{in: "smtp://mail.example.org?tls=yes", wantErr: `tls="yes"`},
		{in: "smtp://mail.example.org?timeout=3", wantErr: `unknown parameter "timeout"`},
		{in: "smtp://mail.example.org:0", wantErr: "not a port number"},
		{in: "smtp://mail.example.org:70000", wantErr: "not a port number"},
		{in: "smtp://mail.example.org/inbox", wantErr: "unexpected path"},
	} {
		got, err := ParseURL(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseURL(%q) error = %v, want it to contain %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestPasswordNeverShown(t *testing.T) {
	c, err := ParseURL("smtp://bob:hunter2-secret@mail.example.org:587")
	if err != nil {
		t.Fatal(err)
	}
	if s := c.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "bob:xxxxx@") {
		t.Errorf("String() = %q: the password must be masked", s)
	}
	// A URL that does not parse must not echo its password either.
	_, err = ParseURL("smtp://bob:hunter2-secret@mail.example.org:port")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v shows the password", err)
	}
}

func TestParseFrom(t *testing.T) {
	if a, err := ParseFrom("entitled <noreply@example.org>"); err != nil || a.Name != "entitled" || a.Address != "noreply@example.org" {
		t.Errorf("ParseFrom = %v, %v", a, err)
	}
	if _, err := ParseFrom("noreply"); err == nil || !strings.Contains(err.Error(), "noreply@example.org") {
		t.Errorf("ParseFrom(noreply) error = %v, want a hint", err)
	}
}
