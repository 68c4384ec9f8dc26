package main

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled"
)

// addTokenFlags adds the flags of a command that issues a token: --upn (the
// user it acts as), --ttl and --description, with the command's own usage
// and defaults.
func addTokenFlags(c *cobra.Command, upnUsage string, ttl time.Duration, description string) {
	c.Flags().String("upn", "", upnUsage)
	c.Flags().Duration("ttl", ttl, "lifetime of the token (0: no expiry)")
	c.Flags().String("description", description, "what the token is for, shown by token list")
}

// tokenRequestFlags reads the flags addTokenFlags added: --upn is required
// (upnMissing says so, and why) and --ttl must not be negative.
func tokenRequestFlags(c *cobra.Command, upnMissing string) (entitled.TokenRequest, error) {
	upn, _ := c.Flags().GetString("upn")
	desc, _ := c.Flags().GetString("description")
	if upn == "" {
		return entitled.TokenRequest{}, errors.New(upnMissing)
	}
	ttl, err := nonNegative(c.Flags(), "ttl", "means no expiry")
	if err != nil {
		return entitled.TokenRequest{}, err
	}
	return entitled.TokenRequest{User: upn, TTL: ttl, Description: desc}, nil
}

// tokenExpiry is when a new token expires, as the CLI prints it: RFC 3339
// in UTC, or "never".
func tokenExpiry(t *entitled.Token) string {
	if t.ExpiresDateTime == nil {
		return "never"
	}
	return t.ExpiresDateTime.UTC().Format(time.RFC3339)
}
