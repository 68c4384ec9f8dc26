package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestCataloguesAreComplete: every event has a subject, a body and an
// action in every language, with the same placeholders.
func TestCataloguesAreComplete(t *testing.T) {
	for _, ev := range entitled.NoticeEvents() {
		for _, part := range []string{"subject", "body", "action", "next"} {
			key := string(ev) + "." + part
			en, enOK := english.entries[key]
			fr, frOK := french.entries[key]
			if part != "next" && (!enOK || !frOK) {
				t.Errorf("%s: English %v, French %v", key, enOK, frOK)
			}
			if enOK != frOK {
				t.Errorf("%s exists in one language only", key)
			}
			if got, want := placeholders(fr), placeholders(en); got != want {
				t.Errorf("%s: French uses %s, English %s", key, got, want)
			}
		}
	}
	for key := range english.entries {
		if _, ok := french.entries[key]; !ok {
			t.Errorf("%s has no French text", key)
		}
	}
	for key := range french.entries {
		if _, ok := english.entries[key]; !ok {
			t.Errorf("%s has no English text", key)
		}
	}
}

// placeholders lists the {{.Field}} names a text uses, sorted.
func placeholders(s string) string {
	seen := map[string]bool{}
	for _, part := range strings.Split(s, "{{")[1:] {
		for _, f := range strings.Fields(strings.SplitN(part, "}}", 2)[0]) {
			if strings.HasPrefix(f, ".") {
				seen[f] = true
			}
		}
	}
	var out []string
	for f := range seen {
		out = append(out, f)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return strings.Join(out, ",")
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
	if !strings.Contains(en.Text, "Dec 20, 2026 10:30 UTC") {
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
