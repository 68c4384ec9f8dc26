package sqlstore

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/entitled-dev/entitled"
)

// FuzzSkipToken: any $skiptoken is decoded or refused with a 400 on
// $skiptoken, and a decoded one is the id that encodes to it.
func FuzzSkipToken(f *testing.F) {
	for _, s := range []string{encodeSkipToken("01a2230e-0d69-7efe-9b67-030d86b7a6d4"), "", "=", "AA==", "@@@", "A", "MDFh", "x y", "00", encodeSkipToken("a\x00b"), encodeSkipToken("\xff\xfe")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := decodeSkipToken(tok)
		if err != nil {
			var e *entitled.Error
			if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Target != "$skiptoken" {
				t.Fatalf("%q: error %#v is not a 400 on $skiptoken", tok, err)
			}
			return
		}
		if tok != "" && (id == "" || encodeSkipToken(id) != tok || !utf8.ValidString(id) || strings.ContainsRune(id, 0)) {
			t.Fatalf("%q decoded to %q, which encodes to %q", tok, id, encodeSkipToken(id))
		}
		q, err := buildList(entitled.ListOptions{SkipToken: tok}, fields{}, "id", "")
		if err != nil || (tok != "" && len(q.args) != 1) {
			t.Fatalf("%q: list %+v, %v", tok, q, err)
		}
	})
}
