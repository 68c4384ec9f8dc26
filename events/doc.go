// Package events sends lifecycle events to event subscriptions: the
// lifecycle queues one send per event and matching subscription in the
// transaction of the change (sqlstore, events.go); the Sender claims the
// due ones, each the oldest pending send of its subscription and subject,
// POSTs it as a CloudEvents 1.0 JSON event signed per the Standard
// Webhooks specification, and records the outcome: sent, or tried again
// with backoff. A send whose sender dies is claimed again when its lease
// ends, so no event is lost; a receiver deduplicates by the event id
// (webhook-id), the same on every attempt.
package events
