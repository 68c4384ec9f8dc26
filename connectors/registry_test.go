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

// closingConn counts Close calls.
type closingConn struct {
	entitled.Connector
	closed chan struct{}
}

func (c *closingConn) Close() error { close(c.closed); return nil }

type closingKind struct{ made []*closingConn }

func (k *closingKind) Name() string                  { return "closing" }
func (k *closingKind) SecretFields() []string        { return nil }
func (k *closingKind) Validate(map[string]any) error { return nil }
func (k *closingKind) New(*entitled.ConnectedSystem) (entitled.Connector, error) {
	c := &closingConn{closed: make(chan struct{})}
	k.made = append(k.made, c)
	return c, nil
}

// TestReplacedConnectorIsClosed: new settings build a new connector and the
// old one's pool is closed once deliveries had time to finish; Close closes
// the rest.
func TestReplacedConnectorIsClosed(t *testing.T) {
	old := RetireAfter
	RetireAfter = time.Millisecond
	t.Cleanup(func() { RetireAfter = old })
	k := &closingKind{}
	r := NewRegistry(k)
	sys := &entitled.ConnectedSystem{ID: "s1", Name: "s", Kind: "closing", ModifiedDateTime: time.Unix(1, 0)}
	if _, err := r.For(sys); err != nil {
		t.Fatal(err)
	}
	sys.ModifiedDateTime = time.Unix(2, 0)
	if _, err := r.For(sys); err != nil {
		t.Fatal(err)
	}
	if len(k.made) != 2 {
		t.Fatalf("%d connectors built, want 2", len(k.made))
	}
	select {
	case <-k.made[0].closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the replaced connector was never closed")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-k.made[1].closed:
	default:
		t.Fatal("Close did not close the current connector")
	}
}
