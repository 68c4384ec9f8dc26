package main

import (
	"os"

	"github.com/entitled-dev/entitled/i18n"
)

// cliLoc speaks the language of the environment (LC_ALL, LC_MESSAGES,
// LANG) in the CLI's messages for people; tokens, links and JSON lines
// are never translated.
func cliLoc() *i18n.Localizer { return i18n.ForEnv(os.Getenv) }
