package connectors

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

type fakeKind struct {
	name  string
	built int
}

func (k *fakeKind) Name() string                         { return k.name }
func (k *fakeKind) SecretFields() []string               { return nil }
func (k *fakeKind) Validate(config map[string]any) error { return nil }
func (k *fakeKind) New(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	k.built++
	return &fakeConn{n: k.built}, nil
}

type fakeConn struct{ n int }

func (c *fakeConn) Describe(ctx context.Context, originID string) (entitled.ResourceInfo, error) {
	return entitled.ResourceInfo{}, nil
}
func (c *fakeConn) Grant(ctx context.Context, g entitled.Grant) error  { return nil }
func (c *fakeConn) Revoke(ctx context.Context, g entitled.Grant) error { return nil }

func TestRegistry(t *testing.T) {
	wh := &fakeKind{name: "webhook"}
	dir := &fakeKind{name: "directory"}
	r := NewRegistry(wh, dir)

	if got := r.Kinds(); !reflect.DeepEqual(got, []string{"directory", "webhook"}) {
		t.Fatalf("Kinds() = %v", got)
	}
	if k, ok := r.Kind("WebHook"); !ok || k != wh {
		t.Fatalf("Kind is not case-insensitive")
	}
	if _, ok := r.Kind("ldap"); ok {
		t.Fatalf("unknown kind found")
	}

	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sys := &entitled.ConnectedSystem{ID: "s1", Name: "hr", Kind: "Webhook", ModifiedDateTime: t0}
	c1, err := r.For(sys)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := r.For(sys)
	if c1 != c2 || wh.built != 1 {
		t.Fatalf("connector not cached: built %d times", wh.built)
	}
	sys.ModifiedDateTime = t0.Add(time.Second)
	c3, _ := r.For(sys)
	if c3 == c1 || wh.built != 2 {
		t.Fatalf("connector not rebuilt after modification")
	}

	_, err = r.For(&entitled.ConnectedSystem{ID: "s2", Name: "x", Kind: "ldap"})
	var de *entitled.DeliveryError
	if !errors.As(err, &de) || de.Class != entitled.Permanent {
		t.Fatalf("unknown kind: err = %v, want permanent", err)
	}
}
