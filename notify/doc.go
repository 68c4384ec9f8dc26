// Package notify turns notices (entitled.Notice, queued by the lifecycle in
// the transaction of the change that causes them) into messages: it loads
// what the notice says and who receives it, writes each message in the
// recipient's language, records it in the outbox and sends it by email
// when an SMTP server is configured. A notice worked twice (a retry after
// a transient SMTP failure, a crash) sends only what was not yet sent, and
// a resend carries the same Message-ID.
package notify
