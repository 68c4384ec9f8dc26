package connectors

import "github.com/entitled-dev/entitled"

// Kind is a connector kind made of what tells the kinds apart: its name,
// its write-only and URL-valued config keys, how its config is parsed and
// how a connector is built from the parsed config. Validate parses a
// config and keeps only the error; New parses the system's config and
// builds its connector. It implements entitled.ConnectorKind and
// entitled.URLConfig.
type Kind[C any] struct {
	// KindName is the kind's name as written in the API.
	KindName string
	// Secrets are the write-only config keys (SecretFields).
	Secrets []string
	// URLs are the config keys whose values are URLs, masked when the
	// config is read back (URLFields); nil when there are none.
	URLs []string
	// Parse checks a config and returns it parsed, or a 400 error naming
	// the offending key.
	Parse func(config map[string]any) (C, error)
	// Build returns the connector of a parsed config.
	Build func(cfg C) (entitled.Connector, error)
}

// Name is the kind's name as written in the API.
func (k Kind[C]) Name() string { return k.KindName }

// SecretFields lists the write-only config keys.
func (k Kind[C]) SecretFields() []string { return k.Secrets }

// URLFields lists the config keys whose values are URLs.
func (k Kind[C]) URLFields() []string { return k.URLs }

// Validate checks a system's config and returns a 400 *entitled.Error.
func (k Kind[C]) Validate(config map[string]any) error {
	_, err := k.Parse(config)
	return err
}

// New returns a connector for the system, from its parsed config.
func (k Kind[C]) New(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	cfg, err := k.Parse(sys.Config)
	if err != nil {
		return nil, err
	}
	return k.Build(cfg)
}
