package webhook

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"

	"github.com/entitled-dev/entitled/internal/stdwebhook"
)

// protocolTarget is a webhook receiver on loopback that speaks the
// protocol: it verifies the Standard Webhooks headers (webhook-id,
// webhook-timestamp within five minutes, webhook-signature) and the legacy
// signature, keeps memberships, and knows a set of users (404 for others).
// The suite can stop and start it on the same address and make it answer
// every call with a status.
type protocolTarget struct {
	key  []byte
	addr string

	mu     sync.Mutex
	users  map[string]bool
	held   map[string]bool
	status int
	detail string
	srv    *http.Server
}

func newProtocolTarget(t *testing.T) *protocolTarget {
	t.Helper()
	key, err := stdwebhook.SigningKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	p := &protocolTarget{key: key, users: map[string]bool{"u1": true}, held: map[string]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() { p.stop() })
	return p
}

func (p *protocolTarget) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(p.handle)}
	p.mu.Lock()
	p.srv = srv
	p.mu.Unlock()
	go srv.Serve(ln)
}

func (p *protocolTarget) stop() {
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

func (p *protocolTarget) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}

func (p *protocolTarget) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status != 0 {
		w.WriteHeader(p.status)
		io.WriteString(w, p.detail)
		return
	}
	id, tsText := r.Header.Get(stdwebhook.IDHeader), r.Header.Get(stdwebhook.TimestampHeader)
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if id == "" || err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		http.Error(w, "missing or stale webhook-id or webhook-timestamp", http.StatusBadRequest)
		return
	}
	want := stdwebhook.Sign(p.key, id, ts, body)
	if !strings.Contains(" "+r.Header.Get(stdwebhook.SignatureHeader)+" ", " "+want+" ") || r.Header.Get(SignatureHeader) != Sign(secret, body) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var pl Payload
	if err := json.Unmarshal(body, &pl); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if !p.users[pl.Subject.ObjectID] {
		http.Error(w, "no such user", http.StatusNotFound)
		return
	}
	p.held[pl.Subject.ObjectID+"/"+pl.Resource.OriginID+"/"+pl.Role.OriginID] = pl.Action == entitled.ActionGrant
	w.WriteHeader(http.StatusNoContent)
}

func (p *protocolTarget) holds(key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held[key]
}

// faultTarget is the connector under test against a fresh protocol target,
// with credentials in its URL that no error may show.
func faultTarget(t *testing.T) (connectortest.FaultTarget, *protocolTarget) {
	p := newProtocolTarget(t)
	c := connector(t, map[string]any{"url": "http://admin:hunter2@" + p.addr + "/hook?token=qsecret", "secret": secret,
		"roles": []any{"Member", "Owner"}})
	g := grant
	g.Role = entitled.ResourceRoleRef{OriginID: "Owner", DisplayName: "Owner"}
	unknown := g
	unknown.Subject = entitled.Subject{ID: "ghost", ObjectID: "ghost"}
	return connectortest.FaultTarget{
		Target: connectortest.Target{Connector: c, Grant: g, Unknown: unknown,
			Holds: func(*testing.T) bool { return p.holds("u1/payroll/Owner") }},
		Stop:          func(*testing.T) { p.stop() },
		Start:         p.start,
		RemoveSubject: func(*testing.T) { p.mu.Lock(); delete(p.users, "u1"); p.mu.Unlock() },
		Secrets:       []string{secret, "qsecret", "hunter2", "admin:hunter2"},
	}, p
}

func TestConformance(t *testing.T) {
	connectortest.Run(t, func(t *testing.T) connectortest.Target {
		tg, _ := faultTarget(t)
		return tg.Target
	})
}

func TestFaultConformance(t *testing.T) {
	connectortest.RunFaults(t, func(t *testing.T) connectortest.FaultTarget {
		tg, _ := faultTarget(t)
		return tg
	})
}

func TestHTTPStatusConformance(t *testing.T) {
	connectortest.RunHTTPStatus(t, func(t *testing.T) connectortest.StatusTarget {
		tg, p := faultTarget(t)
		return connectortest.StatusTarget{Target: tg.Target, Secrets: tg.Secrets,
			Answer: func(_ *testing.T, status int, detail string) {
				p.mu.Lock()
				p.status, p.detail = status, detail
				p.mu.Unlock()
			}}
	})
}
