package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// TestBrowserTimeZones: a browser in New York sees times in New York's
// zone (the server runs in UTC); a zone chosen on My profile wins; the
// request form's dates are days of that zone.
func TestBrowserTimeZones(t *testing.T) {
	w := newWorld(t)
	w.request("alice", w.crm, w.crmPolicy) // submitted 4 Mar 2031 09:00 UTC
	c := newChrome(t, w, desktopWidth, chromedp.Env("TZ=America/New_York"))
	c.signIn("alice")
	// The first page sets the browser's zone; the next ones use it.
	c.open("/requests", `main table tbody`)
	c.open("/requests", `main table tbody`)
	if got := c.text("main table tbody"); !strings.Contains(got, "4 Mar 2031 04:00 EST") {
		t.Fatalf("My requests in New York: %q", got)
	}
	c.open("/me", `#zone`)
	if got := c.text("main"); !strings.Contains(got, "America/New_York") {
		t.Errorf("My profile does not name the browser's zone: %q", got)
	}
	c.run("choose Tokyo", chromedp.SendKeys(chromedp.CSS(`#zone`), "Asia/Tokyo"), chromedp.Click(chromedp.CSS(`#save-zone`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)), c.shot("my-profile-zone"))
	c.open("/requests", `main table tbody`)
	if got := c.text("main table tbody"); !strings.Contains(got, "4 Mar 2031 18:00 JST") {
		t.Fatalf("My requests with Tokyo chosen: %q", got)
	}
}

// TestRequestFormDatesAreLocalDays: with a zone chosen, the start and end
// dates of the request form are days of that zone, and the form says so.
func TestRequestFormDatesAreLocalDays(t *testing.T) {
	w := newWorld(t)
	pol := w.schedulePolicy()
	alice := w.signIn("alice")
	u, _ := url.Parse(w.srv.URL)
	alice.c.Jar.SetCookies(u, []*http.Cookie{{Name: "entitled_tz_choice", Value: "Asia%2FTokyo", Path: "/"}})
	alice.get("/packages/"+w.wiki+"/request").see(t, 200, "Dates are days in your time zone, Asia/Tokyo")
	alice.submit("/packages/"+w.wiki+"/request", url.Values{"policy": {pol.ID}, "start": {"2031-04-01"}, "end": {"2031-04-30"}}).see(t, 303)
	rs, err := w.services.Requests.Requests(w.as("alice"), entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget})
	w.must(err)
	if len(rs.Items) != 1 || rs.Items[0].Schedule.StartDateTime == nil {
		t.Fatalf("requests: %+v", rs.Items)
	}
	r := rs.Items[0]
	if want := time.Date(2031, 3, 31, 15, 0, 0, 0, time.UTC); !r.Schedule.StartDateTime.Equal(want) {
		t.Errorf("start %v, want %v (00:00 in Tokyo)", r.Schedule.StartDateTime.UTC(), want)
	}
	if end := r.Schedule.Expiration.EndDateTime; end == nil || !end.Equal(time.Date(2031, 4, 30, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("end %v, want 2031-04-30 15:00 UTC (24:00 in Tokyo)", end)
	}
	alice.submit("/me/zone", url.Values{"zone": {"Mars/Olympus"}}).see(t, 400, "Mars/Olympus is not a time zone")
}
