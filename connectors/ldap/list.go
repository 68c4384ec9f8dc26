package ldap

import (
	"context"
	"sort"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	goldap "github.com/go-ldap/ldap/v3"
)

// Page sizes of ListResources.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
	// serverPageSize is the page size of the simple paged results control
	// used to read the groups from the server.
	serverPageSize = 500
)

const tokenPrefix = "ldap1:"

// ListResources lists the groups below config.groupBaseDN (not the base
// entry itself) that match
// config.groupFilter (and, when search is given, whose cn or displayName
// contains it), ordered by DN. The groups are read from the server with the
// simple paged results control; the page returned is cut client-side, so the
// page token (the last DN returned) stays valid across connections.
func (c *Connector) ListResources(ctx context.Context, search, pageToken string, limit int) (entitled.ResourcePage, error) {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxListLimit)
	after, ok := connectors.DecodePageToken(tokenPrefix, pageToken)
	if !ok {
		return entitled.ResourcePage{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "$skipToken", Message: "the page token is not one this LDAP system returned; start again without it"}).WithKey("err.connector.ldapPageToken")
	}
	filter := c.cfg.GroupFilter
	if s := strings.TrimSpace(search); s != "" {
		e := goldap.EscapeFilter(s)
		filter = "(&" + filter + "(|(cn=*" + e + "*)(displayName=*" + e + "*)))"
	}
	req := goldap.NewSearchRequest(c.cfg.GroupBaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false,
		filter, groupAttrs, nil)
	var res *goldap.SearchResult
	err := c.pool.run(ctx, func(conn *goldap.Conn) (err error) {
		res, err = conn.SearchWithPaging(req, serverPageSize)
		return err
	})
	if code(err) == goldap.LDAPResultNoSuchObject {
		return entitled.ResourcePage{}, c.permanentf("listing LDAP groups: config.groupBaseDN %s does not exist", c.cfg.GroupBaseDN)
	}
	if err != nil {
		return entitled.ResourcePage{}, c.classify(err, "listing LDAP groups under "+c.cfg.GroupBaseDN)
	}
	type keyed struct {
		key string
		e   *goldap.Entry
	}
	all := make([]keyed, 0, len(res.Entries))
	for _, e := range res.Entries {
		if !c.scope.containsString(e.DN) {
			// The base entry itself, or whatever a server returns beyond it.
			continue
		}
		k := strings.ToLower(e.DN)
		if k > after {
			all = append(all, keyed{k, e})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].key < all[j].key })
	var page entitled.ResourcePage
	for i, k := range all {
		if i == limit {
			page.Next = connectors.EncodePageToken(tokenPrefix, all[i-1].key)
			break
		}
		page.Resources = append(page.Resources, c.info(k.e))
	}
	return page, nil
}

// Check dials and binds a new connection with the config's credentials and
// reads config.baseDN.
func (c *Connector) Check(ctx context.Context) error {
	const what = "checking the LDAP connection"
	conn, err := c.pool.dial(ctx)
	if err != nil {
		return c.classify(err, what)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	_, err = conn.Search(goldap.NewSearchRequest(c.cfg.BaseDN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	if code(err) == goldap.LDAPResultNoSuchObject {
		return c.permanentf("%s: config.baseDN %s does not exist", what, c.cfg.BaseDN)
	}
	if ctx.Err() != nil {
		return c.classify(ctx.Err(), what)
	}
	return c.classify(err, what)
}
