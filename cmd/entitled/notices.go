package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/spf13/pflag"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/mail"
)

// noticeOptions reads the notification flags of serve: the follow-up
// delays and, with --smtp, the mail sender (nil without it).
func noticeOptions(f *pflag.FlagSet, baseURL string) (entitled.NoticeSettings, *mail.Sender, error) {
	var s entitled.NoticeSettings
	on, _ := f.GetBool("notifications")
	s.Disabled = !on
	expiry, err := nonNegative(f, "expiry-warning", "turns it off")
	if err != nil {
		return s, nil, err
	}
	reminder, err := nonNegative(f, "reprocess-reminder", "turns it off")
	if err != nil {
		return s, nil, err
	}
	s.ExpiryWarning, s.DeadlineReminder = orNever(expiry), orNever(reminder)
	raw, _ := f.GetString("smtp")
	if raw == "" || s.Disabled {
		return s, nil, nil
	}
	cfg, err := mail.ParseURL(raw)
	if err != nil {
		return s, nil, fmt.Errorf("--smtp: %w", err)
	}
	cfg.From, _ = f.GetString("mail-from")
	if cfg.From == "" {
		host := "localhost"
		if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		cfg.From = "entitled <noreply@" + host + ">"
	}
	sender, err := mail.NewSender(cfg)
	if err != nil {
		return s, nil, fmt.Errorf("--mail-from: %w", err)
	}
	return s, sender, nil
}

// orNever maps a flag's 0 ("never") to the settings' negative.
func orNever(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
