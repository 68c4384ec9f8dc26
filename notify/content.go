package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/entitled-dev/entitled"
)

// data is what a message's texts may say: the placeholders of its
// catalogue entries.
type data struct {
	Recipient   string
	Target      string
	Requestor   string
	Package     string
	Catalog     string
	Reason      string // the requestor's justification, or the approver's reason of a denial
	Due         string // when an approval stage is denied automatically
	Deadline    string // the reprocess deadline
	End         string // when an assignment ends
	Count       int    // failed resources
	Failed      []string
	Link        string
	RequestLink string // "request again" link of a passed window
	Removal     bool   // the request removes access
	Partial     bool   // the request was partially delivered
}

// message is one message ready to send.
type message struct {
	Subject string
	Text    string
	HTML    string
}

// compose writes the message of a notice to one recipient in lang.
func (n *Notifier) compose(f *entitled.NoticeFacts, to entitled.User, lang string) (message, error) {
	cat := catalogueFor(lang)
	loc := locationOr(n.Location)
	d := data{
		Recipient: name(to), Target: name(f.Target), Requestor: name(f.Requestor), Package: f.PackageName,
		Catalog: f.CatalogName, Reason: f.Request.Justification, Count: len(f.Failed),
		Removal: f.Request.RequestType.IsRemove(), Partial: f.Request.State == entitled.StatePartiallyDelivered,
	}
	if f.Request.RequestorID == entitled.SystemActor.User.ID || d.Requestor == "" {
		d.Requestor = d.Target
	}
	if f.Notice.Event == entitled.NoticeDenied {
		d.Reason = f.Decision
	}
	if f.Stage != nil && f.Stage.DueDateTime != nil {
		d.Due = cat.date(*f.Stage.DueDateTime, loc)
	}
	if !f.ReprocessDeadline.IsZero() {
		d.Deadline = cat.date(f.ReprocessDeadline, loc)
	}
	if f.AssignmentEnd != nil {
		d.End = cat.date(*f.AssignmentEnd, loc)
	}
	if listsFailures(f.Notice.Event) {
		for _, dl := range f.Failed {
			d.Failed = append(d.Failed, fmt.Sprintf("%s (%s): %s", dl.Resource.DisplayName, dl.Role.DisplayName, oneLine(dl.LastError)))
		}
	}
	d.Link, d.RequestLink = n.links(f)
	ev := string(f.Notice.Event)
	var m message
	var err error
	if m.Subject, err = cat.text(ev+".subject", d); err != nil {
		return m, err
	}
	body, err := cat.text(ev+".body", d)
	if err != nil {
		return m, err
	}
	next, err := cat.text(ev+".next", d)
	if err != nil {
		return m, err
	}
	action, err := cat.text(ev+".action", d)
	if err != nil {
		return m, err
	}
	footer, _ := cat.text("footer", d)
	m.Text, m.HTML = layout(body, d.Failed, next, action, d.Link, d.RequestLink, cat.again, footer)
	return m, nil
}

// listsFailures reports whether the message of an event lists the failed
// resources (its body ends by introducing that list).
func listsFailures(e entitled.NoticeEvent) bool {
	return e == entitled.NoticeDeliveryFailed || e == entitled.NoticePartiallyDelivered ||
		e.Audience() == entitled.AudienceManagers
}

// links returns the one link the reader needs (and, once the reprocess
// window has passed, the link to request the package again).
func (n *Notifier) links(f *entitled.NoticeFacts) (link, again string) {
	base := strings.TrimRight(n.BaseURL, "/")
	r := url.PathEscape(f.Request.ID)
	switch f.Notice.Event.Audience() {
	case entitled.AudienceApprovers, entitled.AudienceEscalationApprovers:
		return base + "/approvals", ""
	case entitled.AudienceManagers:
		return base + "/governance/requests/" + r, ""
	}
	pkg := url.PathEscape(f.Request.AccessPackageID)
	switch f.Notice.Event {
	case entitled.NoticeExpiring, entitled.NoticeExpired:
		return base + "/", ""
	case entitled.NoticeReprocessWindowPassed:
		return base + "/requests/" + r, base + "/packages/" + pkg + "/request"
	}
	return base + "/requests/" + r, ""
}

// layout builds the plain-text and HTML bodies from the same parts.
func layout(body string, items []string, next, action, link, again, againLabel, footer string) (text, html string) {
	var t bytes.Buffer
	t.WriteString(body)
	t.WriteString("\n")
	for _, it := range items {
		fmt.Fprintf(&t, "  - %s\n", it)
	}
	if next != "" {
		fmt.Fprintf(&t, "\n%s\n", next)
	}
	fmt.Fprintf(&t, "\n%s: %s\n", action, link)
	if again != "" {
		fmt.Fprintf(&t, "%s: %s\n", againLabel, again)
	}
	if footer != "" {
		fmt.Fprintf(&t, "\n-- \n%s\n", footer)
	}
	var h bytes.Buffer
	if err := htmlLayout.Execute(&h, map[string]any{"Paragraphs": strings.Split(body, "\n\n"), "Items": items, "Next": next,
		"Action": action, "Link": link, "Again": again, "AgainLabel": againLabel, "Footer": footer}); err != nil {
		return t.String(), ""
	}
	return t.String(), h.String()
}

var htmlLayout = htmltemplate.Must(htmltemplate.New("mail").Parse(`<!doctype html>
<html><body style="font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.5; color: #1b1b1b; max-width: 40em">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Items}}<ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>
{{end}}{{if .Next}}<p>{{.Next}}</p>
{{end}}<p><a href="{{.Link}}" style="display: inline-block; padding: .5em 1em; background: #0b5cad; color: #fff; text-decoration: none; border-radius: 4px">{{.Action}}</a></p>
{{if .Again}}<p><a href="{{.Again}}">{{.AgainLabel}}</a></p>
{{end}}{{if .Footer}}<p style="color: #5c5c5c; font-size: 13px">{{.Footer}}</p>
{{end}}</body></html>
`))

// name is how a person is named in a message.
func name(u entitled.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.UserPrincipalName
}

// oneLine shortens a delivery error to one line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

func locationOr(l *time.Location) *time.Location {
	if l == nil {
		return time.UTC
	}
	return l
}

// render runs one catalogue entry.
func render(tmpl string, d data) (string, error) {
	t, err := template.New("").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}
