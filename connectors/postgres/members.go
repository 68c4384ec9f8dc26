package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/entitled-dev/entitled"
)

// Reconciliation (entitled.MemberLister): a role's members are the names
// of the roles granted it (pg_auth_members), keyset-paged by name; the
// page token holds the last name of the page.

// memberPageSize is how many members one page of Members holds.
const memberPageSize = 1000

// Members reads one page of the roles granted the resource's role.
func (c *Connector) Members(ctx context.Context, resource entitled.ResourceRef, _ entitled.ResourceRoleRef, pageToken string) (entitled.MemberPage, error) {
	if err := checkIdentifier("resource's origin id (the PostgreSQL role name)", resource.OriginID); err != nil {
		return entitled.MemberPage{}, entitled.PermanentErrorf("%v", err)
	}
	after := ""
	if pageToken != "" {
		var err error
		if after, err = decodeToken(pageToken); err != nil {
			return entitled.MemberPage{}, err
		}
	}
	page := entitled.MemberPage{Members: []string{}}
	err := c.withConn(ctx, func(conn *pgxpool.Conn) error {
		page.Members = page.Members[:0]
		rows, err := conn.Query(ctx, `SELECT m.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid
			JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = $1 AND m.rolname > $2 ORDER BY m.rolname LIMIT $3`,
			resource.OriginID, after, memberPageSize+1)
		if err != nil {
			return err
		}
		var name string
		_, err = pgx.ForEachRow(rows, []any{&name}, func() error {
			page.Members = append(page.Members, name)
			return nil
		})
		return err
	})
	if err != nil {
		return entitled.MemberPage{}, err
	}
	if len(page.Members) > memberPageSize {
		page.Members = page.Members[:memberPageSize]
		page.Next = encodeToken(page.Members[memberPageSize-1])
	}
	return page, nil
}

// MemberKeys names each subject's PostgreSQL user by config.userTemplate;
// a subject the template cannot name has no key.
func (c *Connector) MemberKeys(_ context.Context, _ entitled.ResourceRoleRef, subjects []entitled.Subject) ([]string, error) {
	keys := make([]string, len(subjects))
	for i, s := range subjects {
		if u, err := c.cfg.User.User(s); err == nil {
			keys[i] = u
		}
	}
	return keys, nil
}

// RemoveMember revokes the resource's role from the role named key, once
// Describe has checked the resource is within config.roleFilter.
func (c *Connector) RemoveMember(ctx context.Context, resource entitled.ResourceRef, _ entitled.ResourceRoleRef, key string) error {
	if _, err := c.Describe(ctx, resource.OriginID); err != nil {
		return err
	}
	if err := checkIdentifier("member role name", key); err != nil {
		return entitled.PermanentErrorf("%v", err)
	}
	return c.withConn(ctx, func(conn *pgxpool.Conn) error {
		_, err := conn.Exec(ctx, "REVOKE "+pgx.Identifier{resource.OriginID}.Sanitize()+" FROM "+pgx.Identifier{key}.Sanitize())
		return err
	})
}

var _ entitled.MemberLister = (*Connector)(nil)
