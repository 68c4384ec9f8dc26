package http

// wireItems shapes every value of a small collection for its answer.
func wireItems[T, W any](in []T, conv func(T) W) []any {
	items := make([]any, 0, len(in))
	for _, v := range in {
		items = append(items, conv(v))
	}
	return items
}

// wireItemsErr is wireItems for a shaping that can fail ($select, $expand).
func wireItemsErr[T any](in []T, conv func(T) (any, error)) ([]any, error) {
	items := make([]any, 0, len(in))
	for _, v := range in {
		w, err := conv(v)
		if err != nil {
			return nil, err
		}
		items = append(items, w)
	}
	return items, nil
}
