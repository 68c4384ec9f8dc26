package sqlstore

import (
	"encoding/json"

	"github.com/entitled-dev/entitled"
)

type jsonRetry struct {
	MaxAttempts    int    `json:"maxAttempts"`
	InitialBackoff string `json:"initialBackoff"`
	MaxBackoff     string `json:"maxBackoff"`
}

func encodeRetry(p entitled.RetryPolicy) string {
	b, _ := json.Marshal(jsonRetry{MaxAttempts: p.MaxAttempts, InitialBackoff: entitled.FormatISODuration(p.InitialBackoff),
		MaxBackoff: entitled.FormatISODuration(p.MaxBackoff)})
	return string(b)
}

// decodeRetry reads a stored retry policy; an empty document is the default.
func decodeRetry(s string) (entitled.RetryPolicy, error) {
	if s == "" || s == "{}" {
		return entitled.DefaultRetryPolicy, nil
	}
	var j jsonRetry
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return entitled.RetryPolicy{}, err
	}
	p := entitled.DefaultRetryPolicy
	if j.MaxAttempts > 0 {
		p.MaxAttempts = j.MaxAttempts
	}
	var err error
	if j.InitialBackoff != "" {
		if p.InitialBackoff, err = entitled.ParseISODuration(j.InitialBackoff); err != nil {
			return entitled.RetryPolicy{}, err
		}
	}
	if j.MaxBackoff != "" {
		if p.MaxBackoff, err = entitled.ParseISODuration(j.MaxBackoff); err != nil {
			return entitled.RetryPolicy{}, err
		}
	}
	return p, nil
}
