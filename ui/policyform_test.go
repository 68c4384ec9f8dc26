package ui_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// policyFormWorld adds a group of approvers (bob in it) to the world and
// returns its id.
func policyFormWorld(w *world) string {
	sys := w.sys()
	g := &entitled.Group{DisplayName: "Sales approvers"}
	w.must(w.services.Groups.CreateGroup(sys, g))
	w.must(w.services.Groups.AddGroupMember(sys, g.ID, w.users["bob"].ID))
	return g.ID
}

// TestPolicyFormRoundTrips: without JavaScript, the form's buttons search
// approvers (users by name, groups by name, the requestor's manager), pick
// and remove them and add or remove stages, each time keeping everything
// typed; saving builds the stages and escalation asked for.
func TestPolicyFormRoundTrips(t *testing.T) {
	w := newWorld(t)
	group := policyFormWorld(w)
	admin := w.signIn("admin")
	path := "/governance/packages/" + w.wiki + "/policies/add"
	admin.get(path).see(t, 200, `id="no-approval"`, `id="add-stage"`)

	form := url.Values{"name": {"Two stages"}, "description": {"kept"}, "who": {"allMemberUsers"}, "expiration": {"days"}, "days": {"60"}}
	post := func(op string) page {
		t.Helper()
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("op", op)
		return admin.submit(path, f)
	}
	// Add a stage: it comes with 14 days before denial and empty lists.
	post("addStage").see(t, 200, `name="s1" value="0"`, `name="s1.deny" min="1" max="3650" value="14"`, `id="s1-primary-q"`, `value="Two stages"`, `value="60"`)
	form.Set("s1", "0")
	form.Set("s1.deny", "10")
	// Search groups and users by the start of their names.
	form.Set("s1.primary.q", "sales")
	found := post("search:s1.primary").see(t, 200, "Members of Sales approvers", `value="pick:s1.primary:group:`+group+`"`,
		`value="pick:s1.primary:manager"`, `value="Two stages"`)
	if strings.Contains(found.body, "pick:s1.primary:user:") {
		t.Error("a search for sales finds users")
	}
	form.Set("s1.primary.q", "bob@")
	post("search:s1.primary").see(t, 200, "Bob Approver", "bob@example.com", `value="pick:s1.primary:user:`+w.users["bob"].ID+`"`)
	// Enter in a search field searches it rather than saving.
	form.Set("s1.primary.q", "Sales")
	post("enter").see(t, 200, `value="pick:s1.primary:group:`+group+`"`)
	// Pick the group: a hidden field carries it, named in words; the search ends.
	picked := post("pick:s1.primary:group:"+group).see(t, 200, `name="s1.primary" value="group:`+group+`"`, "Members of Sales approvers")
	if strings.Contains(picked.body, `id="s1-primary-results"`) {
		t.Error("the search results stay after picking")
	}
	form.Del("s1.primary.q")
	form.Set("s1.primary", "group:"+group)
	// A second stage, then its removal, keeps the first.
	post("addStage").see(t, 200, `name="s2" value="0"`, `name="s1.primary" value="group:`+group+`"`)
	form.Set("s2", "0")
	form.Set("s2.deny", "5")
	post("removeStage:1").see(t, 200, `name="s1.deny" min="1" max="3650" value="5"`)
	// Remove an approver.
	if body := post("remove:s1.primary:group:" + group).body; strings.Contains(body, `name="s1.primary" value="group:`) {
		t.Error("the removed approver is still on the form")
	}
	// Save: stage 1 the group, stage 2 the requestor's manager escalating to alice after 3 days.
	form.Set("s2.primary", "manager")
	form.Set("s2.reason", "on")
	form.Set("s2.escalate", "on")
	form.Set("s2.escalateDays", "3")
	form.Set("s2.escalation", "user:"+w.users["alice"].ID)
	post("save").redirect(t, "/governance/packages/"+w.wiki+"/policies?done=policyAdded")
	var pol *entitled.AssignmentPolicy
	for _, p := range w.policiesOf(w.wiki) {
		if p.DisplayName == "Two stages" {
			pol = &p
		}
	}
	if pol == nil {
		t.Fatal("the policy was not created")
	}
	ap := pol.RequestApprovalSettings
	if !ap.IsApprovalRequiredForAdd || len(ap.Stages) != 2 || pol.Description != "kept" || pol.Expiration.Duration != 60*24*time.Hour {
		t.Fatalf("created policy: %+v", pol)
	}
	s1, s2 := ap.Stages[0], ap.Stages[1]
	if len(s1.PrimaryApprovers) != 1 || s1.PrimaryApprovers[0].GroupID != group || s1.DurationBeforeAutomaticDenial != 10*24*time.Hour || s1.IsEscalationEnabled {
		t.Errorf("stage 1: %+v", s1)
	}
	if len(s2.PrimaryApprovers) != 1 || s2.PrimaryApprovers[0].Type != entitled.SubjectRequestorManager || !s2.IsApproverJustificationRequired ||
		!s2.IsEscalationEnabled || s2.DurationBeforeEscalation != 3*24*time.Hour || len(s2.EscalationApprovers) != 1 ||
		s2.EscalationApprovers[0].UserID != w.users["alice"].ID || s2.DurationBeforeAutomaticDenial != 5*24*time.Hour {
		t.Errorf("stage 2: %+v", s2)
	}
}

// TestPolicyFormErrors: what is missing is said in words, in the reader's
// language, with the form as typed; a refusal of the policy service shows
// in the form too.
func TestPolicyFormErrors(t *testing.T) {
	w := newWorld(t)
	group := policyFormWorld(w)
	admin := w.signIn("admin")
	path := "/governance/packages/" + w.wiki + "/policies/add"
	admin.get(path)
	good := url.Values{"name": {"Checked"}, "who": {"allMemberUsers"}, "expiration": {"none"},
		"s1": {"0"}, "s1.primary": {"group:" + group}, "s1.deny": {"14"}}
	for _, c := range []struct {
		change     func(url.Values)
		en, fr     string
		alsoKeeps  string
		wantStatus int
	}{
		{func(f url.Values) { f.Del("s1.primary") }, "Stage 1 has no approver", "L&#39;étape 1 n&#39;a aucun approbateur", `value="Checked"`, 400},
		{func(f url.Values) { f.Set("s1.deny", "0") }, "stage 1 denies a request", "l&#39;étape 1 refuse", `value="group:` + group + `"`, 400},
		{func(f url.Values) { f.Set("s1.escalate", "on"); f.Set("s1.escalateDays", "2") }, "Stage 1 escalates to nobody",
			"L&#39;étape 1 n&#39;est réaffectée à personne", `value="2"`, 400},
		{func(f url.Values) {
			f.Set("s1.escalate", "on")
			f.Set("s1.escalateDays", "x")
			f.Set("s1.escalation", "manager")
		},
			"stage 1 escalates: a whole number", "l&#39;étape 1 réaffecte la demande", `value="manager"`, 400},
		{func(f url.Values) { f.Set("s1.primary", "nobody") }, "Stage 1 names an approver the form does not know",
			"L&#39;étape 1 nomme un approbateur inconnu", `value="Checked"`, 400},
		// The service refuses a group that does not exist (deleted since the search).
		{func(f url.Values) { f.Set("s1.primary", "group:no-such-group") }, "The policy was not saved:",
			"La stratégie n&#39;a pas été enregistrée", `value="group:no-such-group"`, 400},
	} {
		f := url.Values{}
		for k, v := range good {
			f[k] = append([]string(nil), v...)
		}
		c.change(f)
		admin.submit(path, f).see(t, c.wantStatus, c.en, c.alsoKeeps, `id="form-error"`)
		f.Set("csrf", admin.csrf)
		admin.post(path, f, "Accept-Language", "fr").see(t, c.wantStatus, c.fr, c.alsoKeeps)
	}
	if n := len(w.policiesOf(w.wiki)); n != 1 {
		t.Fatalf("%d policies after refused forms, want the world's 1", n)
	}
}

// TestPolicyEdit: the Policies tab links each policy to its edit form
// filled with it; saving replaces it through the policy service, keeping
// what the form does not show (questions, fallback approvers, on-behalf
// settings); another package's policy is not found through this one.
func TestPolicyEdit(t *testing.T) {
	w := newWorld(t)
	group := policyFormWorld(w)
	sys := w.sys()
	pol := &entitled.AssignmentPolicy{AccessPackageID: w.wiki, DisplayName: "Editors", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, AllowCustomAssignmentSchedule: true},
		RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{{
			DurationBeforeAutomaticDenial: 7 * 24 * time.Hour, IsEscalationEnabled: true, DurationBeforeEscalation: 2 * 24 * time.Hour,
			PrimaryApprovers:         []entitled.SubjectSet{{Type: entitled.SubjectGroupMembers, GroupID: group}},
			FallbackPrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: w.users["mia"].ID}},
			EscalationApprovers:      []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: w.users["bob"].ID}}}}},
		Questions:                        []entitled.Question{{Kind: entitled.QuestionTextInput, Text: "Which team?"}},
		Expiration:                       entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 30 * 24 * time.Hour},
		IsAssignmentNotificationDisabled: true}
	w.must(w.services.Policies.CreatePolicy(sys, pol))

	admin := w.signIn("admin")
	edit := "/governance/packages/" + w.wiki + "/policies/" + pol.ID + "/edit"
	quiet := "<dt>Requesters are emailed</dt><dd>No</dd>"
	admin.get("/governance/packages/"+w.wiki+"/policies").see(t, 200, `href="`+edit+`"`, quiet)
	admin.get(edit).see(t, 200, "Edit the policy", `value="Editors"`, `name="s1" value="1"`, `name="s1.primary" value="group:`+group+`"`,
		"Members of Sales approvers", `name="s1.deny" min="1" max="3650" value="7"`, `id="s1-escalate" name="s1.escalate" checked`,
		`name="s1.escalateDays" min="1" max="3650" value="2"`, `name="s1.escalation" value="user:`+w.users["bob"].ID+`"`,
		`id="expiration-days" name="expiration" value="days" checked`, `id="days" name="days" min="1" max="3650" value="30"`,
		`id="nomail" name="nomail" checked`)

	form := url.Values{"name": {"Wiki editors"}, "who": {"allMemberUsers"}, "expiration": {"days"}, "days": {"90"},
		"s1": {"1"}, "s1.primary": {"group:" + group}, "s1.deny": {"5"}, "s1.escalate": {"on"}, "s1.escalateDays": {"2"},
		"s1.escalation": {"user:" + w.users["bob"].ID}, "op": {"save"}}
	admin.submit(edit, form).redirect(t, "/governance/packages/"+w.wiki+"/policies?done=policySaved")
	got, err := w.services.Policies.Policy(sys, pol.ID)
	w.must(err)
	st := got.RequestApprovalSettings.Stages
	if got.DisplayName != "Wiki editors" || got.Expiration.Duration != 90*24*time.Hour || len(st) != 1 ||
		st[0].DurationBeforeAutomaticDenial != 5*24*time.Hour || len(got.Questions) != 1 ||
		!got.RequestorSettings.AllowCustomAssignmentSchedule || len(st[0].FallbackPrimaryApprovers) != 1 {
		t.Fatalf("edited policy: %+v", got)
	}
	if got.IsAssignmentNotificationDisabled {
		t.Error("the form was saved with the requesters' email box unticked, and the policy still keeps them quiet")
	}
	saved := admin.get("/governance/packages/" + w.wiki + "/policies?done=policySaved")
	saved.see(t, 200, "The policy was saved.", "Wiki editors", "5 days", "90 days", "<dt>Requesters are emailed</dt><dd>Yes</dd>")
	if strings.Contains(saved.body, quiet) {
		t.Error("the Policies tab still says requesters are not emailed")
	}

	// The world's other policy is not one of the CRM package.
	crm := w.pkg("CRM", "", "app-crm2")
	admin.get("/governance/packages/"+crm+"/policies/"+pol.ID+"/edit").see(t, 404)
	admin.submit("/governance/packages/"+crm+"/policies/"+pol.ID+"/edit", form).see(t, 404)
}
