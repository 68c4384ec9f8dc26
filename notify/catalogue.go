package notify

import (
	"fmt"
	"strings"
	"time"
)

// catalogue holds the texts of the messages in one language. Each entry is
// a text/template over data; "EVENT.subject", "EVENT.body" and
// "EVENT.action" exist for every event, "EVENT.next" (after the list of
// failed resources) where it helps.
type catalogue struct {
	lang    string
	entries map[string]string
	months  [12]string
	// dateLayout formats a date, with %s for the month name.
	dateLayout func(t time.Time, month string) string
	again      string // label of the "request again" link
}

func (c *catalogue) text(key string, d data) (string, error) {
	tmpl, ok := c.entries[key]
	if !ok {
		if strings.HasSuffix(key, ".next") {
			return "", nil
		}
		return "", fmt.Errorf("notify: no %s text %q", c.lang, key)
	}
	return render(tmpl, d)
}

func (c *catalogue) date(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return c.dateLayout(t, c.months[t.Month()-1])
}

// catalogueFor returns the catalogue of a BCP 47 language tag: French for
// fr, fr-FR, fr-CA…, English otherwise.
func catalogueFor(lang string) *catalogue {
	if l := strings.ToLower(lang); l == "fr" || strings.HasPrefix(l, "fr-") || strings.HasPrefix(l, "fr_") {
		return french
	}
	return english
}

var english = &catalogue{
	lang:   "en",
	months: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	dateLayout: func(t time.Time, month string) string {
		return fmt.Sprintf("%s %d, %d %s", month, t.Day(), t.Year(), t.Format("15:04 MST"))
	},
	again: "Request it again",
	entries: map[string]string{
		"footer": "Sent by entitled because of your part in this request.",

		"approvalPending.subject": "Approval needed: {{.Requestor}} requests {{.Package}}",
		"approvalPending.body": "{{.Requestor}} requests the access package {{.Package}}{{if ne .Target .Requestor}} for {{.Target}}{{end}}.\n\n" +
			"Justification: {{or .Reason \"none given\"}}{{if .Due}}\n\nDecide by {{.Due}}, or the request is denied automatically.{{end}}",
		"approvalPending.action": "Review the request",

		"approvalReminder.subject": "Reminder: {{.Requestor}}'s request for {{.Package}} waits for you",
		"approvalReminder.body":    "{{.Requestor}}'s request for the access package {{.Package}} still waits for your decision.{{if .Due}} It is denied automatically on {{.Due}}.{{end}}",
		"approvalReminder.action":  "Review the request",

		"approvalEscalated.subject": "Escalated to you: {{.Requestor}} requests {{.Package}}",
		"approvalEscalated.body": "The approvers of this request did not decide in time, so it was escalated to you.\n\n" +
			"{{.Requestor}} requests the access package {{.Package}}{{if ne .Target .Requestor}} for {{.Target}}{{end}}. Justification: {{or .Reason \"none given\"}}" +
			"{{if .Due}}\n\nDecide by {{.Due}}, or the request is denied automatically.{{end}}",
		"approvalEscalated.action": "Review the request",

		"approved.subject": "Approved: {{.Package}}",
		"approved.body":    "The request of {{.Target}} for the access package {{.Package}} was approved. Access is being delivered; another message follows when it arrives.",
		"approved.action":  "See the request",

		"denied.subject": "Denied: {{.Package}}",
		"denied.body":    "The request of {{.Target}} for the access package {{.Package}} was denied.{{if .Reason}}\n\nReason: {{.Reason}}{{end}}",
		"denied.action":  "See the request",

		"delivered.subject": "{{if .Removal}}Access removed{{else}}Access granted{{end}}: {{.Package}}",
		"delivered.body":    "{{if .Removal}}{{.Target}} no longer has the access of {{.Package}}.{{else}}{{.Target}} now has the access of {{.Package}}.{{end}}",
		"delivered.action":  "See the request",

		"partiallyDelivered.subject": "Partly delivered: {{.Package}}",
		"partiallyDelivered.body":    "Part of the access of {{.Package}} for {{.Target}} could not be delivered. These resources failed:",
		"partiallyDelivered.next":    "The managers of the package have been told. They can reprocess the request until {{.Deadline}}.",
		"partiallyDelivered.action":  "See the request",

		"deliveryFailed.subject": "Not delivered: {{.Package}}",
		"deliveryFailed.body":    "The access of {{.Package}} for {{.Target}} could not be delivered. These resources failed:",
		"deliveryFailed.next":    "The managers of the package have been told. They can reprocess the request until {{.Deadline}}.",
		"deliveryFailed.action":  "See the request",

		"canceled.subject": "Canceled: {{.Package}}",
		"canceled.body":    "The request of {{.Target}} for the access package {{.Package}} was canceled.",
		"canceled.action":  "See the request",

		"expiring.subject": "Access ends {{.End}}: {{.Package}}",
		"expiring.body":    "The access of {{.Target}} to {{.Package}} ends on {{.End}}. To keep it, request it again before then.",
		"expiring.action":  "Open My Access",

		"expired.subject": "Access ended: {{.Package}}",
		"expired.body":    "The access of {{.Target}} to {{.Package}} ended on schedule.",
		"expired.action":  "Open My Access",

		"managersFailed.subject": "Reprocess needed: {{.Package}} for {{.Target}}",
		"managersFailed.body": "The request of {{.Target}} for {{.Package}} (catalog {{.Catalog}}) " +
			"{{if .Partial}}was only partly delivered{{else}}could not be delivered{{end}}. These resources failed:",
		"managersFailed.next":   "Reprocess it by {{.Deadline}}. After that, the requester must cancel it and request again.",
		"managersFailed.action": "Reprocess the request",

		"reprocessDeadline.subject": "Reprocess by {{.Deadline}}: {{.Package}} for {{.Target}}",
		"reprocessDeadline.body":    "The request of {{.Target}} for {{.Package}} (catalog {{.Catalog}}) is still not fully delivered. These resources failed:",
		"reprocessDeadline.next":    "It can be reprocessed until {{.Deadline}}.",
		"reprocessDeadline.action":  "Reprocess the request",

		"reprocessWindowPassed.subject": "Request again: {{.Package}}",
		"reprocessWindowPassed.body": "The request of {{.Target}} for {{.Package}} could not be fully delivered, and it can no longer be reprocessed. " +
			"Cancel it, then request the package again.",
		"reprocessWindowPassed.action": "Cancel the request",
	},
}

var french = &catalogue{
	lang:   "fr",
	months: [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	dateLayout: func(t time.Time, month string) string {
		return fmt.Sprintf("%d %s %d %s", t.Day(), month, t.Year(), t.Format("15:04 MST"))
	},
	again: "Refaire une demande",
	entries: map[string]string{
		"footer": "Envoyé par entitled parce que vous êtes concerné par cette demande.",

		"approvalPending.subject": "Approbation requise : {{.Requestor}} demande {{.Package}}",
		"approvalPending.body": "{{.Requestor}} demande le package d'accès {{.Package}}{{if ne .Target .Requestor}} pour {{.Target}}{{end}}.\n\n" +
			"Justification : {{or .Reason \"aucune\"}}{{if .Due}}\n\nDécidez avant le {{.Due}}, sinon la demande sera refusée automatiquement.{{end}}",
		"approvalPending.action": "Examiner la demande",

		"approvalReminder.subject": "Rappel : la demande de {{.Requestor}} pour {{.Package}} vous attend",
		"approvalReminder.body":    "La demande de {{.Requestor}} pour le package d'accès {{.Package}} attend toujours votre décision.{{if .Due}} Elle sera refusée automatiquement le {{.Due}}.{{end}}",
		"approvalReminder.action":  "Examiner la demande",

		"approvalEscalated.subject": "Demande transmise : {{.Requestor}} demande {{.Package}}",
		"approvalEscalated.body": "Les approbateurs de cette demande n'ont pas décidé à temps : elle vous a été transmise (escalade).\n\n" +
			"{{.Requestor}} demande le package d'accès {{.Package}}{{if ne .Target .Requestor}} pour {{.Target}}{{end}}. Justification : {{or .Reason \"aucune\"}}" +
			"{{if .Due}}\n\nDécidez avant le {{.Due}}, sinon la demande sera refusée automatiquement.{{end}}",
		"approvalEscalated.action": "Examiner la demande",

		"approved.subject": "Approuvée : {{.Package}}",
		"approved.body":    "La demande de {{.Target}} pour le package d'accès {{.Package}} a été approuvée. L'accès est en cours de remise ; un autre message suivra à son arrivée.",
		"approved.action":  "Voir la demande",

		"denied.subject": "Refusée : {{.Package}}",
		"denied.body":    "La demande de {{.Target}} pour le package d'accès {{.Package}} a été refusée.{{if .Reason}}\n\nMotif : {{.Reason}}{{end}}",
		"denied.action":  "Voir la demande",

		"delivered.subject": "{{if .Removal}}Accès retiré{{else}}Accès accordé{{end}} : {{.Package}}",
		"delivered.body":    "{{if .Removal}}{{.Target}} n'a plus l'accès du package {{.Package}}.{{else}}{{.Target}} a maintenant l'accès du package {{.Package}}.{{end}}",
		"delivered.action":  "Voir la demande",

		"partiallyDelivered.subject": "Remise partielle : {{.Package}}",
		"partiallyDelivered.body":    "Une partie de l'accès du package {{.Package}} pour {{.Target}} n'a pas pu être remise. Ressources en échec :",
		"partiallyDelivered.next":    "Les gestionnaires du package ont été prévenus. Ils peuvent retraiter la demande jusqu'au {{.Deadline}}.",
		"partiallyDelivered.action":  "Voir la demande",

		"deliveryFailed.subject": "Échec de la remise : {{.Package}}",
		"deliveryFailed.body":    "L'accès du package {{.Package}} pour {{.Target}} n'a pas pu être remis. Ressources en échec :",
		"deliveryFailed.next":    "Les gestionnaires du package ont été prévenus. Ils peuvent retraiter la demande jusqu'au {{.Deadline}}.",
		"deliveryFailed.action":  "Voir la demande",

		"canceled.subject": "Annulée : {{.Package}}",
		"canceled.body":    "La demande de {{.Target}} pour le package d'accès {{.Package}} a été annulée.",
		"canceled.action":  "Voir la demande",

		"expiring.subject": "Fin de l'accès le {{.End}} : {{.Package}}",
		"expiring.body":    "L'accès de {{.Target}} au package {{.Package}} prend fin le {{.End}}. Pour le conserver, refaites une demande avant cette date.",
		"expiring.action":  "Ouvrir Mon accès",

		"expired.subject": "Accès terminé : {{.Package}}",
		"expired.body":    "L'accès de {{.Target}} au package {{.Package}} a pris fin comme prévu.",
		"expired.action":  "Ouvrir Mon accès",

		"managersFailed.subject": "À retraiter : {{.Package}} pour {{.Target}}",
		"managersFailed.body": "La demande de {{.Target}} pour {{.Package}} (catalogue {{.Catalog}}) " +
			"{{if .Partial}}n'a été que partiellement remise{{else}}n'a pas pu être remise{{end}}. Ressources en échec :",
		"managersFailed.next":   "Retraitez-la avant le {{.Deadline}}. Ensuite, le demandeur devra l'annuler et refaire une demande.",
		"managersFailed.action": "Retraiter la demande",

		"reprocessDeadline.subject": "À retraiter avant le {{.Deadline}} : {{.Package}} pour {{.Target}}",
		"reprocessDeadline.body":    "La demande de {{.Target}} pour {{.Package}} (catalogue {{.Catalog}}) n'est toujours pas entièrement remise. Ressources en échec :",
		"reprocessDeadline.next":    "Elle peut être retraitée jusqu'au {{.Deadline}}.",
		"reprocessDeadline.action":  "Retraiter la demande",

		"reprocessWindowPassed.subject": "Nouvelle demande nécessaire : {{.Package}}",
		"reprocessWindowPassed.body": "La demande de {{.Target}} pour {{.Package}} n'a pas pu être entièrement remise et ne peut plus être retraitée. " +
			"Annulez-la, puis demandez à nouveau le package.",
		"reprocessWindowPassed.action": "Annuler la demande",
	},
}
