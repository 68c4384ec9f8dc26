package main

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// addServedFlags declares the flags of the commands that work through a
// served instance's API: --url (which instance), --token (as whom) and
// --poll (how often an operation's progress is read).
func addServedFlags(cmd *cobra.Command) {
	cmd.Flags().String("url", envOr("ENTITLED_URL", localURL()), "base URL of the served instance (env ENTITLED_URL; default: ENTITLED_ADDR on 127.0.0.1)")
	cmd.Flags().String("token", os.Getenv("ENTITLED_TOKEN"), "bearer token of the caller (env ENTITLED_TOKEN)")
	cmd.Flags().Duration("poll", 500*time.Millisecond, "how often to read the operation's progress")
}

// servedClient is the API client of --url and --token (its token is ""
// when neither --token nor ENTITLED_TOKEN gives one), and --poll.
func servedClient(cmd *cobra.Command) (*apiClient, time.Duration) {
	base, _ := cmd.Flags().GetString("url")
	token, _ := cmd.Flags().GetString("token")
	poll, _ := cmd.Flags().GetDuration("poll")
	return &apiClient{base: strings.TrimRight(base, "/"), token: token}, poll
}
