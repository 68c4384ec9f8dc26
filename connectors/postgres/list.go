package postgres

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/entitled-dev/entitled"
)

// Page sizes of ListResources.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
	// scanChunk is how many pg_roles rows one query reads while filling a
	// page (config.roleFilter is applied in Go, so a page may need several).
	scanChunk = 500
)

// pageTokenPrefix marks page tokens of this connector.
const pageTokenPrefix = "pgrole:"

func encodeToken(lastName string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(pageTokenPrefix + lastName))
}

func decodeToken(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(b), pageTokenPrefix) {
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "pageToken",
			Message: "the page token is not one this connected system returned; start again without a token"}).WithKey("err.connector.pageToken")
	}
	return strings.TrimPrefix(string(b), pageTokenPrefix), nil
}

// ListResources lists the roles config.roleFilter admits that are not
// privileged (see privilegedJoin), in byte order of
// their names, keyset-paged: the page token holds the last name of the page.
// search keeps the roles whose name contains it, case-insensitively. limit
// defaults to 100 and is capped at 1000.
func (c *Connector) ListResources(ctx context.Context, search, pageToken string, limit int) (entitled.ResourcePage, error) {
	after := ""
	if pageToken != "" {
		var err error
		if after, err = decodeToken(pageToken); err != nil {
			return entitled.ResourcePage{}, err
		}
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	var page []role
	more := false
	err := c.withConn(ctx, func(conn *pgxpool.Conn) error {
		page, more = nil, false
		cursor := after
		for {
			// rolname is of type name, which sorts in byte order (collation "C").
			rows, err := conn.Query(ctx, `SELECT r.rolname, r.rolcanlogin, r.rolsuper, coalesce(shobj_description(r.oid, 'pg_authid'), ''), `+privilegedCols+`
				FROM pg_roles r `+privilegedJoin+`
				WHERE r.rolname > $1 AND NOT r.rolsuper AND ($2 = '' OR strpos(lower(r.rolname), lower($2)) > 0)
				ORDER BY r.rolname LIMIT $3`, cursor, search, scanChunk)
			if err != nil {
				return err
			}
			var r role
			n := 0
			_, err = pgx.ForEachRow(rows, []any{&r.name, &r.canLogin, &r.superuser, &r.description, &r.privVia, &r.privWhat}, func() error {
				n++
				cursor = r.name
				if len(page) > limit || !c.cfg.Filter.Match(r.name, r.canLogin, r.superuser) || escapes(r) != nil {
					return nil
				}
				page = append(page, r)
				return nil
			})
			if err != nil {
				return err
			}
			if len(page) > limit {
				page, more = page[:limit], true
				return nil
			}
			if n < scanChunk {
				return nil
			}
		}
	})
	if err != nil {
		return entitled.ResourcePage{}, err
	}
	out := entitled.ResourcePage{Resources: make([]entitled.ResourceInfo, 0, len(page))}
	for _, r := range page {
		out.Resources = append(out.Resources, resourceOf(r))
	}
	if more {
		out.Next = encodeToken(page[len(page)-1].name)
	}
	return out, nil
}
