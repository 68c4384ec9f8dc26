package connectors

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// What the HTTP connectors (SCIM, webhook) share about a call that failed.

// MaxErrorText is how much of a peer's answer becomes an error message.
const MaxErrorText = 1024

// ErrorText is the start of a peer's answer for an error message: at most
// MaxErrorText bytes, cut between whole UTF-8 characters, without the
// white space around it. It redacts nothing: callers pass it through their
// Redact.
func ErrorText(b []byte) string {
	if len(b) > MaxErrorText {
		b = b[:MaxErrorText]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	return strings.TrimSpace(string(b))
}

// TransientStatus reports whether repeating a call refused with this HTTP
// status may succeed: 408, 425, 429 and 5xx.
func TransientStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// NoAnswer says why an HTTP call got no answer.
type NoAnswer int

// The reasons ClassifyNoAnswer gives.
const (
	// Unreachable: the peer could not be reached or the connection broke;
	// the cause says how.
	Unreachable NoAnswer = iota
	// TimedOut: the call's time limit ran out.
	TimedOut
	// Canceled: the caller gave up (the delivery was stopped).
	Canceled
)

// ClassifyNoAnswer says why an HTTP call failed without an answer, and
// returns the cause without its *url.Error wrapper, which would repeat the
// full URL (and the secrets a URL may carry).
func ClassifyNoAnswer(err error) (NoAnswer, error) {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return TimedOut, err
	case errors.Is(err, context.Canceled):
		return Canceled, err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return Unreachable, err
}
