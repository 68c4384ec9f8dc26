package connectortest

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// CheckNoSecret fails the test when err's text or its delivery message
// contains any of secrets, plain or URL-escaped (as it would appear inside a
// connection string). Empty secrets are ignored.
func CheckNoSecret(t *testing.T, err error, secrets []string) {
	t.Helper()
	if err == nil {
		return
	}
	texts := []string{err.Error()}
	var de *entitled.DeliveryError
	if errors.As(err, &de) {
		texts = append(texts, de.Message)
	}
	var e *entitled.Error
	if errors.As(err, &e) {
		texts = append(texts, e.Message, e.Target)
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), url.UserPassword("u", s).String()[2:]} {
			for _, text := range texts {
				if strings.Contains(text, form) {
					t.Errorf("error %q contains a secret", text)
				}
			}
		}
	}
}

// WantClass fails the test unless err is a *entitled.DeliveryError of the
// given class with a non-empty message free of secrets.
func WantClass(t *testing.T, what string, err error, class entitled.ErrorClass, secrets []string) {
	t.Helper()
	var de *entitled.DeliveryError
	if !errors.As(err, &de) || de.Class != class || strings.TrimSpace(de.Message) == "" {
		t.Errorf("%s: %v, want a %s delivery error with a message", what, err, class)
		return
	}
	CheckNoSecret(t, err, secrets)
}
