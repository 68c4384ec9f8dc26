package scim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/scimtest"
)

// benchAdds is the number of member adds per benchmark iteration.
const benchAdds = 2000

type benchEnv struct {
	srv      *scimtest.Server
	subjects []entitled.Subject
	ids      []string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	e := &benchEnv{srv: scimtest.New(b, token)}
	for i := 0; i < benchAdds; i++ {
		name := fmt.Sprintf("user%04d@example.com", i)
		e.ids = append(e.ids, e.srv.AddUser(name, "oid-"+name))
		e.subjects = append(e.subjects, entitled.Subject{ID: "oid-" + name, ObjectID: "oid-" + name, PrincipalName: name})
	}
	return e
}

func report(b *testing.B, start time.Time) {
	b.ReportMetric(float64(benchAdds*b.N)/time.Since(start).Seconds(), "adds/s")
}

// BenchmarkRawPatch adds 2000 members with one plain net/http PATCH each,
// user ids known in advance: the protocol's own rate on this server.
func BenchmarkRawPatch(b *testing.B) {
	e := newBenchEnv(b)
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	start := time.Now()
	for b.Loop() {
		gid := e.srv.AddGroup("bench")
		for _, uid := range e.ids {
			body := []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"` + uid + `"}]}]}`)
			req, _ := http.NewRequest(http.MethodPatch, e.srv.URL+"/Groups/"+gid, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", ContentType)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				b.Fatalf("HTTP %d", resp.StatusCode)
			}
		}
	}
	report(b, start)
}

// benchGrants adds the 2000 members through Connector.Grant, one at a time.
// cold makes a new connector per iteration, so every grant also looks its
// user up (GET /Users?filter=…).
func benchGrants(b *testing.B, cold bool) {
	e := newBenchEnv(b)
	cfg := map[string]any{"baseURL": e.srv.URL, "token": token}
	c, _ := NewKind(nil).New(&entitled.ConnectedSystem{Config: cfg})
	if !cold { // warm the user cache
		gid := e.srv.AddGroup("warm")
		for _, s := range e.subjects {
			if err := c.Grant(ctx, grantOf(s, gid)); err != nil {
				b.Fatal(err)
			}
		}
	}
	start := time.Now()
	for b.Loop() {
		if cold {
			c, _ = NewKind(nil).New(&entitled.ConnectedSystem{Config: cfg})
		}
		gid := e.srv.AddGroup("bench")
		for _, s := range e.subjects {
			if err := c.Grant(ctx, grantOf(s, gid)); err != nil {
				b.Fatal(err)
			}
		}
		if n := len(e.srv.Members(gid)); n != benchAdds {
			b.Fatalf("%d members", n)
		}
	}
	report(b, start)
}

// BenchmarkConnectorGrant: one Grant per member, each resolving its user.
func BenchmarkConnectorGrant(b *testing.B) { benchGrants(b, true) }

// BenchmarkConnectorGrantCached: one Grant per member, user ids cached.
func BenchmarkConnectorGrantCached(b *testing.B) { benchGrants(b, false) }

// BenchmarkConnectorBatch: the 2000 adds as one ApplyBatch (users resolved
// in parallel, PATCHes of 100 operations), with a cold user cache.
func BenchmarkConnectorBatch(b *testing.B) {
	e := newBenchEnv(b)
	cfg := map[string]any{"baseURL": e.srv.URL, "token": token}
	start := time.Now()
	for b.Loop() {
		c, _ := NewKind(nil).New(&entitled.ConnectedSystem{Config: cfg})
		gid := e.srv.AddGroup("bench")
		changes := make([]entitled.Change, len(e.subjects))
		for i, s := range e.subjects {
			changes[i] = entitled.Change{Action: entitled.ActionGrant, Grant: grantOf(s, gid)}
		}
		for i, err := range c.(*Connector).ApplyBatch(ctx, changes) {
			if err != nil {
				b.Fatalf("change %d: %v", i, err)
			}
		}
		if n := len(e.srv.Members(gid)); n != benchAdds {
			b.Fatalf("%d members", n)
		}
	}
	report(b, start)
}
