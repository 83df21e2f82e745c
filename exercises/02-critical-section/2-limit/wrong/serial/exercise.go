//go:build coach

// Wrong: runs one job at a time whatever n is: never more than n, but never
// n at once either.
package limit

// Limit runs every job, at most n (≥ 1) at a time, and returns when all have
// returned.
func Limit(n int, jobs []func()) {
	for _, job := range jobs {
		job()
	}
}
