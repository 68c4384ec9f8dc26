package connectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Decoding a connector config into a tagged struct, shared by the kinds.
//
// A kind declares its config as a struct: each field carries the config key
// in its json tag and, in an invalid tag, the message given when the value
// has the wrong type ("config.<key> " is put in front). Optional values are
// pointers, so that a missing key (or null) stays nil.

// Decode checks that config holds only the keys of dst's fields (plus the
// "<secret>Set" markers of secrets, see CheckKeys), then decodes it into
// dst, a pointer to such a struct, through a JSON round trip. A value of the
// wrong type is a 400 naming config.<key> with the field's invalid message.
func Decode(kind string, config map[string]any, secrets []string, dst any) error {
	if err := CheckKeys(kind, config, Keys(dst), secrets); err != nil {
		return err
	}
	b, err := json.Marshal(config)
	if err != nil {
		// A value JSON cannot hold (NaN, a channel) came from Go code; name it.
		keys := make([]string, 0, len(config))
		for key := range config {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			if _, err := json.Marshal(config[key]); err != nil {
				return wrongType(dst, key)
			}
		}
		return fmt.Errorf("connectors: encoding a %s config: %w", kind, err)
	}
	err = json.Unmarshal(b, dst)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		key, _, _ := strings.Cut(te.Field, ".")
		return wrongType(dst, key)
	}
	if err != nil {
		return fmt.Errorf("connectors: decoding a %s config: %w", kind, err)
	}
	return nil
}

// wrongType is the error of a value of the wrong type for key: the invalid
// message of its field.
func wrongType(dst any, key string) error {
	if f, ok := field(dst, key); ok && f.Tag.Get("invalid") != "" {
		return ConfigError(key, "config.%s %s", key, f.Tag.Get("invalid")).WithKey("err.config.invalid", "Key", key, "Rule", f.Tag.Get("invalid"))
	}
	return ConfigError(key, "config.%s has the wrong type", key).WithKey("err.config.wrongType", "Key", key)
}

// Keys returns the config keys of a tagged config struct (or a pointer to
// one), in the order of its fields.
func Keys(dst any) []string {
	t := structType(dst)
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if key := jsonKey(t.Field(i)); key != "" {
			keys = append(keys, key)
		}
	}
	return keys
}

// field finds the struct field holding key.
func field(dst any, key string) (reflect.StructField, bool) {
	t := structType(dst)
	for i := range t.NumField() {
		if jsonKey(t.Field(i)) == key {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

func structType(v any) reflect.Type {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func jsonKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}
