package main

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"
)

// nonNegative reads the duration flag name, refusing a negative one with
// an error that says what 0 means (zero, e.g. "keeps messages for ever").
func nonNegative(f *pflag.FlagSet, name, zero string) (time.Duration, error) {
	d, _ := f.GetDuration(name)
	if d < 0 {
		return 0, fmt.Errorf("--%s must not be negative (0 %s)", name, zero)
	}
	return d, nil
}
