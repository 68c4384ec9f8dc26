package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// getIn GETs a page with an Accept-Language header.
func (b *browser) getIn(lang, path string) page {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.w.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", lang)
	return b.do(req)
}

// TestPagesFollowTheReader: without a setting the browser's
// Accept-Language chooses the language (French here, English for an
// unsupported one); the user's preferredLanguage, saved on My profile,
// wins over the browser; "Automatic" gives the choice back to it. The
// sign-in page of a visitor follows the browser.
func TestPagesFollowTheReader(t *testing.T) {
	w := newWorld(t)
	alice := w.signIn("alice")
	alice.getIn("fr-FR,fr;q=0.9,en;q=0.8", "/").see(t, 200, `<html lang="fr">`, "Mon accès", "Les packages d&#39;accès que vous pouvez demander.", "Se déconnecter")
	alice.getIn("de-DE", "/").see(t, 200, `<html lang="en">`, "Access packages you can request.")
	alice.get("/requests").see(t, 200, `<html lang="en">`, "My requests")

	alice.getIn("en-US", "/me").see(t, 200, "My profile", `<option value="fr" lang="fr">Français</option>`)
	alice.submit("/me", url.Values{"language": {"fr"}}).redirect(t, "/me?done=languageSaved")
	if u, err := w.services.Users.User(w.sys(), w.users["alice"].ID); err != nil || u.PreferredLanguage != "fr" {
		t.Fatalf("preferredLanguage after saving: %v %v", u, err)
	}
	alice.getIn("en-US", "/me?done=languageSaved").see(t, 200, `<html lang="fr">`, "Votre langue a été enregistrée.", `<option value="fr" selected lang="fr">`)
	alice.getIn("en-US,en", "/requests").see(t, 200, "Mes demandes")

	alice.submit("/me", url.Values{"language": {"xx-YY"}}).see(t, 400, "entitled ne parle pas xx-YY")
	alice.submit("/me", url.Values{"language": {""}}).redirect(t, "/me?done=languageSaved")
	alice.getIn("en-US", "/requests").see(t, 200, "My requests")

	w.browser().getIn("fr", "/login").see(t, 200, "Se connecter à entitled")
	w.browser().getIn("fr", "/nowhere").see(t, 404, "Il n&#39;y a pas de page à cette adresse.", "Introuvable")
}

// TestFrenchRequestsTab: the Requests tab in French: states, statuses,
// types, dates, plural outcome heading and the reprocess outcome.
func TestFrenchRequestsTab(t *testing.T) {
	w := newWorld(t)
	id := w.request("alice", w.wiki, w.wikiPolicy)
	w.failDeliveries(id)
	mia := w.signIn("mia")
	lang := "fr"
	p := mia.getIn(lang, "/governance/packages/"+w.wiki+"/requests").see(t, 200, "Demandes", "Échec de la remise",
		"Ressources en échec", "HTTP 403: no such account in the CRM", "dans 14 jours", "À traiter (1)", "Retraiter la sélection", "Tous les états")
	if !regexp.MustCompile(`\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4} \d{2}:\d{2} UTC`).MatchString(p.body) {
		t.Errorf("no French date on the page:\n%s", p.body)
	}
	req, _ := http.NewRequest("POST", w.srv.URL+"/governance/packages/"+w.wiki+"/requests/reprocess",
		strings.NewReader(url.Values{"csrf": {mia.csrf}, "id": {id}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.srv.URL)
	req.Header.Set("Accept-Language", lang)
	mia.do(req).see(t, 200, "Retraitement : 1 sur 1 acceptée", "Acceptée : ses remises en échec sont renvoyées.")
}

// TestServiceErrorsInReaderLanguage: a service error with a catalogue key
// shows in the reader's language on the page (a justification the policy
// requires).
func TestServiceErrorsInReaderLanguage(t *testing.T) {
	w := newWorld(t)
	bob := w.signIn("alice")
	bob.getIn("fr", "/packages/"+w.crm+"/request")
	req, _ := http.NewRequest("POST", w.srv.URL+"/packages/"+w.crm+"/request",
		strings.NewReader(url.Values{"csrf": {bob.csrf}, "policy": {w.crmPolicy}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.srv.URL)
	req.Header.Set("Accept-Language", "fr")
	bob.do(req).see(t, 400, "exige une justification")
}
