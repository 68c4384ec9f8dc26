package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// call is one grant or revoke the target received.
type call struct {
	Action   string `json:"action"`
	Subject  struct{ ObjectID, PrincipalName string }
	Resource struct{ OriginID string }
	Role     struct{ OriginID string }
	Request  string `json:"assignmentRequestId"`
	Delivery string `json:"deliveryId"`
	Key      string `json:"idempotencyKey"`
}

// target is a real HTTP application that receives entitled's webhook
// deliveries: it checks signatures, records every call, and answers with a
// chosen status per resource.
type target struct {
	srv    *httptest.Server
	secret string
	delay  time.Duration

	mu        sync.Mutex
	holdAfter int           // when > 0, calls past this many wait for gate
	gate      chan struct{} // closed by release
	held      int           // calls waiting at the gate
	calls     []call
	failWith  map[string]int // resource originId → status to answer
	inFlight  map[string]int // deliveryId → calls in progress
	overlaps  int            // calls that overlapped another of the same delivery
	badSigs   int
	received  []time.Time // every signed call, answered with success or not
}

func newTarget(t *testing.T, secret string) *target {
	tg := &target{secret: secret, failWith: map[string]int{}, inFlight: map[string]int{}}
	tg.srv = httptest.NewServer(http.HandlerFunc(tg.serve))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	mac := hmac.New(sha256.New, []byte(tg.secret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	var c call
	if err := json.Unmarshal(body, &c); err != nil {
		http.Error(w, "bad json", 400)
		return
	}
	tg.mu.Lock()
	if !hmac.Equal([]byte(r.Header.Get("X-Entitled-Signature")), []byte(want)) {
		tg.badSigs++
		tg.mu.Unlock()
		http.Error(w, "bad signature", 401)
		return
	}
	tg.received = append(tg.received, time.Now())
	tg.inFlight[c.Delivery]++
	if tg.inFlight[c.Delivery] > 1 {
		tg.overlaps++
	}
	status := tg.failWith[c.Resource.OriginID]
	gate := tg.gate
	if tg.holdAfter > 0 && len(tg.received) > tg.holdAfter {
		tg.held++
	} else {
		gate = nil
	}
	tg.mu.Unlock()

	if gate != nil {
		<-gate
	}
	if tg.delay > 0 {
		time.Sleep(tg.delay)
	}

	tg.mu.Lock()
	tg.inFlight[c.Delivery]--
	if status == 0 {
		tg.calls = append(tg.calls, c)
	}
	tg.mu.Unlock()
	if status != 0 {
		http.Error(w, "target unavailable", status)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// hold makes every call after the first n wait until release: a test sees
// work in flight for as long as it needs, however fast the machine.
func (tg *target) hold(t *testing.T, n int) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	tg.holdAfter, tg.gate = n, make(chan struct{})
	t.Cleanup(tg.release)
}

// release lets the held calls, and every later one, through.
func (tg *target) release() {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	if tg.gate != nil {
		close(tg.gate)
		tg.gate, tg.holdAfter = nil, 0
	}
}

// heldCalls returns how many calls have waited at the gate.
func (tg *target) heldCalls() int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.held
}

// fail makes the target answer status for a resource; 0 recovers it.
func (tg *target) fail(resource string, status int) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	if status == 0 {
		delete(tg.failWith, resource)
		return
	}
	tg.failWith[resource] = status
}

// count returns how many successful calls of action the target received for
// the resource and subject.
func (tg *target) count(action, resource, subject string) int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	n := 0
	for _, c := range tg.calls {
		if c.Action == action && c.Resource.OriginID == resource && c.Subject.ObjectID == subject {
			n++
		}
	}
	return n
}

// deliveries returns the distinct delivery ids granted successfully.
func (tg *target) grantedDeliveries() map[string]int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	out := map[string]int{}
	for _, c := range tg.calls {
		if c.Action == "grant" {
			out[c.Delivery]++
		}
	}
	return out
}

// receivedSince returns the times of the calls received since t, whatever
// they were answered.
func (tg *target) receivedSince(t time.Time) []time.Time {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	var out []time.Time
	for _, at := range tg.received {
		if !at.Before(t) {
			out = append(out, at)
		}
	}
	return out
}
