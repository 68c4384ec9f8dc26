package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// Calls are signed per the Standard Webhooks specification (package
// stdwebhook: the webhook-id, webhook-timestamp and webhook-signature
// headers), and, for one more release, with the deprecated
// X-Entitled-Signature header below.

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
