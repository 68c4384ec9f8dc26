package odata

import (
	"fmt"
	"strings"

	"github.com/entitled-dev/entitled"
)

// tokKind classifies a lexical token of a $filter expression.
type tokKind int

const (
	tokEOF    tokKind = iota
	tokIdent          // property path or keyword: state, accessPackage/id, and, eq
	tokString         // 'quoted' with '' as an escaped quote
	tokBare           // unquoted literal starting with a digit or '-': number, date-time, GUID
	tokLParen
	tokRParen
	tokComma
	tokColon
)

type token struct {
	kind tokKind
	text string // identifier text, unescaped string, or bare literal
	pos  int    // 1-based character position in the input
}

// filterError is the 400 error for a $filter the parser cannot read;
// callers add the message key.
//
//i18n:keyed-by-caller
func filterError(pos int, format string, args ...any) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$filter",
		Message: fmt.Sprintf("invalid $filter at position %d: %s", pos, fmt.Sprintf(format, args...))}
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '@' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '/' || c == '.'
}

func isBarePart(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		c == '-' || c == ':' || c == '.' || c == '+'
}

// punctuation maps the one-character tokens to their kind.
var punctuation = [256]tokKind{'(': tokLParen, ')': tokRParen, ',': tokComma, ':': tokColon}

// lex splits a $filter expression into tokens.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case punctuation[c] != 0:
			toks = append(toks, token{punctuation[c], string(c), i + 1})
			i++
		case c == '\'':
			start := i
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, filterError(start+1, "string literal is not closed; end it with ' (write '' for a quote inside)").WithKey("err.filter.unclosedString", "Position", start+1)
			}
			toks = append(toks, token{tokString, b.String(), start + 1})
		case isIdentStart(c):
			start := i
			for i < len(s) && isIdentPart(s[i]) {
				i++
			}
			toks = append(toks, token{tokIdent, s[start:i], start + 1})
		case (c >= '0' && c <= '9') || c == '-':
			start := i
			i++
			for i < len(s) && isBarePart(s[i]) {
				i++
			}
			toks = append(toks, token{tokBare, s[start:i], start + 1})
		default:
			return nil, filterError(i+1, "unexpected character %q", string(c)).WithKey("err.filter.unexpectedChar", "Position", i+1, "Char", string(c))
		}
	}
	toks = append(toks, token{tokEOF, "", len(s) + 1})
	return toks, nil
}
