package connectors

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestErrorText: a peer's answer becomes at most MaxErrorText bytes of
// whole UTF-8 characters, trimmed.
func TestErrorText(t *testing.T) {
	long, split := strings.Repeat("x", MaxErrorText), strings.Repeat("x", MaxErrorText-1)
	for in, want := range map[string]string{
		"":                   "",
		"  no such group \n": "no such group",
		long + "and more":    long,
		split + "é and more": split, // é would straddle the cut
	} {
		if got := ErrorText([]byte(in)); got != want {
			t.Errorf("ErrorText(%.20q…) = %.20q… (%d bytes), want %d bytes", in, got, len(got), len(want))
		}
	}
}

// TestTransientStatus: 408, 425, 429 and 5xx are worth repeating; other
// refusals are not.
func TestTransientStatus(t *testing.T) {
	for code, want := range map[int]bool{400: false, 401: false, 403: false, 404: false, 409: false,
		408: true, 425: true, 429: true, 500: true, 502: true, 503: true} {
		if got := TransientStatus(code); got != want {
			t.Errorf("TransientStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

// TestClassifyNoAnswer: time limits and cancellations are told apart from
// an unreachable peer, whose cause loses the URL that would repeat secrets.
func TestClassifyNoAnswer(t *testing.T) {
	refused := errors.New("connect: connection refused")
	cases := []struct {
		name  string
		err   error
		want  NoAnswer
		cause string
	}{
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), TimedOut, ""},
		{"canceled", &url.Error{Op: "Post", URL: "https://u:p@example.com", Err: context.Canceled}, Canceled, ""},
		{"refused", &url.Error{Op: "Post", URL: "https://u:p@example.com", Err: refused}, Unreachable, refused.Error()},
	}
	for _, tc := range cases {
		why, cause := ClassifyNoAnswer(tc.err)
		if why != tc.want || (tc.cause != "" && cause.Error() != tc.cause) {
			t.Errorf("%s: ClassifyNoAnswer = %v, %v; want %v, %q", tc.name, why, cause, tc.want, tc.cause)
		}
	}
}
