package events

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/entitled-dev/entitled"
)

// ContentType is the media type of a CloudEvent in structured JSON mode.
const ContentType = "application/cloudevents+json"

// CloudEvent is the CloudEvents 1.0 JSON form of an event. Sequence is the
// "sequence" extension: the event's number among those of its subject sent
// to this subscription, as a string per that extension.
type CloudEvent struct {
	SpecVersion     string         `json:"specversion"`
	ID              string         `json:"id"`
	Source          string         `json:"source"`
	Type            string         `json:"type"`
	Subject         string         `json:"subject"`
	Time            string         `json:"time"`
	DataContentType string         `json:"datacontenttype"`
	Sequence        string         `json:"sequence"`
	Data            map[string]any `json:"data"`
}

// Encode returns the CloudEvent of ev from source (entitled's base URL):
// the same bytes for every attempt of a send.
func Encode(ev entitled.Event, source string) ([]byte, error) {
	return json.Marshal(CloudEvent{SpecVersion: "1.0", ID: ev.ID, Source: source, Type: entitled.EventTypePrefix + ev.Type,
		Subject: ev.Subject, Time: ev.Time.UTC().Format(time.RFC3339Nano), DataContentType: "application/json",
		Sequence: strconv.FormatInt(ev.Sequence, 10), Data: ev.Data})
}
