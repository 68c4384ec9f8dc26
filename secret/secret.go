// Package secret seals values entitled keeps at rest (connector settings
// with passwords, tokens and DSNs) with AES-256-GCM under a key the
// operator provides (--secret-key-file or ENTITLED_SECRET_KEY). Each sealed
// value names the key that sealed it, so keys can be rotated: a keyring
// opens values of every key it holds and seals with its first.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// prefix starts every sealed value: "sealed:v1:<key id>:<base64 nonce+ciphertext>".
const prefix = "sealed:v1:"

// KeySize is the length of a key: 32 bytes (AES-256).
const KeySize = 32

// Key is one secret key and its id (the first 8 bytes of its SHA-256, in
// hex), which sealed values carry.
type Key struct {
	ID   string
	aead cipher.AEAD
}

// NewKey returns the key of 32 raw bytes.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("a secret key is %d bytes (base64: 44 characters); this one has %d", KeySize, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &Key{ID: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

// ParseKey reads a key written as base64 (what Generate prints), ignoring
// surrounding space.
func ParseKey(text string) (*Key, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, fmt.Errorf("a secret key is 32 random bytes in base64 (make one with `entitled secrets keygen`): %v", err)
	}
	return NewKey(raw)
}

// ReadKeyFile reads a key file (base64, as `entitled secrets keygen` writes).
func ReadKeyFile(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key file: %w", err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return k, nil
}

// Generate returns a new random key, in base64.
func Generate() (string, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// Keyring is the keys a server knows: it seals with the first and opens
// with whichever sealed a value. The zero Keyring has no key: it seals
// nothing (ErrNoKey) and opens only values that were never sealed.
type Keyring struct {
	keys []*Key
}

// NewKeyring returns a keyring sealing with keys[0].
func NewKeyring(keys ...*Key) *Keyring { return &Keyring{keys: keys} }

// ErrNoKey is the error of sealing without a key.
var ErrNoKey = errors.New("no secret key is configured: make one with `entitled secrets keygen > /path/key` " +
	"(keep it safe: without it the stored secrets cannot be read) and start serve with --secret-key-file /path/key " +
	"or ENTITLED_SECRET_KEY")

// Keys returns the keyring's keys, the sealing one first.
func (k *Keyring) Keys() []*Key {
	if k == nil {
		return nil
	}
	return append([]*Key(nil), k.keys...)
}

// HasKey reports whether the keyring can seal.
func (k *Keyring) HasKey() bool { return k != nil && len(k.keys) > 0 }

// KeyID is the id of the sealing key ("" without one).
func (k *Keyring) KeyID() string {
	if !k.HasKey() {
		return ""
	}
	return k.keys[0].ID
}

// Seal returns plaintext sealed with the first key.
func (k *Keyring) Seal(plaintext []byte) (string, error) {
	if !k.HasKey() {
		return "", ErrNoKey
	}
	key := k.keys[0]
	nonce := make([]byte, key.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	// The key id is authenticated with the value, so a sealed value cannot
	// be relabelled as another key's.
	out := key.aead.Seal(nonce, nonce, plaintext, []byte(key.ID))
	return prefix + key.ID + ":" + base64.StdEncoding.EncodeToString(out), nil
}

// IsSealed reports whether a stored value is sealed.
func IsSealed(stored string) bool { return strings.HasPrefix(stored, prefix) }

// SealedWith returns the key id of a sealed value ("" when not sealed).
func SealedWith(stored string) string {
	if !IsSealed(stored) {
		return ""
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(stored, prefix), ":")
	return id
}

// Open returns the plaintext of a stored value: a sealed value opened with
// the key that sealed it, or a value that was never sealed as it is.
func (k *Keyring) Open(stored string) ([]byte, error) {
	if !IsSealed(stored) {
		return []byte(stored), nil
	}
	id, data, ok := strings.Cut(strings.TrimPrefix(stored, prefix), ":")
	if !ok {
		return nil, errors.New("a sealed value is malformed")
	}
	if k != nil {
		for _, key := range k.keys {
			if key.ID != id {
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(data)
			if err != nil || len(raw) < key.aead.NonceSize() {
				return nil, errors.New("a sealed value is malformed")
			}
			n := key.aead.NonceSize()
			plain, err := key.aead.Open(nil, raw[:n], raw[n:], []byte(id))
			if err != nil {
				return nil, fmt.Errorf("a value sealed with key %s does not open: it was changed, or the key is not the one that sealed it", id)
			}
			return plain, nil
		}
	}
	return nil, fmt.Errorf("a stored secret is sealed with key %s, which this server does not have: start it with that key "+
		"(--secret-key-file), or restore the key file", id)
}
