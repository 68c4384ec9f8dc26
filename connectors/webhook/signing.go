package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
)

// Calls are signed per the Standard Webhooks specification
// (https://www.standardwebhooks.com): three headers that the published
// standardwebhooks libraries verify, so that a receiver can reject a forged,
// stale or repeated call.
const (
	// IDHeader is the call's id: the delivery's idempotency key, the same on
	// every retry of one run, so that receivers deduplicate by it.
	IDHeader = "webhook-id"
	// TimestampHeader is when the call was signed, in integer Unix seconds.
	TimestampHeader = "webhook-timestamp"
	// StandardSignatureHeader is a space-separated list of "v1,<signature>",
	// the base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}".
	StandardSignatureHeader = "webhook-signature"
)

// SecretPrefix marks a secret written the Standard Webhooks way: "whsec_"
// and the base64 of the key bytes.
const SecretPrefix = "whsec_"

// SigningKey returns the HMAC key of a config secret: the base64-decoded
// part of a "whsec_…" secret, or the UTF-8 bytes of any other secret (the
// form entitled accepted before; a receiver using a standardwebhooks
// library then takes "whsec_" + base64 of those bytes).
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

// SignStandard returns the webhook-signature value ("v1," and the base64
// HMAC-SHA256 of "{id}.{timestamp}.{body}") under key.
func SignStandard(key []byte, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Sign returns the value of the deprecated X-Entitled-Signature header:
// "sha256=" and the hex HMAC-SHA256 of body under the secret's UTF-8 bytes
// (the whole secret, "whsec_" included). It is still sent, for one release,
// beside the Standard Webhooks headers.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// newMessageID returns a fresh id for a call that has no idempotency key.
func newMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "msg_" + hex.EncodeToString(b)
}
