package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// notificationWire is one message of the outbox: who was told what, and
// whether the mail server took it.
type notificationWire struct {
	ID               string  `json:"id"`
	NoticeID         string  `json:"noticeId"`
	Event            string  `json:"event"`
	RequestID        string  `json:"requestId"`
	RecipientID      string  `json:"recipientId"`
	RecipientAddress string  `json:"recipientAddress"`
	Language         string  `json:"language"`
	Subject          string  `json:"subject"`
	Status           string  `json:"status"`
	Error            string  `json:"error"`
	Attempts         int     `json:"attempts"`
	CreatedDateTime  *string `json:"createdDateTime"`
	ModifiedDateTime *string `json:"modifiedDateTime"`
}

func toNotificationWire(m entitled.Notification) notificationWire {
	return notificationWire{ID: m.ID, NoticeID: m.NoticeID, Event: string(m.Event), RequestID: m.RequestID,
		RecipientID: m.RecipientID, RecipientAddress: m.RecipientAddress, Language: m.Language, Subject: m.Subject,
		Status: m.Status, Error: m.Error, Attempts: m.Attempts, CreatedDateTime: fmtTime(m.CreatedDateTime),
		ModifiedDateTime: fmtTime(m.ModifiedDateTime)}
}

// registerNotifications serves the outbox: GET /api/v1/notifications.
func (s *Server) registerNotifications() {
	s.routes.handle("GET", apiBase+"/notifications", func(w http.ResponseWriter, r *http.Request, _ params) error {
		if s.svc.Notifications == nil {
			return entitled.NotFoundf("notifications are not available on this server").WithKey("err.service.noNotifications")
		}
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		pg, err := s.svc.Notifications.Notifications(r.Context(), q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, "", pg, q.Select, func(m entitled.Notification) (any, error) { return toNotificationWire(m), nil })
	})
}
