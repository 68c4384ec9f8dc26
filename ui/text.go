package ui

import (
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// textOf says a Text in the reader's language: its catalogue message when
// it names one (placeholders that are times shown in the reader's language
// and time zone, nested Texts said the same way), else its Message.
func textOf(loc *i18n.Localizer, t entitled.Text) string {
	if t.Key == "" || !i18n.Defined(t.Key) {
		return t.Message
	}
	args := make(map[string]any, len(t.Args))
	for k, v := range t.Args {
		switch v := v.(type) {
		case time.Time:
			args[k] = loc.DateTime(v)
		case entitled.Text:
			args[k] = textOf(loc, v)
		default:
			args[k] = v
		}
	}
	return loc.T(t.Key, i18n.Map(args)...)
}
