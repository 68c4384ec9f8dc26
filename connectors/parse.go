package connectors

// Settings are a kind's config keys as Decode fills them: Validate checks
// them and returns the parsed config C, with the defaults filled in.
type Settings[C any] interface {
	Validate() (C, error)
}

// Parse decodes config into settings (Decode: only their keys, secrets
// write-only) and returns the config they make (Validate): the ParseConfig
// of every kind.
func Parse[C any](kind string, config map[string]any, secrets []string, settings Settings[C]) (C, error) {
	if err := Decode(kind, config, secrets, settings); err != nil {
		var none C
		return none, err
	}
	return settings.Validate()
}
