package ui

import "github.com/entitled-dev/entitled"

// allPages reads every page of a list, following its skip tokens from the
// first page; for lists that are short by nature (a package's policies, a
// server's connected systems).
func allPages[T any](page func(skip string) (entitled.Page[T], error)) ([]T, error) {
	var out []T
	skip := ""
	for {
		pg, err := page(skip)
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Items...)
		if pg.NextSkipToken == "" {
			return out, nil
		}
		skip = pg.NextSkipToken
	}
}
