package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// userWire is Graph's user.
type userWire struct {
	ID                string  `json:"id"`
	UserPrincipalName string  `json:"userPrincipalName"`
	DisplayName       string  `json:"displayName"`
	Mail              *string `json:"mail"`
	AccountEnabled    bool    `json:"accountEnabled"`
	CreatedDateTime   *string `json:"createdDateTime,omitempty"`
	PreferredLanguage *string `json:"preferredLanguage"`
}

func toUser(u entitled.User) userWire {
	w := userWire{ID: u.ID, UserPrincipalName: u.UserPrincipalName, DisplayName: u.DisplayName,
		AccountEnabled: u.AccountEnabled, CreatedDateTime: fmtTime(u.CreatedDateTime)}
	w.Mail = orNull(u.Mail)
	w.PreferredLanguage = orNull(u.PreferredLanguage)
	return w
}

// userInput is the body of POST and PATCH on users.
type userInput struct {
	UserPrincipalName *string `json:"userPrincipalName"`
	DisplayName       *string `json:"displayName"`
	Mail              *string `json:"mail"`
	AccountEnabled    *bool   `json:"accountEnabled"`
	PreferredLanguage *string `json:"preferredLanguage"`
}

// meInput is the body of PATCH /v1.0/me: what a user may change on
// themself.
type meInput struct {
	PreferredLanguage *string `json:"preferredLanguage"`
}

// groupWire is Graph's group.
type groupWire struct {
	ID              string  `json:"id"`
	DisplayName     string  `json:"displayName"`
	Description     *string `json:"description"`
	MailNickname    string  `json:"mailNickname"`
	SecurityEnabled bool    `json:"securityEnabled"`
	MailEnabled     bool    `json:"mailEnabled"`
	CreatedDateTime *string `json:"createdDateTime,omitempty"`
}

func toGroup(g entitled.Group) groupWire {
	w := groupWire{ID: g.ID, DisplayName: g.DisplayName, MailNickname: g.MailNickname, SecurityEnabled: true,
		CreatedDateTime: fmtTime(g.CreatedDateTime)}
	w.Description = orNull(g.Description)
	return w
}

type groupInput struct {
	DisplayName  *string `json:"displayName"`
	Description  *string `json:"description"`
	MailNickname *string `json:"mailNickname"`
}

// refInput is the body of a $ref write: {"@odata.id": ".../users/{id}"}.
type refInput struct {
	ODataID string `json:"@odata.id"`
}

// refID extracts the id from an @odata.id URL (its last path segment).
func refID(ref string) (string, error) {
	ref = strings.TrimRight(strings.TrimSpace(ref), "/")
	if ref == "" {
		return "", badProp("@odata.id", "@odata.id is required, e.g. https://host/v1.0/users/{id}").WithKey("err.directory.odataIdRequired")
	}
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	return ref, nil
}

func userConv(u entitled.User) (any, error) { return toUser(u), nil }

func (s *Server) registerDirectory() {
	rt := s.routes
	rt.handle("GET", "/v1.0/me", func(w http.ResponseWriter, r *http.Request, _ params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		a := entitled.ActorFrom(r.Context())
		u, err := s.svc.Users.User(r.Context(), a.User.ID)
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, "users", toUser(*u), q.Select)
	})
	rt.handle("PATCH", "/v1.0/me", func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in meInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		if in.PreferredLanguage != nil {
			if _, err := s.svc.Users.SetMyPreferredLanguage(r.Context(), *in.PreferredLanguage); err != nil {
				return err
			}
		}
		return noContent(w)
	})
	rt.handle("POST", "/v1.0/users", func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in userInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		u := &entitled.User{UserPrincipalName: str(in.UserPrincipalName), DisplayName: str(in.DisplayName),
			Mail: str(in.Mail), AccountEnabled: in.AccountEnabled == nil || *in.AccountEnabled, PreferredLanguage: str(in.PreferredLanguage)}
		if err := s.svc.Users.CreateUser(r.Context(), u); err != nil {
			return err
		}
		return s.created(w, r, "users", u.ID, toUser(*u))
	})
	// The user service is looked up per call, as the other user routes do.
	rt.handle("GET", "/v1.0/users", getPage(s, "users", func(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
		return s.svc.Users.Users(ctx, opt)
	}, userConv))
	rt.handle("GET", "/v1.0/users/{id}", getByID(s, "users", func(ctx context.Context, id string) (*entitled.User, error) {
		return s.svc.Users.User(ctx, id)
	}, toUser))
	rt.handle("PATCH", "/v1.0/users/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		var in userInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		_, err := s.svc.Users.UpdateUser(r.Context(), p["id"], entitled.UserUpdate{UserPrincipalName: in.UserPrincipalName,
			DisplayName: in.DisplayName, Mail: in.Mail, AccountEnabled: in.AccountEnabled, PreferredLanguage: in.PreferredLanguage})
		if err != nil {
			return err
		}
		return noContent(w)
	})
	rt.handle("DELETE", "/v1.0/users/{id}", onID(func(ctx context.Context, id string) error { return s.svc.Users.DeleteUser(ctx, id) }))
	rt.handle("GET", "/v1.0/users/{id}/manager", func(w http.ResponseWriter, r *http.Request, p params) error {
		m, err := s.svc.Users.Manager(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, "directoryObjects", toUser(*m), nil)
	})
	rt.handle("PUT", "/v1.0/users/{id}/manager/$ref", s.addRef(func(ctx context.Context, id, managerID string) error {
		return s.svc.Users.SetManager(ctx, id, managerID)
	}))
	rt.handle("DELETE", "/v1.0/users/{id}/manager/$ref", onID(func(ctx context.Context, id string) error { return s.svc.Users.RemoveManager(ctx, id) }))

	rt.handle("POST", "/v1.0/groups", func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in groupInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		g := &entitled.Group{DisplayName: str(in.DisplayName), Description: str(in.Description), MailNickname: str(in.MailNickname)}
		if err := s.svc.Groups.CreateGroup(r.Context(), g); err != nil {
			return err
		}
		return s.created(w, r, "groups", g.ID, toGroup(*g))
	})
	rt.handle("GET", "/v1.0/groups", getPage(s, "groups", s.svc.Groups.Groups, func(g entitled.Group) (any, error) { return toGroup(g), nil }))
	rt.handle("GET", "/v1.0/groups/{id}", getByID(s, "groups", s.svc.Groups.Group, toGroup))
	rt.handle("PATCH", "/v1.0/groups/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		var in groupInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		_, err := s.svc.Groups.UpdateGroup(r.Context(), p["id"], entitled.GroupUpdate{DisplayName: in.DisplayName,
			Description: in.Description, MailNickname: in.MailNickname})
		if err != nil {
			return err
		}
		return noContent(w)
	})
	rt.handle("DELETE", "/v1.0/groups/{id}", onID(s.svc.Groups.DeleteGroup))
}
