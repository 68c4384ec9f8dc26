package sqlstore

import (
	"context"
	"database/sql"
	"errors"
)

// DirectoryGroupMembers lists the ids of a group's members after the id
// given, ordered, at most limit, for the directory connector's
// reconciliation reads (no authorization: the engine calls it). An
// unknown group is a 404 *entitled.Error.
func (s *Membership) DirectoryGroupMembers(ctx context.Context, groupID, after string, limit int) ([]string, error) {
	var one int
	err := s.db.reader().QueryRowContext(ctx, s.db.rebind(`SELECT 1 FROM groups WHERE id = ?`), groupID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unknownGroup(groupID)
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.db.reader().QueryContext(ctx, s.db.rebind(`SELECT user_id FROM group_members
		WHERE group_id = ? AND user_id > ? ORDER BY user_id LIMIT ?`), groupID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
