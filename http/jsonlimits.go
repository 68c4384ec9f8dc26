package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Bounds on the shape of a JSON request body (its size is bounded by
// Config.MaxBodyBytes). docs/api.md lists them under Limits.
const (
	// MaxJSONArrayItems is the most items of any array in a request body.
	MaxJSONArrayItems = 100
	// MaxJSONDepth is how deeply arrays and objects may nest in a request body.
	MaxJSONDepth = 32
)

// jsonFrame is an open array or object while checkJSONShape walks a body.
type jsonFrame struct {
	array   bool
	key     string // object: the last key read
	wantKey bool   // object: the next token is a key
	items   int    // array: items read
}

// checkJSONShape refuses a body (already known to be valid JSON) with an
// array of more than MaxJSONArrayItems items or nesting deeper than
// MaxJSONDepth: a 400 whose target is the property path, such as
// "requestApprovalSettings.stages.primaryApprovers".
func checkJSONShape(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var stack []jsonFrame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or malformed JSON that decoding reports
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
				stack = stack[:n-1]
				continue
			}
			if !top.array && top.wantKey {
				top.key, _ = tok.(string)
				top.wantKey = false
				continue
			}
			if top.array {
				if top.items++; top.items > MaxJSONArrayItems {
					where := "the request body"
					if p := jsonPath(stack); p != "" {
						where = p
					}
					return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: jsonPath(stack),
						Message: fmt.Sprintf("%s holds more than %d items; the limit of any array in a request body", where, MaxJSONArrayItems)}).WithKey("err.body.arrayTooLong", "Where", where, "Max", MaxJSONArrayItems)
				}
			} else {
				top.wantKey = true
			}
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			if len(stack) == MaxJSONDepth {
				return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: jsonPath(stack),
					Message: fmt.Sprintf("the request body nests arrays and objects more than %d levels deep", MaxJSONDepth)}).WithKey("err.body.tooDeep", "Max", MaxJSONDepth)
			}
			stack = append(stack, jsonFrame{array: d == '[', wantKey: d == '{'})
		}
	}
}

// jsonPath names the properties being read in stack, dot-separated.
func jsonPath(stack []jsonFrame) string {
	var keys []string
	for _, f := range stack {
		if !f.array && f.key != "" {
			keys = append(keys, f.key)
		}
	}
	return strings.Join(keys, ".")
}
