package e2e

import "sync"

// inLanes calls do(i) for every i below n from lanes goroutines (lane g
// takes g, g+lanes, g+2·lanes, …) and returns once every call is done.
func inLanes(n, lanes int, do func(i int)) {
	var wg sync.WaitGroup
	for g := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += lanes {
				do(i)
			}
		}()
	}
	wg.Wait()
}
