package entitled

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var isoDuration = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// MaxDuration is the longest duration entitled accepts: 100 years of 365
// days (P36500D). Longer ones are refused rather than wrapped around.
const MaxDuration = 36500 * 24 * time.Hour

// ErrDurationTooLong is wrapped by ParseISODuration's error for a duration
// (or one of its parts) longer than MaxDuration.
var ErrDurationTooLong = errors.New("longer than the maximum of 100 years (P36500D)")

// ErrDurationYearsMonths is wrapped by ParseISODuration's error for a
// well-formed ISO 8601 duration with years or months (P1Y, P6M), which
// entitled does not accept: their length varies.
var ErrDurationYearsMonths = errors.New("has years or months, whose length varies; write it in weeks or days, such as P52W or P365D")

// calendarDuration is an ISO 8601 duration with a year or month part.
var calendarDuration = regexp.MustCompile(`^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$`)

// isoUnits are the lengths of the W, D, H and M parts of a duration.
var isoUnits = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute}

// ParseISODuration reads an ISO 8601 duration as Graph writes them ("P14D",
// "PT8H", "P1DT12H", "PT0.5S"). Years and months are refused: their length
// varies. A duration longer than MaxDuration, in any part or in the sum, is
// an error wrapping ErrDurationTooLong.
func ParseISODuration(s string) (time.Duration, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	m := isoDuration.FindStringSubmatch(u)
	if m == nil || u == "P" || strings.HasSuffix(u, "T") {
		if date, _, _ := strings.Cut(u, "T"); calendarDuration.MatchString(u) && strings.ContainsAny(date, "YM") && !strings.HasSuffix(u, "T") {
			return 0, fmt.Errorf("%q %w", s, ErrDurationYearsMonths)
		}
		return 0, fmt.Errorf("%q is not an ISO 8601 duration such as P14D or PT8H", s)
	}
	tooLong := fmt.Errorf("%q is %w", s, ErrDurationTooLong)
	var d time.Duration
	for i, unit := range isoUnits {
		if m[i+1] == "" {
			continue
		}
		// The pattern admits only digits, so ParseInt fails only on range.
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > int64(MaxDuration/unit) {
			return 0, tooLong
		}
		// d and the part are each at most MaxDuration: the sum cannot overflow.
		if d += time.Duration(n) * unit; d > MaxDuration {
			return 0, tooLong
		}
	}
	if m[5] != "" {
		secs, err := parseSeconds(m[5])
		if err != nil || secs > MaxDuration {
			return 0, tooLong
		}
		if d += secs; d > MaxDuration {
			return 0, tooLong
		}
	}
	return d, nil
}

// parseSeconds reads "S" or "S.F" exactly, to the nanosecond (digits past
// the ninth are dropped), without going through a float. It fails on an
// integer part too large for a duration.
func parseSeconds(s string) (time.Duration, error) {
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n > int64(MaxDuration/time.Second) {
		return 0, ErrDurationTooLong
	}
	if len(frac) > 9 {
		frac = frac[:9]
	}
	var ns int64
	if frac != "" {
		ns, _ = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64) // digits only, by the pattern
	}
	return time.Duration(n)*time.Second + time.Duration(ns), nil
}

// FormatISODuration writes a duration in ISO 8601 ("P14D", "PT1H30M", "PT0S").
func FormatISODuration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteString("P")
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if d == 0 {
		return b.String()
	}
	b.WriteString("T")
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dM", m)
		d -= m * time.Minute
	}
	if d > 0 {
		// Whole seconds, then the nanoseconds without trailing zeros: exact,
		// so that parsing the text gives d back.
		fmt.Fprintf(&b, "%d", d/time.Second)
		if ns := d % time.Second; ns > 0 {
			b.WriteString("." + strings.TrimRight(fmt.Sprintf("%09d", int64(ns)), "0"))
		}
		b.WriteString("S")
	}
	return b.String()
}
