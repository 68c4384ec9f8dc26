package scim

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/scimtest"
)

const token = "tok-9f8e7d6c5b4a-secret"

// env is a scimtest server with two users and two groups, and a connector
// to it.
type env struct {
	srv      *scimtest.Server
	c        *Connector
	ada, bob string // SCIM user ids
	g1, g2   string // SCIM group ids
}

var (
	adaSubject = entitled.Subject{ID: "oid-ada", ObjectID: "oid-ada", DisplayName: "Ada Lovelace",
		Email: "ada@mail.example.com", PrincipalName: "ada@example.com", SubjectType: "user"}
	bobSubject = entitled.Subject{ID: "oid-bob", ObjectID: "oid-bob", DisplayName: "Bob",
		Email: "bob@mail.example.com", PrincipalName: "bob@example.com", SubjectType: "user"}
	ghostSubject = entitled.Subject{ID: "oid-ghost", ObjectID: "oid-ghost", DisplayName: "Ghost",
		Email: "ghost@mail.example.com", PrincipalName: "ghost@example.com", SubjectType: "user"}
)

func newEnv(t *testing.T, config map[string]any) *env {
	t.Helper()
	srv := scimtest.New(t, token)
	e := &env{srv: srv}
	e.ada = srv.AddUser(adaSubject.PrincipalName, adaSubject.ObjectID, adaSubject.Email)
	e.bob = srv.AddUser(bobSubject.PrincipalName, bobSubject.ObjectID, bobSubject.Email)
	e.g1 = srv.AddGroup("Engineering")
	e.g2 = srv.AddGroup("Payroll")
	cfg := map[string]any{"baseURL": srv.URL, "token": token}
	for k, v := range config {
		cfg[k] = v
	}
	e.c = connector(t, cfg)
	return e
}

func connector(t *testing.T, config map[string]any) *Connector {
	t.Helper()
	k := NewKind(nil)
	if err := k.Validate(config); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c, err := k.New(&entitled.ConnectedSystem{ID: "sys", Name: "app", Kind: KindName, Config: config})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*Connector)
}

func grantOf(s entitled.Subject, groupID string) entitled.Grant {
	return entitled.Grant{Subject: s,
		Resource:  entitled.ResourceRef{ID: "r-" + groupID, OriginID: groupID, DisplayName: groupID},
		Role:      entitled.ResourceRoleRef{ID: "rr", OriginID: RoleMember, DisplayName: RoleMember},
		RequestID: "req", DeliveryID: "d-" + groupID + "-" + s.ID, IdempotencyKey: "d-" + groupID + "-" + s.ID + "-1"}
}

// deliveryError returns err as a delivery error or fails the test.
func deliveryError(t *testing.T, err error, class entitled.ErrorClass) *entitled.DeliveryError {
	t.Helper()
	var de *entitled.DeliveryError
	if !errors.As(err, &de) || de.Class != class {
		t.Fatalf("error %v, want a %s delivery error", err, class)
	}
	if strings.Contains(err.Error(), token) {
		t.Fatalf("error %q contains the token", err)
	}
	return de
}

var ctx = context.Background()
