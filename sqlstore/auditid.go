package sqlstore

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Audit event ids are UUIDv7 whose timestamp is the event's own
// activityDateTime (to the millisecond), so the primary key orders events
// by time and a time range is an id range: the log needs no index on
// activity_date_time (docs/design.md, "Nothing is lost"). Events written
// before (version 00020) took the clock a moment after their time: their
// id is never earlier than their time, and later by at most the length of
// their transaction, which auditIDSlack bounds.
const auditIDSlack = time.Hour

// auditIDClock keeps ids made in the same millisecond in the order they
// were made: a counter, started at random each millisecond, fills the 42
// bits after the timestamp and version (the last 32 bits stay random).
var auditIDClock struct {
	sync.Mutex
	ms  int64
	seq uint64
}

// newAuditID returns the id of an audit event of time at.
func newAuditID(at time.Time) string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	ms := at.UnixMilli()
	auditIDClock.Lock()
	if ms != auditIDClock.ms {
		auditIDClock.ms, auditIDClock.seq = ms, binary.BigEndian.Uint64(r[:])>>24 // 40 bits: 2^41 more fit
	} else {
		auditIDClock.seq++
	}
	seq := auditIDClock.seq
	auditIDClock.Unlock()
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[0:8], uint64(ms)<<16|0x7000|(seq>>30)&0x0fff)
	binary.BigEndian.PutUint64(u[8:16], 0x8000_0000_0000_0000|(seq&(1<<30-1))<<32|uint64(binary.BigEndian.Uint32(r[4:])))
	return u.String()
}

// auditIDAt is the smallest id of an event of the millisecond of t: every
// event at or after t has an id at least this.
func auditIDAt(t time.Time) string {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[0:8], uint64(t.UnixMilli())<<16)
	return u.String()
}

// auditIDBound is the id range implied by a comparison of activity_date_time
// with the time literal v: ANDed to the comparison, it changes no answer and
// lets the primary key find the rows. It answers "" for no bound.
func auditIDBound(op string, v any) (string, []any) {
	s, ok := v.(string)
	if !ok {
		return "", nil
	}
	t := parseTime(s)
	if t.IsZero() {
		return "", nil
	}
	switch op {
	case ">", ">=":
		return "id >= ?", []any{auditIDAt(t)}
	case "<", "<=":
		return "id < ?", []any{auditIDBefore(t)}
	case "=":
		return "id >= ? AND id < ?", []any{auditIDAt(t), auditIDBefore(t)}
	}
	return "", nil
}

// auditIDBefore is an id above that of every event at or before t,
// auditIDSlack included for events written before version 00020.
func auditIDBefore(t time.Time) string {
	return auditIDAt(t.Add(auditIDSlack + time.Millisecond))
}
