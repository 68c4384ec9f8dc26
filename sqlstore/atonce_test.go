package sqlstore

import "sync"

// atOnce runs call(0) … call(n-1), one goroutine each, released together
// once all have started, and returns their errors by index.
func atOnce(n int, call func(i int) error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = call(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}
