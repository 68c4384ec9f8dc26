package secret

import (
	"strings"
	"testing"
)

func mustKey(t *testing.T) *Key {
	t.Helper()
	text, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(text + "\n")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealAndOpen(t *testing.T) {
	old, cur := mustKey(t), mustKey(t)
	ring := NewKeyring(cur, old)
	sealed, err := ring.Seal([]byte(`{"bindPassword":"hunter2"}`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "hunter2") || !IsSealed(sealed) || SealedWith(sealed) != cur.ID {
		t.Fatalf("sealed value %q", sealed)
	}
	if plain, err := ring.Open(sealed); err != nil || string(plain) != `{"bindPassword":"hunter2"}` {
		t.Errorf("Open = %q, %v", plain, err)
	}
	// A value of the old key still opens (rotation).
	byOld, _ := NewKeyring(old).Seal([]byte("x"))
	if plain, err := ring.Open(byOld); err != nil || string(plain) != "x" {
		t.Errorf("old key's value: %q, %v", plain, err)
	}
	// Without the sealing key: a clear error naming the key.
	if _, err := NewKeyring(old).Open(sealed); err == nil || !strings.Contains(err.Error(), cur.ID) {
		t.Errorf("open without the key: %v", err)
	}
	if _, err := (&Keyring{}).Open(sealed); err == nil {
		t.Error("a keyring without keys opened a sealed value")
	}
	// Tampering is detected, including relabelling to another key id.
	tampered := sealed[:len(sealed)-4] + "AAAA"
	if _, err := ring.Open(tampered); err == nil {
		t.Error("a tampered value opened")
	}
	relabelled := strings.Replace(sealed, cur.ID, old.ID, 1)
	if _, err := ring.Open(relabelled); err == nil {
		t.Error("a value relabelled as another key's opened")
	}
	// Values never sealed pass through (databases from before sealing).
	if plain, err := (&Keyring{}).Open(`{"url":"x"}`); err != nil || string(plain) != `{"url":"x"}` {
		t.Errorf("plain value: %q, %v", plain, err)
	}
	if _, err := (&Keyring{}).Seal([]byte("x")); err != ErrNoKey {
		t.Errorf("seal without a key: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	for _, bad := range []string{"", "not base64!", "c2hvcnQ="} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}
