package sqlstore

import (
	"database/sql/driver"
	"encoding/hex"
)

// On SQLite, a UUID is stored in 16 bytes instead of its 36 characters
// (docs/design.md, "How ids are stored"). The store keeps handling ids as
// Go strings: the SQLite connections (sqlitecache.go) bind every string
// argument that is a canonical UUID as its 16 bytes (idArg), and return a
// 16-byte BLOB read from a column not declared BLOB as the canonical UUID
// text (idRows). Only the canonical lowercase spelling is converted, so a
// value always reads back byte-identical; any other string stays text.
// PostgreSQL stores text as before.

// uuidLen is the length of a UUID's canonical text, 8-4-4-4-12 hex digits.
const uuidLen = 36

// isCanonicalUUID reports whether s is a UUID in canonical lowercase form:
// 36 characters, 8-4-4-4-12 lowercase hexadecimal digits.
func isCanonicalUUID(s string) bool {
	if len(s) != uuidLen {
		return false
	}
	for i := 0; i < uuidLen; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// uuidBytes returns the 16 bytes of s, a canonical UUID (isCanonicalUUID).
// Lowercase hex bytes sort as their text does, so ORDER BY and keyset
// paging keep their order.
func uuidBytes(s string) []byte {
	b := make([]byte, 16)
	for i, j := 0, 0; i < uuidLen; i += 2 {
		if s[i] == '-' {
			i--
			continue
		}
		b[j] = hexDigit(s[i])<<4 | hexDigit(s[i+1])
		j++
	}
	return b
}

// hexDigit is the value of a lowercase hex digit.
func hexDigit(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// uuidText returns the canonical text of the 16 bytes b.
func uuidText(b []byte) string {
	var s [uuidLen]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

// keepText is a string argument bound as text even when it is a canonical
// UUID: a value compared with text computed in SQL (LOWER(idtext(x)), a
// JSON field), never with a stored id. On PostgreSQL it is plain text.
type keepText string

// Value returns the text.
func (k keepText) Value() (driver.Value, error) { return string(k), nil }

// idArg converts a statement argument for SQLite: a canonical UUID string
// becomes its 16 bytes, a keepText stays text, anything else is converted
// as database/sql does by default.
func idArg(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case string:
		if isCanonicalUUID(v) {
			nv.Value = uuidBytes(v)
		}
		return nil
	case keepText:
		nv.Value = string(v)
		return nil
	}
	v, err := driver.DefaultParameterConverter.ConvertValue(nv.Value)
	if err != nil {
		return err
	}
	if s, ok := v.(string); ok && isCanonicalUUID(s) {
		v = uuidBytes(s)
	}
	nv.Value = v
	return nil
}

// textIfCased keeps a $filter literal as text when the property it is
// compared with goes through tolower()/toupper() (fn), which compare text
// (LOWER(idtext(x))), not stored ids.
func textIfCased(v any, fn string) any {
	if s, ok := v.(string); ok && fn != "" {
		return keepText(s)
	}
	return v
}
