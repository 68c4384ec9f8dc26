// Package mail sends entitled's notification emails through an SMTP server
// (github.com/wneessen/go-mail): it parses the --smtp URL, turns a Message
// into a MIME message with a plain-text and an HTML part and a stable
// Message-ID, and classifies failures as transient (retry) or permanent.
//
// What to send and to whom is decided elsewhere (the notification rules of
// the root package); this package only carries a finished message.
package mail
