package postgres

import (
	"github.com/entitled-dev/entitled"
)

// A role is never granted, described or listed when holding it would put
// its members beyond governance: when the role itself, or a role it is a
// member of (directly or through other roles, since a member may SET ROLE to
// it or inherit its privileges), is
//
//   - SUPERUSER, CREATEROLE, REPLICATION or BYPASSRLS;
//   - the connector's own login role (current_user), which can grant every
//     managed role and whatever else it administers;
//   - pg_execute_server_program, pg_read_server_files or
//     pg_write_server_files, which reach the server's programs and files.
//
// This holds whatever config.roleFilter admits.

// privilegedJoin adds to a query over pg_roles r the columns priv_via (the
// nearest role that makes r privileged: r itself or one it belongs to) and
// priv_what (why), both NULL when r is not privileged. PostgreSQL forbids
// membership loops; the depth bound only keeps a damaged catalog finite.
const privilegedJoin = `LEFT JOIN LATERAL (
	WITH RECURSIVE up(id, depth) AS (
		SELECT r.oid, 0
		UNION ALL
		SELECT m.roleid, up.depth + 1 FROM pg_auth_members m JOIN up ON m.member = up.id WHERE up.depth < 64
	)
	SELECT a.rolname AS priv_via,
		CASE WHEN a.rolsuper THEN 'SUPERUSER'
			WHEN a.rolcreaterole THEN 'CREATEROLE'
			WHEN a.rolreplication THEN 'REPLICATION'
			WHEN a.rolbypassrls THEN 'BYPASSRLS'
			WHEN a.rolname = current_user THEN 'the connector''s own login role (config.dsn''s user)'
			ELSE 'a predefined role that reaches the server''s programs or files' END AS priv_what
	FROM up JOIN pg_roles a ON a.oid = up.id
	WHERE a.rolsuper OR a.rolcreaterole OR a.rolreplication OR a.rolbypassrls OR a.rolname = current_user
		OR a.rolname IN ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files')
	ORDER BY up.depth LIMIT 1
) p ON true`

// privilegedCols are the columns privilegedJoin adds, NULLs as "".
const privilegedCols = `coalesce(p.priv_via, ''), coalesce(p.priv_what, '')`

// escapes returns the permanent error for a privileged role, or nil.
func escapes(r role) error {
	switch {
	case r.privVia == "":
		return nil
	case r.privVia == r.name:
		return entitled.PermanentErrorf("the PostgreSQL role %q is %s: granting it would escape governance, so this system never grants it", r.name, r.privWhat)
	}
	return entitled.PermanentErrorf("the PostgreSQL role %q is a member of %q, which is %s: granting it would escape governance, so this system never grants it",
		r.name, r.privVia, r.privWhat)
}
