package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// TestCataloguesAreComplete: every event has a subject, a body and an
// action in the catalogue (i18n's tests check every language has the same
// keys with the same placeholders).
func TestCataloguesAreComplete(t *testing.T) {
	for _, ev := range entitled.NoticeEvents() {
		for _, part := range []string{"subject", "body", "action"} {
			if key := "notice." + string(ev) + "." + part; !i18n.Defined(key) {
				t.Errorf("%s is not in the catalogue", key)
			}
		}
	}
	for _, key := range []string{"notice.footer", "notice.again"} {
		if !i18n.Defined(key) {
			t.Errorf("%s is not in the catalogue", key)
		}
	}
}

func sampleFacts(ev entitled.NoticeEvent) *entitled.NoticeFacts {
	done := time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	due := done.Add(72 * time.Hour)
	end := done.Add(30 * 24 * time.Hour)
	return &entitled.NoticeFacts{
		Notice:      entitled.Notice{ID: "n1", Event: ev, RequestID: "r1", StageID: "s1"},
		Request:     entitled.AssignmentRequest{ID: "r1", RequestType: entitled.RequestUserAdd, State: entitled.StatePartiallyDelivered, AccessPackageID: "p1", Justification: "Quarter close", TargetID: "u1", RequestorID: "u1", CompletedDateTime: &done},
		PackageName: "Sales tools", CatalogName: "Sales",
		Target:    entitled.User{ID: "u1", DisplayName: "Alice Martin"},
		Requestor: entitled.User{ID: "u1", DisplayName: "Alice Martin"},
		Stage:     &entitled.ApprovalStageRecord{ID: "s1", Status: entitled.StageInProgress, DueDateTime: &due},
		Failed: []entitled.Delivery{{Resource: entitled.ResourceRef{DisplayName: "crm"}, Role: entitled.ResourceRoleRef{DisplayName: "Member"},
			LastError: "HTTP 503:\n  service unavailable"}},
		ReprocessDeadline: done.Add(14 * 24 * time.Hour),
		AssignmentEnd:     &end,
	}
}

// TestComposeEveryEvent writes every message in both languages: a subject,
// text and HTML with the one link the reader needs, the failed resources
// where there are some, dates in the reader's language.
func TestComposeEveryEvent(t *testing.T) {
	n := &Notifier{BaseURL: "https://entitled.example.org/"}
	wantLink := map[entitled.Audience]string{
		entitled.AudienceApprovers:           "https://entitled.example.org/approvals",
		entitled.AudienceEscalationApprovers: "https://entitled.example.org/approvals",
		entitled.AudienceManagers:            "https://entitled.example.org/governance/requests/r1",
		entitled.AudienceRequester:           "https://entitled.example.org/requests/r1",
	}
	for _, lang := range []string{"en", "fr-FR"} {
		for _, ev := range entitled.NoticeEvents() {
			f := sampleFacts(ev)
			m, err := n.compose(f, entitled.User{ID: "u2", DisplayName: "Bob"}, lang)
			if err != nil {
				t.Errorf("%s %s: %v", lang, ev, err)
				continue
			}
			if m.Subject == "" || strings.Contains(m.Subject, "\n") || !strings.Contains(m.Subject, "Sales tools") {
				t.Errorf("%s %s: subject %q", lang, ev, m.Subject)
			}
			link := wantLink[ev.Audience()]
			if ev == entitled.NoticeExpiring || ev == entitled.NoticeExpired {
				link = "https://entitled.example.org/"
			}
			if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
				t.Errorf("%s %s: link %s missing:\n%s", lang, ev, link, m.Text)
			}
			failures := ev == entitled.NoticeDeliveryFailed || ev == entitled.NoticePartiallyDelivered ||
				ev.Audience() == entitled.AudienceManagers
			if has := strings.Contains(m.Text, "crm (Member): HTTP 503: service unavailable"); has != failures {
				t.Errorf("%s %s: failed resource listed %v, want %v:\n%s", lang, ev, has, failures, m.Text)
			}
			if strings.Contains(m.Text, "<no value>") || strings.Contains(m.HTML, "<no value>") {
				t.Errorf("%s %s: a placeholder had no value:\n%s", lang, ev, m.Text)
			}
		}
	}
	fr, _ := n.compose(sampleFacts(entitled.NoticeManagersFailed), entitled.User{}, "fr")
	if !strings.Contains(fr.Text, "20 déc. 2026 10:30 UTC") || !strings.Contains(fr.Subject, "À retraiter") {
		t.Errorf("French managers' message: %q\n%s", fr.Subject, fr.Text)
	}
	en, _ := n.compose(sampleFacts(entitled.NoticeManagersFailed), entitled.User{}, "en-GB")
	if !strings.Contains(en.Text, "20 Dec 2026 10:30 UTC") {
		t.Errorf("English managers' message:\n%s", en.Text)
	}
	// HTML is escaped: a justification cannot inject markup.
	f := sampleFacts(entitled.NoticeApprovalPending)
	f.Request.Justification = `<script>alert(1)</script>`
	m, _ := n.compose(f, entitled.User{}, "en")
	if strings.Contains(m.HTML, "<script>") {
		t.Errorf("HTML not escaped:\n%s", m.HTML)
	}
}

// TestReaderLanguage: a user whose preferredLanguage is French gets the
// French email, dates in French and in the notifier's time zone; a user
// without one, or with a language entitled does not speak, gets English.
func TestReaderLanguage(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	n := &Notifier{BaseURL: "https://entitled.example.org/", Location: paris}
	for _, c := range []struct {
		pref, lang, subject, text string
	}{
		{"fr", "fr", "Approbation requise : Alice Martin demande Sales tools", "Décidez avant le 9 déc. 2026 11:30 CET"},
		{"fr-CA", "fr", "Approbation requise : Alice Martin demande Sales tools", "Examiner la demande : https://entitled.example.org/approvals"},
		{"", "en", "Approval needed: Alice Martin requests Sales tools", "Decide by 9 Dec 2026 11:30 CET"},
		{"de-DE", "en", "Approval needed: Alice Martin requests Sales tools", "Justification: Quarter close"},
	} {
		bob := entitled.User{ID: "u2", DisplayName: "Bob", PreferredLanguage: c.pref}
		if got := language(bob); got != c.lang {
			t.Errorf("preferredLanguage %q: language %q, want %q", c.pref, got, c.lang)
		}
		m, err := n.compose(sampleFacts(entitled.NoticeApprovalPending), bob, language(bob))
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != c.subject || !strings.Contains(m.Text, c.text) {
			t.Errorf("preferredLanguage %q: subject %q, want %q; text lacks %q:\n%s", c.pref, m.Subject, c.subject, c.text, m.Text)
		}
	}
}

// TestApproverSeesAnswers: the approver's message lists the requestor's
// answers to the policy's questions (Graph's answer array as sent); other
// messages do not, and answers that cannot be read are left out.
func TestApproverSeesAnswers(t *testing.T) {
	n := &Notifier{BaseURL: "https://entitled.example.org"}
	answers := `[{"@odata.type":"#microsoft.graph.accessPackageAnswerString","value":"Finance",
		"answeredQuestion":{"id":"q1","text":"Which team?"}},
		{"@odata.type":"#microsoft.graph.accessPackageAnswerString","value":"FR-12","displayValue":"Paris office",
		"answeredQuestion":{"id":"q2"}},
		{"value":"","answeredQuestion":{"text":"Empty"}}]`
	for _, c := range []struct{ lang, heading, first string }{
		{"en", "Answers to the questions:", "Which team?: Finance"},
		{"fr", "Réponses aux questions :", "Which team? : Finance"},
	} {
		f := sampleFacts(entitled.NoticeApprovalPending)
		f.Request.Answers = answers
		m, err := n.compose(f, entitled.User{}, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{c.heading, c.first, "q2", "Paris office", "<li>" + c.first + "</li>"} {
			if !strings.Contains(m.Text+m.HTML, want) {
				t.Errorf("%s: message lacks %q:\n%s", c.lang, want, m.Text)
			}
		}
		if strings.Contains(m.Text, "Empty") {
			t.Errorf("%s: an empty answer is listed:\n%s", c.lang, m.Text)
		}
	}
	f := sampleFacts(entitled.NoticeManagersFailed)
	f.Request.Answers = answers
	m, _ := n.compose(f, entitled.User{}, "en")
	if strings.Contains(m.Text, "Which team?") {
		t.Errorf("the managers' message lists answers:\n%s", m.Text)
	}
	if got := answerLines("not json", ":"); got != nil {
		t.Errorf("unreadable answers: %v", got)
	}
}
