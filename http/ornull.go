package http

// orNull is s for a JSON field that is null when empty: nil for "", else
// a pointer to a copy of s.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
