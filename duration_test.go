package entitled_test

import (
	"errors"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestParseISODuration(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		in      string
		want    time.Duration
		tooLong bool // out of range: ErrDurationTooLong
		bad     bool // not a duration at all
		years   bool // ISO 8601 with years or months: ErrDurationYearsMonths
	}{
		{in: "P14D", want: 14 * day},
		{in: "PT8H", want: 8 * time.Hour},
		{in: "P1DT12H", want: 36 * time.Hour},
		{in: "PT0.5S", want: 500 * time.Millisecond},
		{in: "P2W", want: 14 * day},
		{in: "p1dt1m", want: day + time.Minute},
		{in: "P36500D", want: entitled.MaxDuration},
		{in: "PT876000H", want: entitled.MaxDuration},
		{in: "P5214W", want: 5214 * 7 * day},
		{in: "P36501D", tooLong: true},
		{in: "P36500DT1S", tooLong: true},
		{in: "P36499DT24H1M", tooLong: true},
		{in: "P5215W", tooLong: true},
		{in: "P99999999999D", tooLong: true},
		{in: "P9223372036854775807D", tooLong: true},
		{in: "P99999999999999999999999D", tooLong: true},
		{in: "PT99999999999H", tooLong: true},
		{in: "PT99999999999999M", tooLong: true},
		{in: "PT3153600001S", tooLong: true},
		{in: "PT1e400S", bad: true},
		{in: "PT99999999999999999999999999999999999999.5S", tooLong: true},
		{in: "P30000DT200000H", tooLong: true}, // each part in range, the sum is not
		{in: "P", bad: true},
		{in: "PT", bad: true},
		{in: "P1DT", bad: true},
		{in: "P1Y", years: true},
		{in: "P6M", years: true},
		{in: "p1y2m3dt4h", years: true},
		{in: "P1YT", bad: true},
		{in: "P1X", bad: true},
		{in: "PT1Y", bad: true},
		{in: "-P1D", bad: true},
		{in: "P-1D", bad: true},
		{in: "", bad: true},
	} {
		got, err := entitled.ParseISODuration(c.in)
		switch {
		case c.tooLong:
			if !errors.Is(err, entitled.ErrDurationTooLong) {
				t.Errorf("%q: got %v, %v; want ErrDurationTooLong", c.in, got, err)
			}
		case c.years:
			if !errors.Is(err, entitled.ErrDurationYearsMonths) {
				t.Errorf("%q: got %v, %v; want ErrDurationYearsMonths", c.in, got, err)
			}
		case c.bad:
			if err == nil || errors.Is(err, entitled.ErrDurationTooLong) || errors.Is(err, entitled.ErrDurationYearsMonths) {
				t.Errorf("%q: got %v, %v; want a syntax error", c.in, got, err)
			}
		default:
			if err != nil || got != c.want {
				t.Errorf("%q: got %v, %v; want %v", c.in, got, err, c.want)
			}
		}
	}
}

func TestFormatISODurationRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 90 * time.Minute, 14 * 24 * time.Hour, entitled.MaxDuration, 1500 * time.Millisecond} {
		s := entitled.FormatISODuration(d)
		got, err := entitled.ParseISODuration(s)
		if err != nil || got != d {
			t.Errorf("%v → %q → %v, %v", d, s, got, err)
		}
	}
}
