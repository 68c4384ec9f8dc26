// Package stdwebhook signs HTTP calls per the Standard Webhooks
// specification (https://www.standardwebhooks.com): three headers that the
// published standardwebhooks libraries verify, so that a receiver can
// reject a forged, stale or repeated call. The webhook connector and event
// subscriptions sign their calls with it.
package stdwebhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// The three headers of a signed call.
const (
	// IDHeader is the call's id: its idempotency key, the same on every
	// retry of one message, so that receivers deduplicate by it.
	IDHeader = "webhook-id"
	// TimestampHeader is when the call was signed, in integer Unix seconds.
	TimestampHeader = "webhook-timestamp"
	// SignatureHeader is a space-separated list of "v1,<signature>", the
	// base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}".
	SignatureHeader = "webhook-signature"
)

// SecretPrefix marks a secret written the Standard Webhooks way: "whsec_"
// and the base64 of the key bytes.
const SecretPrefix = "whsec_"

// SigningKey returns the HMAC key of a secret: the base64-decoded part of a
// "whsec_…" secret, or the UTF-8 bytes of any other secret (a receiver
// using a standardwebhooks library then takes "whsec_" + base64 of those
// bytes).
func SigningKey(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return []byte(secret), nil
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, errors.New("the part after whsec_ is not standard base64")
	}
	if len(key) == 0 {
		return nil, errors.New("the part after whsec_ is empty")
	}
	return key, nil
}

// Sign returns the webhook-signature value ("v1," and the base64
// HMAC-SHA256 of "{id}.{timestamp}.{body}") under key.
func Sign(key []byte, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}
