package directory

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Reconciliation (entitled.MemberLister): a group's members are user ids,
// read by pages of memberPageSize ordered by id; a page token holds the
// last id of its page.

// memberPageSize is how many members one page of Members holds.
const memberPageSize = 1000

// memberTokenPrefix marks the member page tokens of the directory.
const memberTokenPrefix = "dirm1:"

// Members reads one page of a group's members.
func (c *Connector) Members(ctx context.Context, resource entitled.ResourceRef, role entitled.ResourceRoleRef, pageToken string) (entitled.MemberPage, error) {
	groupID, _, err := target(entitled.Grant{Resource: resource, Role: role, Subject: entitled.Subject{ID: "-"}})
	if err != nil {
		return entitled.MemberPage{}, err
	}
	after := ""
	if pageToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(pageToken)
		if err != nil || !strings.HasPrefix(string(raw), memberTokenPrefix) {
			return entitled.MemberPage{}, entitled.Invalidf("the member page token is not one the directory returned").WithKey("err.connector.directoryMemberToken")
		}
		after = strings.TrimPrefix(string(raw), memberTokenPrefix)
	}
	ids, err := c.m.DirectoryGroupMembers(ctx, groupID, after, memberPageSize+1)
	if err != nil {
		return entitled.MemberPage{}, classify(err, groupID, "")
	}
	page := entitled.MemberPage{Members: ids}
	if len(ids) > memberPageSize {
		page.Members = ids[:memberPageSize]
		page.Next = base64.RawURLEncoding.EncodeToString([]byte(memberTokenPrefix + ids[memberPageSize-1]))
	}
	return page, nil
}

// MemberKeys returns the subjects' user ids: the directory lists members
// by id.
func (c *Connector) MemberKeys(_ context.Context, _ entitled.ResourceRoleRef, subjects []entitled.Subject) ([]string, error) {
	keys := make([]string, len(subjects))
	for i, s := range subjects {
		keys[i] = s.ObjectID
		if keys[i] == "" {
			keys[i] = s.ID
		}
	}
	return keys, nil
}

// RemoveMember removes the user whose id is key from the group.
func (c *Connector) RemoveMember(ctx context.Context, resource entitled.ResourceRef, role entitled.ResourceRoleRef, key string) error {
	return c.Revoke(ctx, entitled.Grant{Resource: resource, Role: role, Subject: entitled.Subject{ID: key, ObjectID: key}})
}

var _ entitled.MemberLister = (*Connector)(nil)
