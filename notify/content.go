package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// message is one message ready to send.
type message struct {
	Subject string
	Text    string
	HTML    string
}

// compose writes the message of a notice to one recipient in lang, from
// the catalogue's notice.EVENT.subject, .body, .next (where the event has
// one) and .action, with dates in lang and the notifier's time zone.
func (n *Notifier) compose(f *entitled.NoticeFacts, to entitled.User, lang string) (message, error) {
	return n.composeFor(f, to, lang, true)
}

// composeFor writes the message, or only its subject when whole is false:
// a message recorded without being sent (no mail server, no address)
// keeps only its subject, and the body would be written for nothing.
func (n *Notifier) composeFor(f *entitled.NoticeFacts, to entitled.User, lang string, whole bool) (message, error) {
	loc := i18n.For(lang).In(n.Location)
	target, requestor := name(f.Target), name(f.Requestor)
	if f.Request.RequestorID == entitled.SystemActor.User.ID || requestor == "" {
		requestor = target
	}
	justification := f.Request.Justification
	if justification == "" {
		justification = loc.T("common.noneGiven")
	}
	reason := ""
	if f.Notice.Event == entitled.NoticeDenied {
		reason = f.Decision
	}
	due, deadline, end := "", "", ""
	if f.Stage != nil && f.Stage.DueDateTime != nil {
		due = loc.DateTime(*f.Stage.DueDateTime)
	}
	if !f.ReprocessDeadline.IsZero() {
		deadline = loc.DateTime(f.ReprocessDeadline)
	}
	if f.AssignmentEnd != nil {
		end = loc.DateTime(*f.AssignmentEnd)
	}
	args := []i18n.Arg{
		i18n.V("Recipient", name(to)), i18n.V("Target", target), i18n.V("Requestor", requestor), i18n.V("ForOther", target != requestor),
		i18n.V("Package", f.PackageName), i18n.V("Catalog", f.CatalogName), i18n.V("Justification", justification), i18n.V("Reason", reason),
		i18n.V("Due", due), i18n.V("Deadline", deadline), i18n.V("End", end),
		i18n.V("Removal", f.Request.RequestType.IsRemove()), i18n.V("Partial", f.Request.State == entitled.StatePartiallyDelivered),
	}
	var items []string
	switch aud := f.Notice.Event.Audience(); {
	case listsFailures(f.Notice.Event):
		for _, dl := range f.Failed {
			items = append(items, fmt.Sprintf("%s (%s): %s", dl.Resource.DisplayName, dl.Role.DisplayName, oneLine(dl.LastError)))
		}
	case aud == entitled.AudienceApprovers || aud == entitled.AudienceEscalationApprovers:
		items = answerLines(f.Request.Answers, loc.T("punct.colon"))
	}
	link, again := n.links(f)
	prefix := "notice." + string(f.Notice.Event) + "."
	text := func(part string) (string, error) {
		key := prefix + part
		if !i18n.Defined(key) {
			if part == "next" {
				return "", nil
			}
			return "", fmt.Errorf("notify: the catalogue has no message %s", key)
		}
		return strings.TrimSpace(loc.T(key, args...)), nil
	}
	var m message
	if !whole {
		var err error
		m.Subject, err = text("subject")
		return m, err
	}
	var parts [4]string
	for i, part := range []string{"subject", "body", "next", "action"} {
		s, err := text(part)
		if err != nil {
			return m, err
		}
		parts[i] = s
	}
	m.Subject = parts[0]
	if len(items) > 0 && !listsFailures(f.Notice.Event) {
		parts[1] += "\n\n" + loc.T("notice.answers")
	}
	m.Text, m.HTML = layout(parts[1], items, parts[2], parts[3], link, again, loc.T("notice.again"), loc.T("notice.footer"), loc.T("punct.colon"))
	return m, nil
}

// answerLines reads the requestor's answers to the policy's questions
// (Graph's accessPackageAnswer array, kept as sent) as "question: answer"
// lines; unreadable answers are left out.
func answerLines(raw, colon string) []string {
	var answers []struct {
		Value            any    `json:"value"`
		DisplayValue     string `json:"displayValue"`
		AnsweredQuestion struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"answeredQuestion"`
	}
	if strings.TrimSpace(raw) == "" || json.Unmarshal([]byte(raw), &answers) != nil {
		return nil
	}
	var out []string
	for _, a := range answers {
		q := a.AnsweredQuestion.Text
		if q == "" {
			q = a.AnsweredQuestion.ID
		}
		v := a.DisplayValue
		if v == "" && a.Value != nil {
			v = fmt.Sprint(a.Value)
		}
		if q == "" || v == "" {
			continue
		}
		out = append(out, oneLine(q)+colon+" "+oneLine(v))
	}
	return out
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

// layout builds the plain-text and HTML bodies from the same parts; colon
// is the language's colon (" :" in French).
func layout(body string, items []string, next, action, link, again, againLabel, footer, colon string) (text, html string) {
	var t bytes.Buffer
	t.WriteString(body)
	t.WriteString("\n")
	for _, it := range items {
		fmt.Fprintf(&t, "  - %s\n", it)
	}
	if next != "" {
		fmt.Fprintf(&t, "\n%s\n", next)
	}
	fmt.Fprintf(&t, "\n%s%s %s\n", action, colon, link)
	if again != "" {
		fmt.Fprintf(&t, "%s%s %s\n", againLabel, colon, again)
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
