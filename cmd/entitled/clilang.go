package main

import (
	"errors"
	"os"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// cliLoc speaks the language of the environment (LC_ALL, LC_MESSAGES,
// LANG) in the CLI's messages for people; tokens, links and JSON lines
// are never translated.
func cliLoc() *i18n.Localizer { return i18n.ForEnv(os.Getenv) }

// errorText is how the CLI says err: an application error in the
// environment's language (its catalogue message, with its Graph code and
// target as they are), anything else as it is.
func errorText(err error, loc *i18n.Localizer) string {
	var e *entitled.Error
	if !errors.As(err, &e) || error(e) != err || e.MessageKey == "" {
		return err.Error()
	}
	msg := loc.TOr(e.Message, e.MessageKey, i18n.Map(e.KeyArgs())...)
	tr := *e
	tr.Message = msg
	return tr.Error()
}
