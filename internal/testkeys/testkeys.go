// Package testkeys gives tests the secret key that seals connector
// settings at rest, as a server's --secret-key-file would.
package testkeys

import "github.com/entitled-dev/entitled/secret"

// Text is the tests' key, base64 (for ENTITLED_SECRET_KEY).
const Text = "ZW50aXRsZWQtdGVzdHMtc2VjcmV0LWtleS0zMi1ieXQ="

// Keyring returns a keyring sealing with the tests' key.
func Keyring() *secret.Keyring {
	k, err := secret.ParseKey(Text)
	if err != nil {
		panic(err)
	}
	return secret.NewKeyring(k)
}
