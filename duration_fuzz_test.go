package entitled_test

import (
	"errors"
	"testing"

	"github.com/entitled-dev/entitled"
)

// FuzzParseISODuration: any string is a duration from 0 to MaxDuration or
// an error; a duration read back from its own formatting is the same.
func FuzzParseISODuration(f *testing.F) {
	for _, s := range []string{"P14D", "PT8H", "P1DT12H", "PT0.5S", "P2W", "P36500D", "P36501D",
		"P99999999999D", "PT99999999999H", "PT1.000000001S", "PT0.0000000001S", "P1DT", "PT", "P", "p1dt1m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := entitled.ParseISODuration(s)
		if err != nil {
			if d != 0 || (len(s) < 4 && errors.Is(err, entitled.ErrDurationTooLong)) {
				t.Fatalf("%q: error %v with duration %v", s, err, d)
			}
			return
		}
		if d < 0 || d > entitled.MaxDuration {
			t.Fatalf("%q parsed to %v, outside 0..%v", s, d, entitled.MaxDuration)
		}
		back, err := entitled.ParseISODuration(entitled.FormatISODuration(d))
		if err != nil || back != d {
			t.Fatalf("%q → %v → %q → %v, %v", s, d, entitled.FormatISODuration(d), back, err)
		}
	})
}
