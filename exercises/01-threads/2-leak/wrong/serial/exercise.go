//go:build coach

// Wrong: asks the mirrors one after another, so a slow first mirror holds
// up the answer of a fast one.
package leak

// Fastest returns the answer of whichever mirror answers first.
func Fastest(mirrors []func() string) string {
	answer := ""
	for _, ask := range mirrors {
		if a := ask(); answer == "" {
			answer = a
		}
	}
	return answer
}
