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
	var ids []string
	err := s.db.read(ctx, func(t *tx) error {
		var one int
		if err := t.queryRow(ctx, `SELECT 1 FROM groups WHERE id = ?`, groupID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return unknownGroup(groupID)
		} else if err != nil {
			return err
		}
		var err error
		ids, err = idList(ctx, t, `SELECT user_id FROM group_members WHERE group_id = ? AND user_id > ? ORDER BY user_id LIMIT ?`,
			groupID, after, limit)
		return err
	})
	if ids == nil && err == nil {
		ids = []string{}
	}
	return ids, err
}
